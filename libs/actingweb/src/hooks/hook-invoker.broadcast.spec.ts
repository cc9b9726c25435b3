import { describe, expect, it, jest } from '@jest/globals';
import { BadRequestError } from '../errors/actingweb.errors.js';
import {
  boom,
  callbackCtx,
  freshInvoker,
  lifecycleCtx,
  modes,
  subscriptionCtx,
} from './hook-invoker.spec-support.js';
import type { LifecycleHookContext } from './hook.types.js';

/** Callback, subscription and lifecycle hooks: every hook runs, named ones first. */
describe.each(modes)('HookInvoker broadcast hooks, written %s', (_mode, wrap) => {
  const t = freshInvoker();

  describe('callback', () => {
    it('runs every named then wildcard hook and returns the last plain object', async () => {
      const order: string[] = [];
      t.registry.registerHook(
        'callback',
        '*',
        wrap(() => (order.push('wild'), true)),
      );
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('first'), { first: 1 })),
      );
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('second'), { second: 2 })),
      );
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('third'), [1, 2])),
      );
      expect(await t.invoker.runCallback(callbackCtx('ping'))).toEqual({
        handled: true,
        result: { second: 2 },
      });
      expect(order).toEqual(['first', 'second', 'third', 'wild']);
    });

    it('returns true when some hook returned a truthy non-object', async () => {
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => 'yes'),
      );
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => false),
      );
      expect(await t.invoker.runCallback(callbackCtx('ping'))).toEqual({ handled: true, result: true });
    });

    it('returns false (not handled) when every hook is falsy or throws, after running them all; logs the error', async () => {
      const last = jest.fn(() => 0);
      t.registry.registerHook('callback', 'ping', wrap(boom), { label: 'Cb.broken' });
      t.registry.registerHook(
        'callback',
        'ping',
        wrap(() => null),
      );
      t.registry.registerHook('callback', '*', last);
      expect(await t.invoker.runCallback(callbackCtx('ping'))).toEqual({
        handled: false,
        result: false,
        error: expect.objectContaining({ message: 'boom' }),
      });
      expect(last).toHaveBeenCalledTimes(1);
      expect(t.errors).toEqual([
        expect.stringMatching(/^Hook Cb\.broken \(callback:ping\): Error: boom\n\s+at /),
      ]);
    });

    it('answersWithError: the first error is returned, not logged, and every hook still runs', async () => {
      const refusal = new BadRequestError('bad input');
      const last = jest.fn(() => ({ fine: true }));
      t.registry.registerHook(
        'callback',
        'resource_x',
        wrap(() => {
          throw refusal;
        }),
      );
      t.registry.registerHook('callback', 'resource_x', wrap(boom));
      t.registry.registerHook('callback', '*', last);
      expect(await t.invoker.runCallback(callbackCtx('resource_x'), { answersWithError: true })).toEqual({
        handled: true,
        result: { fine: true },
        error: refusal,
      });
      expect(last).toHaveBeenCalledTimes(1);
      expect(t.errors).toEqual([]);
    });

    it('is not handled without hooks', async () => {
      expect(await t.invoker.runCallback(callbackCtx('none'))).toEqual({ handled: false, result: false });
    });
  });

  describe('subscription', () => {
    it('runs target hooks then wildcard hooks, all of them, even after an error', async () => {
      const order: string[] = [];
      t.registry.registerHook(
        'subscription',
        '*',
        wrap((ctx) => order.push(`wild:${ctx.target}`)),
      );
      t.registry.registerHook(
        'subscription',
        'properties',
        wrap(() => (order.push('broken'), boom())),
        { label: 'Sub.broken' },
      );
      t.registry.registerHook(
        'subscription',
        'properties',
        wrap(() => order.push('named')),
      );
      t.registry.registerHook(
        'subscription',
        'other',
        wrap(() => order.push('other')),
      );
      await expect(t.invoker.runSubscription(subscriptionCtx('properties'))).resolves.toBeUndefined();
      expect(order).toEqual(['broken', 'named', 'wild:properties']);
      expect(t.errors).toEqual([
        expect.stringMatching(/^Hook Sub\.broken \(subscription:properties\): Error: boom\n\s+at /),
      ]);
    });
  });

  describe('lifecycle', () => {
    it('runs every hook for the event and returns the last non-null result', async () => {
      const order: string[] = [];
      t.registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('a'), 'first')),
      );
      t.registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('b'), 'second')),
      );
      t.registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('c'), null)),
      );
      t.registry.registerHook(
        'lifecycle',
        'actor_created',
        wrap(() => order.push('other event')),
      );
      expect(await t.invoker.runLifecycle(lifecycleCtx('trust_approved'))).toBe('second');
      expect(order).toEqual(['a', 'b', 'c']);
    });

    it('swallows and logs t.errors, still running the other hooks', async () => {
      const after = jest.fn((ctx: LifecycleHookContext) => ctx.peerId);
      t.registry.registerHook('lifecycle', 'actor_deleted', wrap(boom), { label: 'Life.broken' });
      t.registry.registerHook('lifecycle', 'actor_deleted', after);
      expect(await t.invoker.runLifecycle(lifecycleCtx('actor_deleted'))).toBe('peer');
      expect(after).toHaveBeenCalledTimes(1);
      expect(t.errors).toEqual([
        expect.stringMatching(/^Hook Life\.broken \(lifecycle:actor_deleted\): Error: boom\n\s+at /),
      ]);
    });

    it('returns null without hooks or results', async () => {
      expect(await t.invoker.runLifecycle(lifecycleCtx('my_event'))).toBeNull();
      t.registry.registerHook('lifecycle', 'my_event', wrap(boom));
      expect(await t.invoker.runLifecycle(lifecycleCtx('my_event'))).toBeNull();
    });

    it('veto: allows when no hook returns false; stops at the first false or error', async () => {
      const order: string[] = [];
      expect(await t.invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: true });
      t.registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('a'), null)),
      );
      t.registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('b'), true)),
      );
      expect(await t.invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: true });
      t.registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('c'), false)),
      );
      t.registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => order.push('never')),
      );
      expect(await t.invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: false });
      expect(order).toEqual(['a', 'b', 'a', 'b', 'c']);

      t.registry.registerHook('lifecycle', 'vetoed_by_error', wrap(boom), { label: 'Life.veto' });
      const outcome = await t.invoker.runLifecycleVeto(lifecycleCtx('vetoed_by_error'));
      expect(outcome.allowed).toBe(false);
      expect((outcome.error as Error).message).toBe('boom');
      expect(t.errors).toEqual([
        expect.stringMatching(/^Hook Life\.veto \(lifecycle:vetoed_by_error\): Error: boom/),
      ]);
    });
  });
});

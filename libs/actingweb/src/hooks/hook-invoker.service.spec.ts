import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ActorHandle } from './actor-handle.js';
import { ANONYMOUS } from '../common/caller.js';
import type {
  ActionHookContext,
  CallbackHookContext,
  LifecycleHookContext,
  PropertyHookContext,
  SubscriptionHookContext,
} from './hook.types.js';
import { HookInvoker } from './hook-invoker.service.js';
import { HookRegistry } from './hook-registry.service.js';
import { BadRequestError, ForbiddenError, PeerTimeoutError } from '../errors/actingweb.errors.js';
import { logFailure } from '../errors/failures.js';

const actor = {
  id: 'a'.repeat(32),
  creator: 'me',
  url: 'https://x/' + 'a'.repeat(32),
  trusteeRoot: null,
} as unknown as ActorHandle;

function propertyCtx(overrides: Partial<PropertyHookContext> = {}): PropertyHookContext {
  return { actor, operation: 'get', name: 'email', path: [], value: 'v', caller: ANONYMOUS, ...overrides };
}
function actionCtx(name: string): ActionHookContext {
  return { actor, name, data: { q: 1 }, caller: ANONYMOUS, httpMethod: 'POST' };
}
function callbackCtx(name: string): CallbackHookContext {
  return { actor, name, data: {}, caller: ANONYMOUS, httpMethod: 'POST' };
}
function subscriptionCtx(target: string): SubscriptionHookContext {
  return {
    actor,
    peerId: 'p'.repeat(32),
    subscriptionId: 's1',
    target,
    subtarget: null,
    resource: null,
    sequence: 1,
    data: {},
    type: 'diff',
  };
}
function lifecycleCtx(event: string): LifecycleHookContext {
  return { event, actor, peerId: 'peer' };
}

type Fn<C> = (ctx: C) => unknown;
/** The same hook written synchronously or as an async function. */
const modes: [string, <C>(fn: Fn<C>) => Fn<C>][] = [
  ['sync', (fn) => fn],
  ['async', (fn) => async (ctx) => fn(ctx)],
];

describe.each(modes)('HookInvoker with %s hooks', (_mode, wrap) => {
  let registry: HookRegistry;
  let invoker: HookInvoker;
  let errors: string[];

  beforeEach(() => {
    registry = new HookRegistry();
    invoker = new HookInvoker(registry);
    errors = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const boom = (): never => {
    throw new Error('boom');
  };

  describe('property', () => {
    it('passes the value through unchanged without hooks', async () => {
      expect(await invoker.runProperty(propertyCtx({ value: { a: 1 } }))).toEqual({
        value: { a: 1 },
        rejected: false,
      });
      expect(await invoker.runProperty(propertyCtx({ operation: 'put', value: null }))).toEqual({
        value: null,
        rejected: false,
      });
    });

    it('chains named hooks by priority, then wildcard hooks, each seeing the previous value', async () => {
      const seen: unknown[] = [];
      registry.registerHook(
        'property',
        '*',
        wrap((ctx) => `${String(ctx.value)}!`),
      );
      registry.registerHook(
        'property',
        'email',
        wrap((ctx) => (seen.push(ctx.value), `${String(ctx.value)}-low`)),
      );
      registry.registerHook(
        'property',
        'email',
        wrap((ctx) => (seen.push(ctx.value), `${String(ctx.value)}-high`)),
        { priority: 1 },
      );
      const result = await invoker.runProperty(propertyCtx({ value: 'v' }));
      expect(result).toEqual({ value: 'v-high-low!', rejected: false });
      expect(seen).toEqual(['v', 'v-high']);
    });

    it('only runs hooks whose operations include the current operation', async () => {
      registry.registerHook(
        'property',
        'email',
        wrap(() => 'from-put-hook'),
        { operations: ['put'] },
      );
      registry.registerHook(
        'property',
        'email',
        wrap((ctx) => `${String(ctx.value)}+get`),
        { operations: ['get', 'delete'] },
      );
      expect((await invoker.runProperty(propertyCtx())).value).toBe('v+get');
      expect((await invoker.runProperty(propertyCtx({ operation: 'put' }))).value).toBe('from-put-hook');
    });

    it('get: null flows on to the next hook', async () => {
      const seen: unknown[] = [];
      registry.registerHook(
        'property',
        'email',
        wrap(() => undefined),
      );
      registry.registerHook(
        'property',
        '*',
        wrap((ctx) => (seen.push(ctx.value), ctx.value)),
      );
      expect(await invoker.runProperty(propertyCtx())).toEqual({ value: null, rejected: false });
      expect(seen).toEqual([null]);
    });

    it.each(['get', 'put', 'post', 'delete'] as const)(
      '%s: a throwing hook ends the chain with its error, noted with its label for whoever answers',
      async (operation) => {
        const later = jest.fn(() => 'never');
        const thrown = new Error('boom');
        registry.registerHook(
          'property',
          'email',
          wrap(() => {
            throw thrown;
          }),
          { label: 'DemoHooks.onEmail' },
        );
        registry.registerHook('property', '*', later);
        await expect(invoker.runProperty(propertyCtx({ operation }))).rejects.toBe(thrown);
        expect(later).not.toHaveBeenCalled();
        expect(errors).toEqual([]); // the transport that answers with it logs it
        const logged: string[] = [];
        logFailure({ error: (m: string) => logged.push(m) } as never, '', thrown);
        expect(logged[0]).toMatch(/^Hook DemoHooks\.onEmail \(property:email\): Error: boom\n\s+at /);
      },
    );

    it('get: a later hook may turn null back into a value', async () => {
      registry.registerHook(
        'property',
        'email',
        wrap(() => null),
      );
      registry.registerHook(
        'property',
        '*',
        wrap((ctx) => (ctx.value === null ? 'default' : ctx.value)),
      );
      expect((await invoker.runProperty(propertyCtx())).value).toBe('default');
    });

    it.each(['put', 'post'] as const)(
      '%s: returning null/undefined rejects the write and stops the chain',
      async (operation) => {
        const later = jest.fn(() => 'never');
        registry.registerHook(
          'property',
          'email',
          wrap(() => undefined),
        );
        registry.registerHook('property', '*', later);
        expect(await invoker.runProperty(propertyCtx({ operation }))).toEqual({
          value: null,
          rejected: true,
        });
        expect(later).not.toHaveBeenCalled();
      },
    );

    it('put: hooks may transform the stored value and get the full context', async () => {
      const received: PropertyHookContext[] = [];
      registry.registerHook(
        'property',
        'email',
        wrap((ctx) => (received.push(ctx), String(ctx.value).toLowerCase())),
      );
      const ctx = propertyCtx({ operation: 'put', value: 'A@B.C', path: ['home'] });
      expect(await invoker.runProperty(ctx)).toEqual({ value: 'a@b.c', rejected: false });
      expect(received[0]).toMatchObject({
        actor,
        name: 'email',
        path: ['home'],
        operation: 'put',
        caller: ANONYMOUS,
      });
    });
  });

  describe.each(['action', 'method'] as const)('%s', (kind) => {
    const run = (name: string) =>
      kind === 'action' ? invoker.runAction(actionCtx(name)) : invoker.runMethod(actionCtx(name));

    it('returns the first non-null result and skips later hooks', async () => {
      const later = jest.fn(() => 'later');
      registry.registerHook(
        kind,
        'echo',
        wrap(() => null),
      );
      registry.registerHook(
        kind,
        'echo',
        wrap((ctx) => ({ echoed: ctx.data })),
      );
      registry.registerHook(kind, 'echo', later);
      registry.registerHook(kind, '*', later);
      expect(await run('echo')).toEqual({ handled: true, result: { echoed: { q: 1 } } });
      expect(later).not.toHaveBeenCalled();
    });

    it('treats falsy non-null results (0, false, "") as answers', async () => {
      registry.registerHook(
        kind,
        'zero',
        wrap(() => 0),
      );
      registry.registerHook(
        kind,
        'zero',
        wrap(() => 'unused'),
      );
      expect(await run('zero')).toEqual({ handled: true, result: 0 });
    });

    it('a throwing hook ends the chain: its error is the answer, not a later hook', async () => {
      const refusal = new ForbiddenError('not for you');
      const later = jest.fn(() => 'ok');
      registry.registerHook(
        kind,
        'echo',
        wrap(() => {
          throw refusal;
        }),
        { label: 'Demo.refuse' },
      );
      registry.registerHook(kind, 'echo', later);
      registry.registerHook(kind, '*', later);
      expect(await run('echo')).toEqual({ handled: false, result: null, error: refusal });
      expect(later).not.toHaveBeenCalled();
      expect(errors).toEqual([]);
    });

    it('runs wildcard hooks only when every named hook returned null', async () => {
      const names: string[] = [];
      registry.registerHook(
        kind,
        '*',
        wrap((ctx) => (names.push(ctx.name), `wild:${ctx.name}`)),
      );
      registry.registerHook(
        kind,
        'named',
        wrap(() => 'named'),
      );
      registry.registerHook(
        kind,
        'empty',
        wrap(() => undefined),
      );
      expect(await run('named')).toEqual({ handled: true, result: 'named' });
      expect(await run('empty')).toEqual({ handled: true, result: 'wild:empty' });
      expect(await run('unknown')).toEqual({ handled: true, result: 'wild:unknown' });
      expect(names).toEqual(['empty', 'unknown']);
    });

    it('is not handled when no hook produced a result', async () => {
      registry.registerHook(
        kind,
        'x',
        wrap(() => null),
      );
      expect(await run('x')).toEqual({ handled: false, result: null });
      registry.registerHook(kind, '*', wrap(boom));
      // The wildcard threw: the error is reported so callers can tell a failure from "no result".
      expect(await run('x')).toEqual({ handled: false, result: null, error: expect.any(Error) });
      expect(await run('none')).toEqual({ handled: false, result: null, error: expect.any(Error) });
    });
  });

  describe('callback', () => {
    it('runs every named then wildcard hook and returns the last plain object', async () => {
      const order: string[] = [];
      registry.registerHook(
        'callback',
        '*',
        wrap(() => (order.push('wild'), true)),
      );
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('first'), { first: 1 })),
      );
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('second'), { second: 2 })),
      );
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => (order.push('third'), [1, 2])),
      );
      expect(await invoker.runCallback(callbackCtx('ping'))).toEqual({
        handled: true,
        result: { second: 2 },
      });
      expect(order).toEqual(['first', 'second', 'third', 'wild']);
    });

    it('returns true when some hook returned a truthy non-object', async () => {
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => 'yes'),
      );
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => false),
      );
      expect(await invoker.runCallback(callbackCtx('ping'))).toEqual({ handled: true, result: true });
    });

    it('returns false (not handled) when every hook is falsy or throws, after running them all; logs the error', async () => {
      const last = jest.fn(() => 0);
      registry.registerHook('callback', 'ping', wrap(boom), { label: 'Cb.broken' });
      registry.registerHook(
        'callback',
        'ping',
        wrap(() => null),
      );
      registry.registerHook('callback', '*', last);
      expect(await invoker.runCallback(callbackCtx('ping'))).toEqual({
        handled: false,
        result: false,
        error: expect.objectContaining({ message: 'boom' }),
      });
      expect(last).toHaveBeenCalledTimes(1);
      expect(errors).toEqual([
        expect.stringMatching(/^Hook Cb\.broken \(callback:ping\): Error: boom\n\s+at /),
      ]);
    });

    it('answersWithError: the first error is returned, not logged, and every hook still runs', async () => {
      const refusal = new BadRequestError('bad input');
      const last = jest.fn(() => ({ fine: true }));
      registry.registerHook(
        'callback',
        'resource_x',
        wrap(() => {
          throw refusal;
        }),
      );
      registry.registerHook('callback', 'resource_x', wrap(boom));
      registry.registerHook('callback', '*', last);
      expect(await invoker.runCallback(callbackCtx('resource_x'), { answersWithError: true })).toEqual({
        handled: true,
        result: { fine: true },
        error: refusal,
      });
      expect(last).toHaveBeenCalledTimes(1);
      expect(errors).toEqual([]);
    });

    it('is not handled without hooks', async () => {
      expect(await invoker.runCallback(callbackCtx('none'))).toEqual({ handled: false, result: false });
    });
  });

  describe('subscription', () => {
    it('runs target hooks then wildcard hooks, all of them, even after an error', async () => {
      const order: string[] = [];
      registry.registerHook(
        'subscription',
        '*',
        wrap((ctx) => order.push(`wild:${ctx.target}`)),
      );
      registry.registerHook(
        'subscription',
        'properties',
        wrap(() => (order.push('broken'), boom())),
        { label: 'Sub.broken' },
      );
      registry.registerHook(
        'subscription',
        'properties',
        wrap(() => order.push('named')),
      );
      registry.registerHook(
        'subscription',
        'other',
        wrap(() => order.push('other')),
      );
      await expect(invoker.runSubscription(subscriptionCtx('properties'))).resolves.toBeUndefined();
      expect(order).toEqual(['broken', 'named', 'wild:properties']);
      expect(errors).toEqual([
        expect.stringMatching(/^Hook Sub\.broken \(subscription:properties\): Error: boom\n\s+at /),
      ]);
    });
  });

  describe('lifecycle', () => {
    it('runs every hook for the event and returns the last non-null result', async () => {
      const order: string[] = [];
      registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('a'), 'first')),
      );
      registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('b'), 'second')),
      );
      registry.registerHook(
        'lifecycle',
        'trust_approved',
        wrap(() => (order.push('c'), null)),
      );
      registry.registerHook(
        'lifecycle',
        'actor_created',
        wrap(() => order.push('other event')),
      );
      expect(await invoker.runLifecycle(lifecycleCtx('trust_approved'))).toBe('second');
      expect(order).toEqual(['a', 'b', 'c']);
    });

    it('swallows and logs errors, still running the other hooks', async () => {
      const after = jest.fn((ctx: LifecycleHookContext) => ctx.peerId);
      registry.registerHook('lifecycle', 'actor_deleted', wrap(boom), { label: 'Life.broken' });
      registry.registerHook('lifecycle', 'actor_deleted', after);
      expect(await invoker.runLifecycle(lifecycleCtx('actor_deleted'))).toBe('peer');
      expect(after).toHaveBeenCalledTimes(1);
      expect(errors).toEqual([
        expect.stringMatching(/^Hook Life\.broken \(lifecycle:actor_deleted\): Error: boom\n\s+at /),
      ]);
    });

    it('returns null without hooks or results', async () => {
      expect(await invoker.runLifecycle(lifecycleCtx('my_event'))).toBeNull();
      registry.registerHook('lifecycle', 'my_event', wrap(boom));
      expect(await invoker.runLifecycle(lifecycleCtx('my_event'))).toBeNull();
    });

    it('veto: allows when no hook returns false; stops at the first false or error', async () => {
      const order: string[] = [];
      expect(await invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: true });
      registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('a'), null)),
      );
      registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('b'), true)),
      );
      expect(await invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: true });
      registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => (order.push('c'), false)),
      );
      registry.registerHook(
        'lifecycle',
        'oauth_success',
        wrap(() => order.push('never')),
      );
      expect(await invoker.runLifecycleVeto(lifecycleCtx('oauth_success'))).toEqual({ allowed: false });
      expect(order).toEqual(['a', 'b', 'a', 'b', 'c']);

      registry.registerHook('lifecycle', 'vetoed_by_error', wrap(boom), { label: 'Life.veto' });
      const outcome = await invoker.runLifecycleVeto(lifecycleCtx('vetoed_by_error'));
      expect(outcome.allowed).toBe(false);
      expect((outcome.error as Error).message).toBe('boom');
      expect(errors).toEqual([
        expect.stringMatching(/^Hook Life\.veto \(lifecycle:vetoed_by_error\): Error: boom/),
      ]);
    });
  });
});

describe('HookInvoker error logging', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('logs a refusal (ActingWebError) as one warn line, anything else with its stack; copes with non-Error throws', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const registry = new HookRegistry();
    const invoker = new HookInvoker(registry);
    registry.registerHook('lifecycle', 'e', () => {
      throw new ForbiddenError('no');
    });
    registry.registerHook('lifecycle', 'e', () => {
      throw new PeerTimeoutError('peer slow');
    });
    registry.registerHook('lifecycle', 'e', () => {
      throw 'a string';
    });
    expect(await invoker.runLifecycle(lifecycleCtx('e'))).toBeNull();
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      expect.stringMatching(/\(lifecycle:e\): 403 ForbiddenError: no$/),
      expect.stringMatching(/\(lifecycle:e\): 408 PeerTimeoutError: peer slow$/),
    ]);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toMatch(/\(lifecycle:e\): Error: a string\n\s+at /);
  });

  it('passes a non-Error throw of an action hook on as an Error', async () => {
    const registry = new HookRegistry();
    const invoker = new HookInvoker(registry);
    registry.registerHook('action', 'a', () => {
      throw 'a string';
    });
    const outcome = await invoker.runAction(actionCtx('a'));
    expect(outcome.error).toBeInstanceOf(Error);
    expect((outcome.error as Error).message).toBe('a string');
  });
});

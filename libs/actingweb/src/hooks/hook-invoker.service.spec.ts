import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ForbiddenError, PeerTimeoutError } from '../errors/actingweb.errors.js';
import { HookInvoker } from './hook-invoker.service.js';
import { HookRegistry } from './hook-registry.service.js';
import { actionCtx, boom, freshInvoker, lifecycleCtx, modes } from './hook-invoker.spec-support.js';

/** Method and action hooks: named hooks, then `'*'`; the first non-null result answers. */
describe.each(modes)('HookInvoker method and action hooks, written %s', (_mode, wrap) => {
  const t = freshInvoker();

  describe.each(['action', 'method'] as const)('%s', (kind) => {
    const run = (name: string) =>
      kind === 'action' ? t.invoker.runAction(actionCtx(name)) : t.invoker.runMethod(actionCtx(name));

    it('returns the first non-null result and skips later hooks', async () => {
      const later = jest.fn(() => 'later');
      t.registry.registerHook(
        kind,
        'echo',
        wrap(() => null),
      );
      t.registry.registerHook(
        kind,
        'echo',
        wrap((ctx) => ({ echoed: ctx.data })),
      );
      t.registry.registerHook(kind, 'echo', later);
      t.registry.registerHook(kind, '*', later);
      expect(await run('echo')).toEqual({ handled: true, result: { echoed: { q: 1 } } });
      expect(later).not.toHaveBeenCalled();
    });

    it('treats falsy non-null results (0, false, "") as answers', async () => {
      t.registry.registerHook(
        kind,
        'zero',
        wrap(() => 0),
      );
      t.registry.registerHook(
        kind,
        'zero',
        wrap(() => 'unused'),
      );
      expect(await run('zero')).toEqual({ handled: true, result: 0 });
    });

    it('a throwing hook ends the chain: its error is the answer, not a later hook', async () => {
      const refusal = new ForbiddenError('not for you');
      const later = jest.fn(() => 'ok');
      t.registry.registerHook(
        kind,
        'echo',
        wrap(() => {
          throw refusal;
        }),
        { label: 'Demo.refuse' },
      );
      t.registry.registerHook(kind, 'echo', later);
      t.registry.registerHook(kind, '*', later);
      expect(await run('echo')).toEqual({ handled: false, result: null, error: refusal });
      expect(later).not.toHaveBeenCalled();
      expect(t.errors).toEqual([]);
    });

    it('runs wildcard hooks only when every named hook returned null', async () => {
      const names: string[] = [];
      t.registry.registerHook(
        kind,
        '*',
        wrap((ctx) => (names.push(ctx.name), `wild:${ctx.name}`)),
      );
      t.registry.registerHook(
        kind,
        'named',
        wrap(() => 'named'),
      );
      t.registry.registerHook(
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
      t.registry.registerHook(
        kind,
        'x',
        wrap(() => null),
      );
      expect(await run('x')).toEqual({ handled: false, result: null });
      t.registry.registerHook(kind, '*', wrap(boom));
      // The wildcard threw: the error is reported so callers can tell a failure from "no result".
      expect(await run('x')).toEqual({ handled: false, result: null, error: expect.any(Error) });
      expect(await run('none')).toEqual({ handled: false, result: null, error: expect.any(Error) });
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

import { describe, expect, it, jest } from '@jest/globals';
import { ANONYMOUS } from '../common/caller.js';
import { logFailure } from '../errors/failures.js';
import { actor, freshInvoker, modes, propertyCtx } from './hook-invoker.spec-support.js';
import type { PropertyHookContext } from './hook.types.js';

/** Property hooks: a chain by priority, each hook seeing the value the previous one returned. */
describe.each(modes)('HookInvoker property hooks, written %s', (_mode, wrap) => {
  const t = freshInvoker();

  it('passes the value through unchanged without hooks', async () => {
    expect(await t.invoker.runProperty(propertyCtx({ value: { a: 1 } }))).toEqual({
      value: { a: 1 },
      rejected: false,
    });
    expect(await t.invoker.runProperty(propertyCtx({ operation: 'put', value: null }))).toEqual({
      value: null,
      rejected: false,
    });
  });

  it('chains named hooks by priority, then wildcard hooks, each seeing the previous value', async () => {
    const seen: unknown[] = [];
    t.registry.registerHook(
      'property',
      '*',
      wrap((ctx) => `${String(ctx.value)}!`),
    );
    t.registry.registerHook(
      'property',
      'email',
      wrap((ctx) => (seen.push(ctx.value), `${String(ctx.value)}-low`)),
    );
    t.registry.registerHook(
      'property',
      'email',
      wrap((ctx) => (seen.push(ctx.value), `${String(ctx.value)}-high`)),
      { priority: 1 },
    );
    const result = await t.invoker.runProperty(propertyCtx({ value: 'v' }));
    expect(result).toEqual({ value: 'v-high-low!', rejected: false });
    expect(seen).toEqual(['v', 'v-high']);
  });

  it('only runs hooks whose operations include the current operation', async () => {
    t.registry.registerHook(
      'property',
      'email',
      wrap(() => 'from-put-hook'),
      { operations: ['put'] },
    );
    t.registry.registerHook(
      'property',
      'email',
      wrap((ctx) => `${String(ctx.value)}+get`),
      { operations: ['get', 'delete'] },
    );
    expect((await t.invoker.runProperty(propertyCtx())).value).toBe('v+get');
    expect((await t.invoker.runProperty(propertyCtx({ operation: 'put' }))).value).toBe('from-put-hook');
  });

  it('get: null flows on to the next hook', async () => {
    const seen: unknown[] = [];
    t.registry.registerHook(
      'property',
      'email',
      wrap(() => undefined),
    );
    t.registry.registerHook(
      'property',
      '*',
      wrap((ctx) => (seen.push(ctx.value), ctx.value)),
    );
    expect(await t.invoker.runProperty(propertyCtx())).toEqual({ value: null, rejected: false });
    expect(seen).toEqual([null]);
  });

  it.each(['get', 'put', 'post', 'delete'] as const)(
    '%s: a throwing hook ends the chain with its error, noted with its label for whoever answers',
    async (operation) => {
      const later = jest.fn(() => 'never');
      const thrown = new Error('boom');
      t.registry.registerHook(
        'property',
        'email',
        wrap(() => {
          throw thrown;
        }),
        { label: 'DemoHooks.onEmail' },
      );
      t.registry.registerHook('property', '*', later);
      await expect(t.invoker.runProperty(propertyCtx({ operation }))).rejects.toBe(thrown);
      expect(later).not.toHaveBeenCalled();
      expect(t.errors).toEqual([]); // the transport that answers with it logs it
      const logged: string[] = [];
      logFailure({ error: (m: string) => logged.push(m) } as never, '', thrown);
      expect(logged[0]).toMatch(/^Hook DemoHooks\.onEmail \(property:email\): Error: boom\n\s+at /);
    },
  );

  it('get: a later hook may turn null back into a value', async () => {
    t.registry.registerHook(
      'property',
      'email',
      wrap(() => null),
    );
    t.registry.registerHook(
      'property',
      '*',
      wrap((ctx) => (ctx.value === null ? 'default' : ctx.value)),
    );
    expect((await t.invoker.runProperty(propertyCtx())).value).toBe('default');
  });

  it.each(['put', 'post'] as const)(
    '%s: returning null/undefined rejects the write and stops the chain',
    async (operation) => {
      const later = jest.fn(() => 'never');
      t.registry.registerHook(
        'property',
        'email',
        wrap(() => undefined),
      );
      t.registry.registerHook('property', '*', later);
      expect(await t.invoker.runProperty(propertyCtx({ operation }))).toEqual({
        value: null,
        rejected: true,
      });
      expect(later).not.toHaveBeenCalled();
    },
  );

  it('put: hooks may transform the stored value and get the full context', async () => {
    const received: PropertyHookContext[] = [];
    t.registry.registerHook(
      'property',
      'email',
      wrap((ctx) => (received.push(ctx), String(ctx.value).toLowerCase())),
    );
    const ctx = propertyCtx({ operation: 'put', value: 'A@B.C', path: ['home'] });
    expect(await t.invoker.runProperty(ctx)).toEqual({ value: 'a@b.c', rejected: false });
    expect(received[0]).toMatchObject({
      actor,
      name: 'email',
      path: ['home'],
      operation: 'put',
      caller: ANONYMOUS,
    });
  });
});

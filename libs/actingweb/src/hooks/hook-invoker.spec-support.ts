import { afterEach, beforeEach, jest } from '@jest/globals';
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

/*
 * What the HookInvoker specs share: hook contexts, the two ways of writing a
 * hook, and a fresh registry and invoker per test with the error log captured.
 * Not shipped (tsconfig.lib.json leaves `*.spec-support.ts` out).
 */

export const actor = {
  id: 'a'.repeat(32),
  creator: 'me',
  url: 'https://x/' + 'a'.repeat(32),
  trusteeRoot: null,
} as unknown as ActorHandle;

export function propertyCtx(overrides: Partial<PropertyHookContext> = {}): PropertyHookContext {
  return { actor, operation: 'get', name: 'email', path: [], value: 'v', caller: ANONYMOUS, ...overrides };
}
export function actionCtx(name: string): ActionHookContext {
  return { actor, name, data: { q: 1 }, caller: ANONYMOUS, httpMethod: 'POST' };
}
export function callbackCtx(name: string): CallbackHookContext {
  return { actor, name, data: {}, caller: ANONYMOUS, httpMethod: 'POST' };
}
export function subscriptionCtx(target: string): SubscriptionHookContext {
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
export function lifecycleCtx(event: string): LifecycleHookContext {
  return { event, actor, peerId: 'peer' };
}

type Fn<C> = (ctx: C) => unknown;
/** The same hook written synchronously or as an async function. */
export const modes: [string, <C>(fn: Fn<C>) => Fn<C>][] = [
  ['sync', (fn) => fn],
  ['async', (fn) => async (ctx) => fn(ctx)],
];

export const boom = (): never => {
  throw new Error('boom');
};

/** A fresh registry and invoker before each test, with `Logger.error` lines collected in `errors`. */
export function freshInvoker(): { registry: HookRegistry; invoker: HookInvoker; errors: string[] } {
  const state = {} as { registry: HookRegistry; invoker: HookInvoker; errors: string[] };
  beforeEach(() => {
    state.registry = new HookRegistry();
    state.invoker = new HookInvoker(state.registry);
    state.errors = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      state.errors.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  return state;
}

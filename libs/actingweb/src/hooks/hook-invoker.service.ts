import { Injectable, Logger } from '@nestjs/common';
import type {
  ActionHookContext,
  CallbackHookContext,
  HookContextByKind,
  HookKind,
  LifecycleHookContext,
  MethodHookContext,
  PropertyHookContext,
  SubscriptionHookContext,
} from './hook.types.js';
import { WILDCARD } from './hook.constants.js';
import { errorMessage, isNone, isPlainObject } from './hook.utils.js';
import { HookRegistry } from './hook-registry.service.js';
import type { RegisteredHook } from './hook-registry.types.js';

/** Outcome of a property hook chain. */
export interface PropertyHookResult {
  /** The value after the chain; `null` for a rejected write (and, for get, meaning "not found"). */
  readonly value: unknown;
  /** A put/post was refused by a hook (returned null/undefined or threw). */
  readonly rejected: boolean;
}

/** Outcome of method, action and callback hooks. */
export interface HookDispatchResult {
  /** Some hook answered (methods/actions: a non-null result; callbacks: result !== false). */
  readonly handled: boolean;
  readonly result: unknown;
  /**
   * Methods/actions only: set when no hook answered and at least one threw
   * (the last error), so callers can tell a failure from "no result".
   */
  readonly error?: unknown;
}

/** Marks a hook that threw, so callers can tell it from a hook that returned something. */
const FAILED: unique symbol = Symbol('hook failed');
type Outcome = unknown | typeof FAILED;

/**
 * Runs hooks with the per-kind semantics of the Python reference
 * (actingweb 3.14, hooks §2). Hook errors never escape: they are logged with
 * the hook's label and handled per kind. `null` and `undefined` both mean None.
 */
@Injectable()
export class HookInvoker {
  private readonly logger = new Logger(HookInvoker.name);

  constructor(private readonly registry: HookRegistry) {}

  /**
   * Property hooks form a chain, named (filtered by operation) then `'*'`; each
   * gets the previous return value as `ctx.value`. put/post: None or an error
   * rejects the write and stops the chain. get/delete: None (or an error) flows on.
   */
  async runProperty(ctx: PropertyHookContext): Promise<PropertyHookResult> {
    const hooks = this.hooksFor('property', ctx.name).filter(
      (hook) => !hook.options.operations || hook.options.operations.includes(ctx.operation),
    );
    const isWrite = ctx.operation === 'put' || ctx.operation === 'post';
    let value = ctx.value;
    for (const hook of hooks) {
      const outcome = await this.call(hook, ctx.name, { ...ctx, value });
      const returned = outcome === FAILED ? null : outcome;
      if (isWrite && isNone(returned)) return { value: null, rejected: true };
      value = returned ?? null;
    }
    return { value, rejected: false };
  }

  /** Named method hooks, then `'*'`; the first non-null result wins. */
  runMethod(ctx: MethodHookContext): Promise<HookDispatchResult> {
    return this.firstResult('method', ctx);
  }

  /** Named action hooks, then `'*'`; the first non-null result wins. */
  runAction(ctx: ActionHookContext): Promise<HookDispatchResult> {
    return this.firstResult('action', ctx);
  }

  /**
   * Every named then every `'*'` callback hook runs. The result is the last plain
   * object returned, else `true` if any hook returned something truthy, else `false`.
   */
  async runCallback(ctx: CallbackHookContext): Promise<HookDispatchResult> {
    let lastObject: Record<string, unknown> | undefined;
    let anyTruthy = false;
    for (const hook of this.hooksFor('callback', ctx.name)) {
      const outcome = await this.call(hook, ctx.name, ctx);
      if (outcome === FAILED || !outcome) continue;
      anyTruthy = true;
      if (isPlainObject(outcome)) lastObject = outcome;
    }
    const result = lastObject ?? anyTruthy;
    return { handled: result !== false, result };
  }

  /** Hooks for `ctx.target`, then `'*'`; all run, return values are ignored. */
  async runSubscription(ctx: SubscriptionHookContext): Promise<void> {
    for (const hook of this.hooksFor('subscription', ctx.target)) {
      await this.call(hook, ctx.target, ctx);
    }
  }

  /** Every hook for `ctx.event` runs; returns the last non-null result, else `null`. */
  async runLifecycle(ctx: LifecycleHookContext): Promise<unknown> {
    let last: unknown = null;
    for (const hook of this.hooksFor('lifecycle', ctx.event)) {
      const outcome = await this.call(hook, ctx.event, ctx);
      if (outcome !== FAILED && !isNone(outcome)) last = outcome;
    }
    return last;
  }

  private async firstResult<K extends 'method' | 'action'>(
    kind: K,
    ctx: HookContextByKind[K],
  ): Promise<HookDispatchResult> {
    // The '*' hooks only run when every named hook returned None.
    let failure: { error: unknown } | undefined;
    for (const hook of this.hooksFor(kind, ctx.name)) {
      const outcome = await this.call(hook, ctx.name, ctx, (error) => (failure = { error }));
      if (outcome !== FAILED && !isNone(outcome)) return { handled: true, result: outcome };
    }
    return failure
      ? { handled: false, result: null, error: failure.error }
      : { handled: false, result: null };
  }

  /** Named hooks in run order, then the wildcard hooks. */
  private hooksFor<K extends HookKind>(kind: K, name: string): readonly RegisteredHook<K>[] {
    const wildcard = this.registry.wildcard(kind);
    return name === WILDCARD ? wildcard : [...this.registry.get(kind, name), ...wildcard];
  }

  /** Awaits one hook (sync or async alike); a thrown error is logged and becomes `FAILED`. */
  private async call<K extends HookKind>(
    hook: RegisteredHook<K>,
    name: string,
    ctx: HookContextByKind[K],
    onError?: (error: unknown) => void,
  ): Promise<Outcome> {
    try {
      return await hook.handler(ctx);
    } catch (error: unknown) {
      this.logger.error(`Hook ${hook.label} (${hook.kind}:${name}) failed: ${errorMessage(error)}`);
      if (error instanceof Error && error.stack) this.logger.debug(error.stack);
      onError?.(error);
      return FAILED;
    }
  }
}

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
import { logFailure, noteOrigin } from '../errors/failures.js';
import { logPrefix } from '../common/request-context.js';
import { isNone, isPlainObject } from '../common/json.js';
import { HookRegistry } from './hook-registry.service.js';
import type { RegisteredHook } from './hook-registry.types.js';

/** Outcome of a property hook chain. */
export interface PropertyHookResult {
  /** The value after the chain; `null` for a rejected write (and, for get, meaning "not found"). */
  readonly value: unknown;
  /** A put/post was refused by a hook (returned null/undefined). */
  readonly rejected: boolean;
}

/** Outcome of method, action and callback hooks. */
export interface HookDispatchResult {
  /** Some hook answered (methods/actions: a non-null result; callbacks: result !== false). */
  readonly handled: boolean;
  readonly result: unknown;
  /**
   * Set when a hook threw: the error is the answer (an `ActingWebError` with its
   * status and message, anything else an internal error). Its origin is noted
   * for the log line of whoever answers with it.
   */
  readonly error?: unknown;
}

/** Options of {@link HookInvoker.runCallback}. */
export interface CallbackRunOptions {
  /**
   * The caller answers a request with `error` (resources, `/callbacks/<name>`)
   * and logs it there; otherwise a hook's error is logged here and goes no further.
   */
  readonly answersWithError?: boolean;
}

/** What a hook that threw leaves behind, so callers can tell it from a hook that returned something. */
class HookFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Runs hooks with the per-kind semantics of the Python reference (actingweb
 * 3.14; docs/getting-started.md#4-hooks), except for errors: a hook that
 * answers a request (property, method, action, callback) and throws has
 * answered with that error, which is passed on, never hidden as "no result" (`docs/conformance.md`).
 * Hooks that only hear about something (subscription, lifecycle) have their
 * errors logged here, and the others still run. `null` and `undefined` both mean None.
 */
@Injectable()
export class HookInvoker {
  private readonly logger = new Logger(HookInvoker.name);

  constructor(private readonly registry: HookRegistry) {}

  /**
   * Property hooks form a chain, named (filtered by operation) then `'*'`; each
   * gets the previous return value as `ctx.value`. put/post: None rejects the
   * write and stops the chain. get/delete: None flows on. A hook that throws
   * ends the chain: the error propagates.
   */
  async runProperty(ctx: PropertyHookContext): Promise<PropertyHookResult> {
    const hooks = this.hooksFor('property', ctx.name).filter(
      (hook) => !hook.options.operations || hook.options.operations.includes(ctx.operation),
    );
    const isWrite = ctx.operation === 'put' || ctx.operation === 'post';
    let value = ctx.value;
    for (const hook of hooks) {
      const outcome = await this.call(hook, ctx.name, { ...ctx, value }, 'pass');
      if (outcome instanceof HookFailure) throw outcome.error;
      if (isWrite && isNone(outcome)) return { value: null, rejected: true };
      value = outcome ?? null;
    }
    return { value, rejected: false };
  }

  /** Named method hooks, then `'*'`; the first non-null result wins, the first error ends the chain. */
  runMethod(ctx: MethodHookContext): Promise<HookDispatchResult> {
    return this.firstResult('method', ctx);
  }

  /** Named action hooks, then `'*'`; the first non-null result wins, the first error ends the chain. */
  runAction(ctx: ActionHookContext): Promise<HookDispatchResult> {
    return this.firstResult('action', ctx);
  }

  /**
   * Every named then every `'*'` callback hook runs. The result is the last plain
   * object returned, else `true` if any hook returned something truthy, else `false`;
   * `error` is the first error a hook threw.
   */
  async runCallback(ctx: CallbackHookContext, options: CallbackRunOptions = {}): Promise<HookDispatchResult> {
    let lastObject: Record<string, unknown> | undefined;
    let anyTruthy = false;
    let failure: { error: unknown } | undefined;
    for (const hook of this.hooksFor('callback', ctx.name)) {
      const outcome = await this.call(hook, ctx.name, ctx, options.answersWithError ? 'pass' : 'log');
      if (outcome instanceof HookFailure) {
        failure ??= { error: outcome.error };
        continue;
      }
      if (!outcome) continue;
      anyTruthy = true;
      if (isPlainObject(outcome)) lastObject = outcome;
    }
    const result = lastObject ?? anyTruthy;
    return { handled: result !== false, result, ...failure };
  }

  /** Hooks for `ctx.target`, then `'*'`; all run, return values are ignored. */
  async runSubscription(ctx: SubscriptionHookContext): Promise<void> {
    for (const hook of this.hooksFor('subscription', ctx.target)) {
      await this.call(hook, ctx.target, ctx, 'log');
    }
  }

  /** Every hook for `ctx.event` runs; returns the last non-null result, else `null`. */
  async runLifecycle(ctx: LifecycleHookContext): Promise<unknown> {
    let last: unknown = null;
    for (const hook of this.hooksFor('lifecycle', ctx.event)) {
      const outcome = await this.call(hook, ctx.event, ctx, 'log');
      if (!(outcome instanceof HookFailure) && !isNone(outcome)) last = outcome;
    }
    return last;
  }

  /**
   * For events a hook may refuse (`oauth_success`): hooks for `ctx.event` run
   * in order until one returns `false` or throws (logged here); that one vetoes.
   */
  async runLifecycleVeto(ctx: LifecycleHookContext): Promise<{ allowed: boolean; error?: unknown }> {
    for (const hook of this.hooksFor('lifecycle', ctx.event)) {
      const outcome = await this.call(hook, ctx.event, ctx, 'log');
      if (outcome instanceof HookFailure) return { allowed: false, error: outcome.error };
      if (outcome === false) return { allowed: false };
    }
    return { allowed: true };
  }

  private async firstResult<K extends 'method' | 'action'>(
    kind: K,
    ctx: HookContextByKind[K],
  ): Promise<HookDispatchResult> {
    // The '*' hooks only run when every named hook returned None.
    for (const hook of this.hooksFor(kind, ctx.name)) {
      const outcome = await this.call(hook, ctx.name, ctx, 'pass');
      if (outcome instanceof HookFailure) return { handled: false, result: null, error: outcome.error };
      if (!isNone(outcome)) return { handled: true, result: outcome };
    }
    return { handled: false, result: null };
  }

  /** Named hooks in run order, then the wildcard hooks. */
  private hooksFor<K extends HookKind>(kind: K, name: string): readonly RegisteredHook<K>[] {
    const wildcard = this.registry.wildcard(kind);
    return name === WILDCARD ? wildcard : [...this.registry.get(kind, name), ...wildcard];
  }

  /**
   * Awaits one hook (sync or async alike). A thrown error becomes a
   * `HookFailure`, noted with the hook's label; with `'log'` it is logged here,
   * with `'pass'` whoever answers with it logs it.
   */
  private async call<K extends HookKind>(
    hook: RegisteredHook<K>,
    name: string,
    ctx: HookContextByKind[K],
    onError: 'pass' | 'log',
  ): Promise<unknown> {
    try {
      return await hook.handler(ctx);
    } catch (thrown: unknown) {
      const error = typeof thrown === 'object' && thrown !== null ? thrown : new Error(String(thrown));
      noteOrigin(error, `Hook ${hook.label} (${hook.kind}:${name})`);
      if (onError === 'log') logFailure(this.logger, logPrefix(), error);
      return new HookFailure(error);
    }
  }
}

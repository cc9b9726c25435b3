import 'reflect-metadata';
import { ACTINGWEB_HOOKS_METADATA, WILDCARD } from './hook.constants.js';
import type {
  ActionHookOptions,
  HookMetadataEntry,
  LifecycleEvent,
  McpPromptOptions,
  McpResourceOptions,
  McpToolOptions,
  MethodHookOptions,
  PropertyHookOptions,
} from './hook.types.js';
import {
  assertName,
  validateMcpPromptOptions,
  validateMcpResourceOptions,
  validateMcpToolOptions,
  validateMethodOptions,
  validatePropertyOptions,
} from './hook-validation.js';

/**
 * A decorator for an instance method taking at most one (context) argument.
 * Hooks get a single context object, never Python-style positional arguments.
 */
export type HookMethodDecorator = <T extends (ctx: never) => unknown>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<T>,
) => void;

/** The hook entries stored on a method function (empty when it has none). */
export function getHookMetadata(method: unknown): readonly HookMetadataEntry[] {
  if (typeof method !== 'function') return [];
  const entries: unknown = Reflect.getOwnMetadata(ACTINGWEB_HOOKS_METADATA, method);
  return Array.isArray(entries) ? (entries as HookMetadataEntry[]) : [];
}

/** Builds a method decorator that appends `entry` to the method's hook metadata array. */
function appendMetadata(decorator: string, entry: HookMetadataEntry): HookMethodDecorator {
  Object.freeze(entry);
  return (target, propertyKey, descriptor) => {
    const where = `@${decorator} on ${String(propertyKey)}`;
    if (typeof target === 'function') throw new Error(`${where}: static methods cannot be hooks`);
    const method: unknown = descriptor.value;
    if (typeof method !== 'function') throw new Error(`${where}: only methods can be hooks`);
    Reflect.defineMetadata(ACTINGWEB_HOOKS_METADATA, [...getHookMetadata(method), entry], method);
  };
}

/**
 * Marks a method as a property hook for `name` (`'*'`: every property).
 * Hooks form a chain: each gets the previous hook's return value as `ctx.value`.
 * For put/post, returning `null`/`undefined` (or throwing) rejects the write;
 * for get, a final `null` means 404.
 *
 * @example
 * ```ts
 * @PropertyHook('email', { operations: ['get'] })
 * hideEmail(ctx: PropertyHookContext) {
 *   return ctx.caller.kind === 'creator' ? ctx.value : null;
 * }
 * ```
 * @publicApi
 */
export function PropertyHook(name: string = WILDCARD, opts?: PropertyHookOptions): HookMethodDecorator {
  assertName('PropertyHook', 'property name', name);
  validatePropertyOptions(opts);
  const operations = opts?.operations ? [...opts.operations] : undefined;
  return appendMetadata('PropertyHook', {
    kind: 'property',
    name,
    ...opts,
    ...(operations && { operations }),
  });
}

/**
 * Marks a method as a method hook (`/methods/<name>`; `'*'`: every name).
 * The first hook returning a non-null value answers the call.
 *
 * @example
 * ```ts
 * @MethodHook('get_profile', { description: 'Returns the profile' })
 * getProfile(ctx: MethodHookContext) {
 *   return { id: ctx.actor.id };
 * }
 * ```
 * @publicApi
 */
export function MethodHook(name: string = WILDCARD, opts?: MethodHookOptions): HookMethodDecorator {
  assertName('MethodHook', 'method name', name);
  validateMethodOptions('MethodHook', opts);
  return appendMetadata('MethodHook', { kind: 'method', name, ...opts });
}

/**
 * Marks a method as an action hook (`/actions/<name>`; `'*'`: every name).
 * The first hook returning a non-null value answers the call.
 *
 * @example
 * ```ts
 * @ActionHook('send_notification')
 * async notify(ctx: ActionHookContext) {
 *   await this.mailer.send(ctx.data);
 *   return { sent: true };
 * }
 * ```
 * @publicApi
 */
export function ActionHook(name: string = WILDCARD, opts?: ActionHookOptions): HookMethodDecorator {
  assertName('ActionHook', 'action name', name);
  validateMethodOptions('ActionHook', opts);
  return appendMetadata('ActionHook', { kind: 'action', name, ...opts });
}

/**
 * Marks a method as a callback hook (`/callbacks/<name>`; `'*'`: every name).
 * All hooks run; return a plain object to answer with it, or a truthy value to accept.
 *
 * @example
 * ```ts
 * @CallbackHook('ping')
 * onPing(ctx: CallbackHookContext) {
 *   return { pong: true };
 * }
 * ```
 * @publicApi
 */
export function CallbackHook(name: string = WILDCARD): HookMethodDecorator {
  assertName('CallbackHook', 'callback name', name);
  return appendMetadata('CallbackHook', { kind: 'callback', name });
}

/**
 * Marks a method as a hook for subscription callbacks from peers on `target`
 * (e.g. `'properties'`; `'*'`: every target). Return values are ignored.
 *
 * @example
 * ```ts
 * @SubscriptionHook('properties')
 * onPeerChange(ctx: SubscriptionHookContext) {
 *   this.cache.apply(ctx.peerId, ctx.data);
 * }
 * ```
 * @publicApi
 */
export function SubscriptionHook(target: string = WILDCARD): HookMethodDecorator {
  assertName('SubscriptionHook', 'target', target);
  return appendMetadata('SubscriptionHook', { kind: 'subscription', name: target });
}

/**
 * Marks a method as a hook for a lifecycle event (library or custom event name).
 *
 * @example
 * ```ts
 * @LifecycleHook('trust_approved')
 * onTrustApproved(ctx: LifecycleHookContext) {
 *   this.logger.log(`now trusting ${ctx.peerId}`);
 * }
 * ```
 * @publicApi
 */
export function LifecycleHook(event: LifecycleEvent): HookMethodDecorator {
  assertName('LifecycleHook', 'event', event);
  return appendMetadata('LifecycleHook', { kind: 'lifecycle', name: event });
}

/**
 * Exposes an action hook as an MCP tool. Combined with `@ActionHook(name)`
 * the tool calls that action (and is named after it by default); alone it
 * implies an action hook named `opts.name ?? methodName`.
 *
 * @example
 * ```ts
 * @McpTool({ description: 'Search notes', inputSchema: { type: 'object' } })
 * search(ctx: ActionHookContext) {
 *   return this.notes.search(ctx.actor.id, ctx.data);
 * }
 * ```
 * @publicApi
 */
export function McpTool(opts: McpToolOptions): HookMethodDecorator {
  validateMcpToolOptions(opts);
  return appendMetadata('McpTool', { kind: 'mcpTool', ...opts });
}

/**
 * Exposes a method hook as an MCP prompt. Combined with `@MethodHook(name)`
 * the prompt calls that method; alone it implies a method hook named
 * `opts.name ?? methodName`.
 *
 * @example
 * ```ts
 * @McpPrompt({ description: 'Summarise notes', arguments: [{ name: 'topic', required: true }] })
 * summarise(ctx: MethodHookContext) {
 *   return { messages: [] };
 * }
 * ```
 * @publicApi
 */
export function McpPrompt(opts?: McpPromptOptions): HookMethodDecorator {
  validateMcpPromptOptions(opts);
  const args = opts?.arguments?.map((arg) => ({ ...arg }));
  return appendMetadata('McpPrompt', { kind: 'mcpPrompt', ...opts, ...(args && { arguments: args }) });
}

/**
 * Exposes a method hook as an MCP resource. Exactly one of `uri` and
 * `uriTemplate` is required. Alone it implies a method hook named after the
 * decorated method.
 *
 * @example
 * ```ts
 * @McpResource({ uri: 'notes://recent', name: 'Recent notes', mimeType: 'application/json' })
 * recentNotes(ctx: MethodHookContext) {
 *   return this.notes.recent(ctx.actor.id);
 * }
 * ```
 * @publicApi
 */
export function McpResource(opts: McpResourceOptions): HookMethodDecorator {
  validateMcpResourceOptions(opts);
  return appendMetadata('McpResource', { kind: 'mcpResource', ...opts });
}

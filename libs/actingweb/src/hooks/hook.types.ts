import type { ActorHandle } from './actor-handle.js';
import type { Caller } from '../common/caller.js';

/**
 * The kinds of application hooks ActingWeb calls.
 *
 * @publicApi
 */
export type HookKind = 'property' | 'method' | 'action' | 'callback' | 'subscription' | 'lifecycle';

/**
 * The property operation a property hook is asked to handle.
 *
 * @publicApi
 */
export type PropertyOperation = 'get' | 'put' | 'post' | 'delete';

/**
 * What a write to a list property does, as its hooks see it
 * (docs/properties.md#property-hooks-on-lists): the spec's list operations
 * ("Getting Subscription Updates"), `create` for the write that brings the
 * list into being, and `bulk_update` for a bulk item update in `POST /properties`.
 *
 * @publicApi
 */
export type PropertyListOperation =
  | 'create'
  | 'append'
  | 'insert'
  | 'update'
  | 'delete'
  | 'remove'
  | 'clear'
  | 'delete_all'
  | 'metadata'
  | 'bulk_update';

/**
 * Lifecycle events fired by the library. Applications may fire their own
 * events too, so any other string is accepted.
 *
 * @publicApi
 */
export type LifecycleEvent =
  | 'actor_created'
  | 'actor_deleted'
  | 'trust_initiated'
  | 'trust_request_received'
  | 'trust_approved'
  | 'trust_fully_approved_local'
  | 'trust_fully_approved_remote'
  | 'trust_deleted'
  | 'subscription_created'
  | 'subscription_deleted'
  | 'oauth_success'
  | (string & {});

/**
 * Argument of a `@PropertyHook` method.
 *
 * @publicApi
 */
export interface PropertyHookContext {
  readonly actor: ActorHandle;
  readonly operation: PropertyOperation;
  /** Top-level property name, e.g. `email` for `/properties/email/home`. */
  readonly name: string;
  /** Path segments below `name`, e.g. `['home']`; empty for the property itself. */
  readonly path: readonly string[];
  /** The value so far: the stored value (get/delete) or the new value (put/post), as changed by earlier hooks. */
  readonly value: unknown;
  readonly caller: Caller;
  /**
   * Writes and deletes of a list property: what the write does to the list, e.g. `create` for the
   * first item of a new list and `append` for a later one. Absent for reads and simple properties.
   */
  readonly listOperation?: PropertyListOperation;
}

/**
 * Argument of a `@MethodHook` method (`/methods/<name>`, JSON-RPC style calls without side effects).
 *
 * @publicApi
 */
export interface MethodHookContext {
  readonly actor: ActorHandle;
  /** The method name from the URL. */
  readonly name: string;
  /** The parsed request body (or query parameters for GET). */
  readonly data: unknown;
  readonly caller: Caller;
  /** The HTTP method of the request, upper case. */
  readonly httpMethod: string;
}

/**
 * Argument of an `@ActionHook` method (`/actions/<name>`, calls that may have side effects).
 *
 * @publicApi
 */
export interface ActionHookContext {
  readonly actor: ActorHandle;
  /** The action name from the URL. */
  readonly name: string;
  /** The parsed request body (or query parameters for GET). */
  readonly data: unknown;
  readonly caller: Caller;
  /** The HTTP method of the request, upper case. */
  readonly httpMethod: string;
}

/**
 * Argument of a `@CallbackHook` method (`/callbacks/<name>`).
 *
 * @publicApi
 */
export interface CallbackHookContext {
  readonly actor: ActorHandle;
  /** The callback name from the URL. */
  readonly name: string;
  /** The parsed request body. */
  readonly data: unknown;
  readonly caller: Caller;
  /** The HTTP method of the request, upper case. */
  readonly httpMethod: string;
}

/**
 * Argument of a `@SubscriptionHook` method: one subscription callback received from a peer.
 *
 * @publicApi
 */
export interface SubscriptionHookContext {
  readonly actor: ActorHandle;
  /** The peer actor that sent the callback. */
  readonly peerId: string;
  readonly subscriptionId: string;
  /** Subscribed target, e.g. `properties`. */
  readonly target: string;
  readonly subtarget: string | null;
  readonly resource: string | null;
  /** Sequence number of this diff in the subscription. */
  readonly sequence: number;
  /** The diff (or, for `resync`, the full state). */
  readonly data: unknown;
  readonly type: 'diff' | 'resync';
}

/**
 * Argument of a `@LifecycleHook` method. Besides `event` and `actor` it carries
 * the event's payload, e.g. `peerId`, `relationship`, `trustData`, `initiatedByPeer`.
 *
 * @publicApi
 */
export interface LifecycleHookContext {
  readonly event: LifecycleEvent;
  readonly actor: ActorHandle;
  readonly peerId?: string;
  readonly relationship?: string;
  readonly trustData?: unknown;
  readonly initiatedByPeer?: boolean;
  readonly [key: string]: unknown;
}

/**
 * Argument of `@LifecycleHook('oauth_success')`: someone signed in with an
 * identity provider. Return `false` or throw to refuse the sign-in (403; an
 * actor created by this sign-in stays).
 *
 * @publicApi
 */
export interface OAuthSuccessHookContext extends LifecycleHookContext {
  readonly event: 'oauth_success';
  /** The provider's id (`google`, `github`, or the configured id). */
  readonly provider: string;
  /** The verified email, lower-cased: the actor's creator. */
  readonly email: string;
  /** The provider's stable id of the account (`sub`; GitHub: the user id). */
  readonly subject: string;
  /** What the provider said about the account (ID token and UserInfo claims; GitHub: its user fields). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** This sign-in created the actor (`actor_created` has just fired). */
  readonly actorCreated: boolean;
}

/** The context type each hook kind receives. */
export interface HookContextByKind {
  property: PropertyHookContext;
  method: MethodHookContext;
  action: ActionHookContext;
  callback: CallbackHookContext;
  subscription: SubscriptionHookContext;
  lifecycle: LifecycleHookContext;
}

/** A hook function: sync or async, it is always awaited. */
export type HookHandler<C> = (ctx: C) => unknown;

/**
 * Options of `@PropertyHook`.
 *
 * @publicApi
 */
export interface PropertyHookOptions {
  /** Operations the hook handles; all of them when omitted. */
  operations?: PropertyOperation[];
  /** Higher runs first; equal priorities run in registration order. Default 0. */
  priority?: number;
}

/**
 * Options of `@MethodHook`; the metadata is published in listings and MCP.
 *
 * @publicApi
 */
export interface MethodHookOptions {
  description?: string;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /** Higher runs first; equal priorities run in registration order. Default 0. */
  priority?: number;
}

/**
 * Options of `@ActionHook`; the metadata is published in listings and MCP.
 *
 * @publicApi
 */
export type ActionHookOptions = MethodHookOptions;

/** Options each hook kind may carry once registered. */
export interface HookOptionsByKind {
  property: PropertyHookOptions;
  method: MethodHookOptions;
  action: ActionHookOptions;
  callback: { priority?: number };
  subscription: { priority?: number };
  lifecycle: { priority?: number };
}

/**
 * Options of `@McpTool`: exposes an action hook as an MCP tool.
 *
 * @publicApi
 */
export interface McpToolOptions {
  /** Tool name; defaults to the bound action hook's name, else the method name. */
  name?: string;
  title?: string;
  description: string;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  /**
   * Client families that see the tool in `tools/list` (`claude`, `chatgpt`,
   * `cursor`, `mcp_inspector`, `universal` for any other client; see
   * docs/mcp.md); all clients when omitted. Listing only: it is not
   * authorization, `tools/call` does not check it.
   */
  allowedClients?: string[];
  /**
   * A description per client family (same keys as `allowedClients`), shown
   * instead of `description` to that family in `tools/list`.
   */
  clientDescriptions?: Record<string, string>;
  /**
   * Client capabilities the tool needs, e.g. `{ elicitation: {} }` or
   * `{ extensions: { 'io.modelcontextprotocol/ui': {} } }`. A 2026-07-28
   * request whose `_meta` does not declare them gets `-32021` before the hook
   * runs. Legacy-era requests carry no capabilities and are not checked.
   */
  requiredClientCapabilities?: Record<string, unknown>;
}

/**
 * One argument of an MCP prompt.
 *
 * @publicApi
 */
export interface McpPromptArgument {
  name: string;
  description?: string;
  required?: boolean;
}

/**
 * Options of `@McpPrompt`: exposes a method hook as an MCP prompt.
 *
 * @publicApi
 */
export interface McpPromptOptions {
  /** Prompt name; defaults to the bound method hook's name, else the method name. */
  name?: string;
  description?: string;
  arguments?: McpPromptArgument[];
}

/**
 * Options of `@McpResource`: exposes a method hook as an MCP resource.
 * Exactly one of `uri` and `uriTemplate` must be given.
 *
 * @publicApi
 */
export interface McpResourceOptions {
  uri?: string;
  uriTemplate?: string;
  /** Display name of the resource. */
  name: string;
  description?: string;
  mimeType?: string;
}

/**
 * One entry of the metadata array the hook decorators store on a method
 * (`{ kind, name, ...options }`).
 */
export type HookMetadataEntry =
  | ({ kind: 'property'; name: string } & PropertyHookOptions)
  | ({ kind: 'method'; name: string } & MethodHookOptions)
  | ({ kind: 'action'; name: string } & ActionHookOptions)
  | { kind: 'callback'; name: string }
  | { kind: 'subscription'; name: string }
  | { kind: 'lifecycle'; name: LifecycleEvent }
  | ({ kind: 'mcpTool' } & McpToolOptions)
  | ({ kind: 'mcpPrompt' } & McpPromptOptions)
  | ({ kind: 'mcpResource' } & McpResourceOptions);

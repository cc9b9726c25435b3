import type {
  HookContextByKind,
  HookHandler,
  HookKind,
  HookMetadataEntry,
  HookOptionsByKind,
  McpPromptArgument,
} from './hook.types.js';

/** A hook as held by the registry. */
export interface RegisteredHook<K extends HookKind = HookKind> {
  readonly kind: K;
  /** Hook name (property, method, action, callback name; subscription target; lifecycle event) or `'*'`. */
  readonly name: string;
  readonly options: Readonly<HookOptionsByKind[K]>;
  readonly handler: HookHandler<HookContextByKind[K]>;
  /** Where the hook comes from, for logs: `ClassName.methodName`. */
  readonly label: string;
  /** Higher runs first. */
  readonly priority: number;
  /** Registration sequence number; breaks priority ties. */
  readonly order: number;
}

/** Input of `HookRegistry.register`. */
export interface HookRegistration<K extends HookKind = HookKind> {
  kind: K;
  name: string;
  handler: HookHandler<HookContextByKind[K]>;
  options?: HookOptionsByKind[K];
  /** Defaults to the handler's function name. */
  label?: string;
  /** Defaults to `options.priority`, else 0. */
  priority?: number;
}

/** The fourth argument of `HookRegistry.registerHook`: the kind's options plus a label. */
export type RegisterHookOptions<K extends HookKind> = HookOptionsByKind[K] & { label?: string };

/** Input of `HookRegistry.registerDecorated`: one decorated method, bound to its instance. */
export interface DecoratedMethod {
  /** The metadata array read from the method (`ACTINGWEB_HOOKS_METADATA`). */
  entries: readonly HookMetadataEntry[];
  /** The method bound to its instance. */
  handler: (ctx: never) => unknown;
  methodName: string;
  /** `ClassName.methodName`. */
  label: string;
}

/** An MCP tool and the action hook it invokes. */
export interface McpToolEntry {
  readonly name: string;
  /** Action hook name to run via `HookInvoker.runAction`. */
  readonly hookName: string;
  readonly title?: string;
  readonly description: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
  readonly allowedClients?: readonly string[];
  readonly clientDescriptions?: Readonly<Record<string, string>>;
  readonly requiredClientCapabilities?: Readonly<Record<string, unknown>>;
  readonly label: string;
}

/** An MCP prompt and the method hook it invokes. */
export interface McpPromptEntry {
  readonly name: string;
  /** Method hook name to run via `HookInvoker.runMethod`. */
  readonly hookName: string;
  readonly description?: string;
  readonly arguments: readonly McpPromptArgument[];
  readonly label: string;
}

/** An MCP resource and the method hook it invokes. */
export interface McpResourceEntry {
  readonly uri?: string;
  readonly uriTemplate?: string;
  readonly name: string;
  /** Method hook name to run via `HookInvoker.runMethod`. */
  readonly hookName: string;
  readonly description?: string;
  readonly mimeType?: string;
  readonly label: string;
}

/** Published metadata of one named method or action (`listMetadata`). */
export interface HookListing {
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

/** What `registerDecorated` added, for logging. */
export interface DecoratedRegistration {
  readonly hooks: readonly RegisteredHook[];
  /** `mcpTool:<name>`, `mcpPrompt:<name>`, `mcpResource:<uri>` per MCP entry. */
  readonly mcp: readonly string[];
}

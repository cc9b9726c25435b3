import { Injectable } from '@nestjs/common';
import { HOOK_KINDS, WILDCARD } from './hook.constants.js';
import type {
  HookContextByKind,
  HookHandler,
  HookKind,
  HookOptionsByKind,
  McpPromptOptions,
  McpResourceOptions,
  McpToolOptions,
  MethodHookOptions,
} from './hook.types.js';
import type {
  DecoratedMethod,
  DecoratedRegistration,
  HookListing,
  HookRegistration,
  McpPromptEntry,
  McpResourceEntry,
  McpToolEntry,
  RegisteredHook,
  RegisterHookOptions,
} from './hook-registry.types.js';

/** A handler that accepts whatever context its kind receives (decorated methods are not typed per kind). */
type AnyHandler = HookHandler<HookContextByKind[HookKind]>;

/**
 * Holds every hook, discovered by `HookExplorer` or registered in code, plus
 * the MCP tools, prompts and resources bound to action and method hooks.
 */
@Injectable()
export class HookRegistry {
  private readonly hooks = new Map<HookKind, Map<string, RegisteredHook[]>>();
  private readonly tools = new Map<string, McpToolEntry>();
  private readonly prompts = new Map<string, McpPromptEntry>();
  private readonly resources = new Map<string, McpResourceEntry>();
  private nextOrder = 0;

  /** Registers one hook; returns it as stored. */
  register<K extends HookKind>(registration: HookRegistration<K>): RegisteredHook<K> {
    const { kind, name, handler } = registration;
    if (!(HOOK_KINDS as readonly string[]).includes(kind))
      throw new Error(`Unknown hook kind ${String(kind)}`);
    if (typeof name !== 'string' || name.trim() === '')
      throw new Error(`A ${kind} hook needs a non-empty name`);
    if (typeof handler !== 'function') throw new Error(`The ${kind} hook ${name} needs a handler function`);
    const options = Object.freeze({ ...registration.options }) as Readonly<HookOptionsByKind[K]>;
    const hook: RegisteredHook<K> = Object.freeze({
      kind,
      name,
      options,
      handler,
      label: registration.label ?? (handler.name || 'anonymous'),
      priority: registration.priority ?? (options as { priority?: number }).priority ?? 0,
      order: this.nextOrder++,
    });
    const byName = this.byKind(kind);
    const list = byName.get(name) ?? [];
    list.push(hook as unknown as RegisteredHook);
    list.sort((a, b) => b.priority - a.priority || a.order - b.order);
    byName.set(name, list);
    return hook;
  }

  /** Registers a hook from code, e.g. `registerHook('action', 'echo', (ctx) => ctx.data, { label: 'echo' })`. */
  registerHook<K extends HookKind>(
    kind: K,
    name: string,
    handler: HookHandler<HookContextByKind[K]>,
    options?: RegisterHookOptions<K>,
  ): RegisteredHook<K> {
    const { label, ...rest } = options ?? {};
    return this.register({ kind, name, handler, label, options: rest as HookOptionsByKind[K] });
  }

  /**
   * Registers every hook and MCP entry of one decorated method. `@McpTool`
   * binds to the method's named `@ActionHook`, else implies an action hook
   * named `opts.name ?? methodName`; `@McpPrompt`/`@McpResource` likewise
   * with method hooks. With only a `'*'` hook, nothing is implied: the
   * wildcard answers the MCP name.
   */
  registerDecorated(method: DecoratedMethod): DecoratedRegistration {
    const { entries, methodName, label } = method;
    const handler = method.handler as AnyHandler;
    const hooks: RegisteredHook[] = [];
    const mcp: string[] = [];
    const registered = new Set<string>();
    const add = (kind: HookKind, name: string, options: object): void => {
      if (registered.has(`${kind}:${name}`)) return;
      registered.add(`${kind}:${name}`);
      hooks.push(
        this.register({ kind, name, handler, label, options: options as HookOptionsByKind[HookKind] }),
      );
    };
    const explicitName = (kind: 'action' | 'method'): string | undefined =>
      entries.find((e) => e.kind === kind && e.name !== WILDCARD)?.name;
    const hasWildcard = (kind: 'action' | 'method'): boolean =>
      entries.some((e) => e.kind === kind && e.name === WILDCARD);
    const bindTo = (kind: 'action' | 'method', fallback: string, implied: MethodHookOptions): string => {
      const bound = explicitName(kind);
      if (bound !== undefined) return bound;
      if (!hasWildcard(kind)) add(kind, fallback, implied);
      return fallback;
    };

    for (const entry of entries) {
      switch (entry.kind) {
        case 'mcpTool': {
          const { kind: _kind, ...tool } = entry;
          const bound = explicitName('action');
          const name = tool.name ?? bound ?? methodName;
          const hookName = bindTo('action', name, pickListing(tool));
          this.addUnique(this.tools, name, { ...tool, name, hookName, label }, 'MCP tool');
          mcp.push(`mcpTool:${name}`);
          break;
        }
        case 'mcpPrompt': {
          const { kind: _kind, ...prompt } = entry;
          const name = prompt.name ?? explicitName('method') ?? methodName;
          const hookName = bindTo('method', name, { description: prompt.description });
          this.addUnique(this.prompts, name, promptEntry(prompt, name, hookName, label), 'MCP prompt');
          mcp.push(`mcpPrompt:${name}`);
          break;
        }
        case 'mcpResource': {
          const { kind: _kind, ...resource } = entry;
          const hookName = bindTo('method', methodName, { description: resource.description });
          const key = resourceKey(resource);
          this.addUnique(this.resources, key, { ...resource, hookName, label }, 'MCP resource');
          mcp.push(`mcpResource:${key}`);
          break;
        }
        default: {
          const { kind, name, ...options } = entry;
          add(kind, name, options);
        }
      }
    }
    return { hooks, mcp };
  }

  /** Hooks registered under exactly `name`, by priority (desc) then registration order. */
  get<K extends HookKind>(kind: K, name: string): readonly RegisteredHook<K>[] {
    return [...(this.byKind(kind).get(name) ?? [])] as unknown as RegisteredHook<K>[];
  }

  /** The `'*'` hooks of a kind, in run order. */
  wildcard<K extends HookKind>(kind: K): readonly RegisteredHook<K>[] {
    return this.get(kind, WILDCARD);
  }

  /** Whether a hook is registered under exactly `name` (`'*'` only matches wildcard hooks). */
  has(kind: HookKind, name: string): boolean {
    return (this.byKind(kind).get(name)?.length ?? 0) > 0;
  }

  /** Every hook, in registration order. */
  list(): readonly RegisteredHook[] {
    return [...this.hooks.values()]
      .flatMap((byName) => [...byName.values()].flat())
      .sort((a, b) => a.order - b.order);
  }

  /** Published metadata of named methods or actions, from the first hook registered under each name. */
  listMetadata(kind: 'method' | 'action'): HookListing[] {
    const listings: HookListing[] = [];
    for (const [name, hooks] of this.byKind(kind)) {
      if (name === WILDCARD || hooks.length === 0) continue;
      const first = hooks.reduce((a, b) => (a.order <= b.order ? a : b));
      listings.push({ name, ...pickListing(first.options as MethodHookOptions) });
    }
    return listings;
  }

  mcpTools(): McpToolEntry[] {
    return [...this.tools.values()];
  }

  mcpPrompts(): McpPromptEntry[] {
    return [...this.prompts.values()];
  }

  mcpResources(): McpResourceEntry[] {
    return [...this.resources.values()];
  }

  private byKind(kind: HookKind): Map<string, RegisteredHook[]> {
    let byName = this.hooks.get(kind);
    if (!byName) this.hooks.set(kind, (byName = new Map()));
    return byName;
  }

  /** A name taken by another method is a programming error; the same method seen twice is ignored. */
  private addUnique<E extends { label: string }>(
    map: Map<string, E>,
    key: string,
    entry: E,
    what: string,
  ): void {
    const existing = map.get(key);
    if (existing && existing.label !== entry.label) {
      throw new Error(`${what} ${key} is declared twice: by ${existing.label} and by ${entry.label}`);
    }
    if (!existing) map.set(key, Object.freeze(entry));
  }
}

function pickListing(options: MethodHookOptions | McpToolOptions): Omit<HookListing, 'name'> {
  const { description, inputSchema, outputSchema, annotations } = options;
  return { description, inputSchema, outputSchema, annotations };
}

function promptEntry(
  prompt: McpPromptOptions,
  name: string,
  hookName: string,
  label: string,
): McpPromptEntry {
  return { ...prompt, name, hookName, label, arguments: prompt.arguments ?? [] };
}

function resourceKey(resource: McpResourceOptions): string {
  return resource.uri ?? resource.uriTemplate ?? resource.name;
}

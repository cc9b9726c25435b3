import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ActionHook,
  getHookMetadata,
  McpPrompt,
  McpResource,
  McpTool,
  MethodHook,
} from './hook.decorators.js';
import { HookRegistry } from './hook-registry.service.js';

const noop = (): null => null;

/** Registers every decorated method of `instance` the way HookExplorer does. */
function registerAll(registry: HookRegistry, instance: object): void {
  const proto = Object.getPrototypeOf(instance) as Record<string, (ctx: never) => unknown>;
  for (const methodName of Object.getOwnPropertyNames(proto)) {
    const entries = getHookMetadata(proto[methodName]);
    if (methodName === 'constructor' || entries.length === 0) continue;
    registry.registerDecorated({
      entries,
      handler: proto[methodName].bind(instance),
      methodName,
      label: `${instance.constructor.name}.${methodName}`,
    });
  }
}

describe('HookRegistry', () => {
  let registry: HookRegistry;
  beforeEach(() => {
    registry = new HookRegistry();
  });

  it('orders hooks by priority (desc), then registration order', () => {
    registry.registerHook('action', 'a', noop, { label: 'first' });
    registry.registerHook('action', 'a', noop, { label: 'high', priority: 10 });
    registry.registerHook('action', 'a', noop, { label: 'second' });
    registry.registerHook('action', 'a', noop, { label: 'low', priority: -1 });
    registry.register({ kind: 'action', name: 'a', handler: noop, label: 'high2', priority: 10 });
    expect(registry.get('action', 'a').map((h) => h.label)).toEqual([
      'high',
      'high2',
      'first',
      'second',
      'low',
    ]);
  });

  it('keeps names and kinds apart; wildcard and has() are exact', () => {
    registry.registerHook('action', '*', noop, { label: 'any' });
    registry.registerHook('method', 'a', noop, { label: 'm' });
    expect(registry.get('action', 'a')).toEqual([]);
    expect(registry.wildcard('action').map((h) => h.label)).toEqual(['any']);
    expect(registry.has('method', 'a')).toBe(true);
    expect(registry.has('action', 'a')).toBe(false);
    expect(registry.has('method', 'b')).toBe(false);
  });

  it('rejects bad programmatic registrations', () => {
    expect(() => registry.registerHook('action', '', noop)).toThrow('non-empty name');
    expect(() => registry.register({ kind: 'nope' as 'action', name: 'x', handler: noop })).toThrow(
      'Unknown hook kind',
    );
    expect(() => registry.registerHook('action', 'x', 'no' as unknown as () => null)).toThrow(
      'handler function',
    );
  });

  it('lists metadata of named hooks only, from the first hook registered under each name', () => {
    registry.registerHook('action', '*', noop, { description: 'wildcard' });
    registry.registerHook('action', 'b', noop, { description: 'B', inputSchema: { type: 'object' } });
    registry.registerHook('action', 'a', noop, { description: 'A first' });
    registry.registerHook('action', 'a', noop, { description: 'A higher', priority: 100 });
    registry.registerHook('method', 'm', noop, { description: 'method' });
    expect(registry.listMetadata('action')).toEqual([
      { name: 'b', description: 'B', inputSchema: { type: 'object' } },
      { name: 'a', description: 'A first' },
    ]);
    expect(registry.listMetadata('method')).toEqual([{ name: 'm', description: 'method' }]);
  });

  describe('MCP bindings', () => {
    class Tools {
      @McpTool({ description: 'Implied by method name', inputSchema: { type: 'object' } })
      search(): string {
        return 'search';
      }

      @McpTool({ name: 'renamed', description: 'Implied by tool name' })
      other(): string {
        return 'other';
      }

      @ActionHook('send_mail', { description: 'action description' })
      @McpTool({ description: 'Bound to explicit action' })
      mail(): string {
        return 'mail';
      }

      @McpTool({ name: 'mail_alias', description: 'Named tool, explicit action' })
      @ActionHook('send_mail_2')
      mail2(): string {
        return 'mail2';
      }

      @ActionHook()
      @McpTool({ name: 'via_wildcard', description: 'Only a wildcard action' })
      anything(): string {
        return 'anything';
      }

      @McpPrompt({ description: 'Prompt', arguments: [{ name: 'topic' }] })
      summarise(): string {
        return 'summarise';
      }

      @MethodHook('profile')
      @McpResource({ uri: 'profile://me', name: 'Profile' })
      @McpPrompt({ name: 'profile_prompt' })
      profileData(): string {
        return 'profile';
      }

      @McpResource({ uriTemplate: 'notes://{id}', name: 'Note' })
      note(): string {
        return 'note';
      }
    }

    beforeEach(() => registerAll(registry, new Tools()));

    it('implies an action hook named after the method (or the tool name) for a lone @McpTool', async () => {
      expect(registry.get('action', 'search').map((h) => h.label)).toEqual(['Tools.search']);
      expect(await registry.get('action', 'search')[0].handler({} as never)).toBe('search');
      expect(registry.get('action', 'renamed').map((h) => h.label)).toEqual(['Tools.other']);
      expect(registry.has('action', 'other')).toBe(false);
      expect(registry.listMetadata('action')).toContainEqual({
        name: 'search',
        description: 'Implied by method name',
        inputSchema: { type: 'object' },
      });
    });

    it('binds @McpTool to the explicit @ActionHook, in either decorator order, without implying another hook', () => {
      const tools = Object.fromEntries(registry.mcpTools().map((t) => [t.name, t]));
      expect(tools.send_mail).toMatchObject({
        hookName: 'send_mail',
        description: 'Bound to explicit action',
      });
      expect(tools.mail_alias).toMatchObject({ hookName: 'send_mail_2', label: 'Tools.mail2' });
      expect(registry.has('action', 'mail')).toBe(false);
      expect(registry.has('action', 'mail_alias')).toBe(false);
      expect(registry.get('action', 'send_mail')).toHaveLength(1);
      expect(registry.listMetadata('action')).toContainEqual({
        name: 'send_mail',
        description: 'action description',
      });
    });

    it('lets a wildcard action answer the tool instead of implying a named hook', () => {
      expect(registry.mcpTools().find((t) => t.name === 'via_wildcard')?.hookName).toBe('via_wildcard');
      expect(registry.has('action', 'via_wildcard')).toBe(false);
      expect(registry.wildcard('action').map((h) => h.label)).toEqual(['Tools.anything']);
    });

    it('ties every tool to an action hook name', () => {
      expect(registry.mcpTools().map((t) => [t.name, t.hookName])).toEqual([
        ['search', 'search'],
        ['renamed', 'renamed'],
        ['send_mail', 'send_mail'],
        ['mail_alias', 'send_mail_2'],
        ['via_wildcard', 'via_wildcard'],
      ]);
    });

    it('binds prompts and resources to method hooks, implied or explicit', () => {
      expect(registry.mcpPrompts()).toEqual([
        {
          name: 'summarise',
          hookName: 'summarise',
          description: 'Prompt',
          arguments: [{ name: 'topic' }],
          label: 'Tools.summarise',
        },
        { name: 'profile_prompt', hookName: 'profile', arguments: [], label: 'Tools.profileData' },
      ]);
      expect(registry.mcpResources()).toEqual([
        { uri: 'profile://me', name: 'Profile', hookName: 'profile', label: 'Tools.profileData' },
        { uriTemplate: 'notes://{id}', name: 'Note', hookName: 'note', label: 'Tools.note' },
      ]);
      expect(registry.listMetadata('method').map((m) => m.name)).toEqual(['summarise', 'profile', 'note']);
      expect(registry.has('method', 'profileData')).toBe(false);
    });

    it('refuses an MCP tool name declared by two different methods', () => {
      class Clash {
        @McpTool({ name: 'search', description: 'again' })
        find(): null {
          return null;
        }
      }
      expect(() => registerAll(registry, new Clash())).toThrow(
        'MCP tool search is declared twice: by Tools.search and by Clash.find',
      );
    });
  });
});

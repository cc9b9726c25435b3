import { describe, expect, it } from '@jest/globals';
import { ACTINGWEB_HOOKS_METADATA } from './hook.constants.js';
import {
  ActionHook,
  CallbackHook,
  getHookMetadata,
  LifecycleHook,
  McpPrompt,
  McpResource,
  McpTool,
  MethodHook,
  PropertyHook,
  SubscriptionHook,
} from './hook.decorators.js';
import type { McpResourceOptions, McpToolOptions, PropertyOperation } from './hook.types.js';

class Decorated {
  @ActionHook('search', { description: 'Search' })
  @McpTool({ description: 'Search tool' })
  search(): unknown {
    return null;
  }

  @McpTool({ description: 'Echo tool', name: 'echo_tool' })
  @ActionHook('echo')
  echo(): unknown {
    return null;
  }

  @PropertyHook()
  @MethodHook()
  @CallbackHook()
  @SubscriptionHook()
  everything(): unknown {
    return null;
  }

  @PropertyHook('email', { operations: ['get', 'put'], priority: 5 })
  @LifecycleHook('actor_created')
  @LifecycleHook('my_custom_event')
  mixed(): unknown {
    return null;
  }

  @McpPrompt({ arguments: [{ name: 'topic', required: true }] })
  @McpResource({ uri: 'notes://recent', name: 'Recent notes' })
  mcpOnly(): unknown {
    return null;
  }

  undecorated(): unknown {
    return null;
  }
}

const proto = Decorated.prototype;

describe('hook decorators', () => {
  it('stores one entry per decorator, in application (bottom-up) order, under the metadata key', () => {
    expect(Reflect.getMetadata(ACTINGWEB_HOOKS_METADATA, proto.search)).toEqual([
      { kind: 'mcpTool', description: 'Search tool' },
      { kind: 'action', name: 'search', description: 'Search' },
    ]);
    expect(getHookMetadata(proto.echo)).toEqual([
      { kind: 'action', name: 'echo' },
      { kind: 'mcpTool', name: 'echo_tool', description: 'Echo tool' },
    ]);
  });

  it('defaults names to the wildcard', () => {
    expect(getHookMetadata(proto.everything).map((e) => [e.kind, 'name' in e ? e.name : undefined])).toEqual([
      ['subscription', '*'],
      ['callback', '*'],
      ['method', '*'],
      ['property', '*'],
    ]);
  });

  it('keeps options and accepts custom lifecycle events', () => {
    expect(getHookMetadata(proto.mixed)).toEqual([
      { kind: 'lifecycle', name: 'my_custom_event' },
      { kind: 'lifecycle', name: 'actor_created' },
      { kind: 'property', name: 'email', operations: ['get', 'put'], priority: 5 },
    ]);
    expect(getHookMetadata(proto.mcpOnly)).toEqual([
      { kind: 'mcpResource', uri: 'notes://recent', name: 'Recent notes' },
      { kind: 'mcpPrompt', arguments: [{ name: 'topic', required: true }] },
    ]);
  });

  it('returns no entries for undecorated methods and non-functions', () => {
    expect(getHookMetadata(proto.undecorated)).toEqual([]);
    expect(getHookMetadata(undefined)).toEqual([]);
  });

  it('copies the options, so later mutation does not leak into the metadata', () => {
    const operations: PropertyOperation[] = ['get'];
    class Target {
      @PropertyHook('x', { operations })
      hook(): unknown {
        return null;
      }
    }
    operations.push('put');
    expect(getHookMetadata(Target.prototype.hook)).toEqual([
      { kind: 'property', name: 'x', operations: ['get'] },
    ]);
  });

  it.each([
    ['empty property name', () => PropertyHook('')],
    ['blank action name', () => ActionHook('   ')],
    ['non-string method name', () => MethodHook(42 as unknown as string)],
    ['empty callback name', () => CallbackHook('')],
    ['empty subscription target', () => SubscriptionHook('')],
    ['empty lifecycle event', () => LifecycleHook('')],
    ['unknown property operation', () => PropertyHook('x', { operations: ['patch' as PropertyOperation] })],
    ['empty operations', () => PropertyHook('x', { operations: [] })],
    ['non-numeric priority', () => ActionHook('x', { priority: Number.NaN })],
    [
      'non-object input schema',
      () => MethodHook('x', { inputSchema: 'x' as unknown as Record<string, unknown> }),
    ],
    ['tool without description', () => McpTool({} as McpToolOptions)],
    ['tool without options', () => McpTool(undefined as unknown as McpToolOptions)],
    ['tool with empty name', () => McpTool({ name: '', description: 'd' })],
    ['prompt argument without name', () => McpPrompt({ arguments: [{ name: '' }] })],
    ['resource without uri', () => McpResource({ name: 'r' })],
    [
      'resource with uri and template',
      () => McpResource({ name: 'r', uri: 'a://b', uriTemplate: 'a://{x}' }),
    ],
    ['resource without name', () => McpResource({ uri: 'a://b' } as McpResourceOptions)],
  ])('throws eagerly for %s', (_label, make) => {
    expect(make).toThrow(/^@\w+/);
  });

  it('explains the resource uri rule in the error', () => {
    expect(() => McpResource({ name: 'r' })).toThrow(
      '@McpResource(r): exactly one of uri and uriTemplate is required',
    );
  });

  it('rejects static methods at decoration time', () => {
    const decorate = (): unknown => {
      class WithStatic {
        @ActionHook('s')
        static s(): unknown {
          return null;
        }
      }
      return WithStatic;
    };
    expect(decorate).toThrow('@ActionHook on s: static methods cannot be hooks');
  });
});

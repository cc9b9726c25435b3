import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Controller, Injectable, Logger, Scope } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import type { ActorHandle } from './actor-handle.js';
import { ANONYMOUS } from '../common/caller.js';
import { ActionHook, CallbackHook, LifecycleHook, McpTool, PropertyHook } from './hook.decorators.js';
import type { ActionHookContext, PropertyHookContext } from './hook.types.js';
import { HookExplorer } from './hook-explorer.service.js';
import { HookInvoker } from './hook-invoker.service.js';
import { HookRegistry } from './hook-registry.service.js';

const actor = {
  id: 'b'.repeat(32),
  creator: 'me',
  url: 'https://x/' + 'b'.repeat(32),
  trusteeRoot: null,
} as unknown as ActorHandle;

@Injectable()
class FixtureHooks {
  readonly calls: string[] = [];
  private readonly suffix = '@example.com';

  @PropertyHook('email', { operations: ['put'] })
  normaliseEmail(ctx: PropertyHookContext): string {
    this.calls.push('normaliseEmail');
    return `${String(ctx.value).toLowerCase()}${this.suffix}`;
  }

  @ActionHook('echo')
  @McpTool({ description: 'Echo', name: 'echo_tool' })
  async echo(ctx: ActionHookContext): Promise<unknown> {
    this.calls.push('echo');
    return { echoed: ctx.data, from: this.constructor.name };
  }

  @LifecycleHook('actor_created')
  onCreated(): void {
    this.calls.push('onCreated');
  }

  notAHook(): string {
    return 'plain';
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedFixture {
  @ActionHook('scoped')
  scoped(): string {
    return 'must not be registered';
  }
}

@Controller()
class FixtureController {
  @CallbackHook('ping')
  ping(): { pong: boolean } {
    return { pong: this instanceof FixtureController };
  }
}

describe('HookExplorer', () => {
  let moduleRef: TestingModule;
  let warnings: string[];

  beforeEach(async () => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    moduleRef = await Test.createTestingModule({
      imports: [DiscoveryModule],
      providers: [HookRegistry, HookExplorer, HookInvoker, FixtureHooks, RequestScopedFixture],
      controllers: [FixtureController],
    }).compile();
    await moduleRef.init();
  });

  afterEach(async () => {
    await moduleRef.close();
    jest.restoreAllMocks();
  });

  it('registers exactly the hooks of singleton providers and controllers at bootstrap', () => {
    const registry = moduleRef.get(HookRegistry);
    expect(registry.list().map((h) => `${h.label} -> ${h.kind}:${h.name}`)).toEqual([
      'FixtureHooks.normaliseEmail -> property:email',
      'FixtureHooks.echo -> action:echo',
      'FixtureHooks.onCreated -> lifecycle:actor_created',
      'FixtureController.ping -> callback:ping',
    ]);
    expect(registry.mcpTools().map((t) => [t.name, t.hookName])).toEqual([['echo_tool', 'echo']]);
  });

  it('skips request-scoped providers with a warning', () => {
    expect(moduleRef.get(HookRegistry).has('action', 'scoped')).toBe(false);
    expect(warnings).toEqual([
      expect.stringContaining('RequestScopedFixture is request-scoped or transient'),
    ]);
  });

  it('logs one line per hook', () => {
    const log = jest.mocked(Logger.prototype.log);
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines).toContain('FixtureHooks.echo -> action:echo');
    expect(lines).toContain('FixtureHooks.echo -> mcpTool:echo_tool');
    expect(lines).toContain('FixtureController.ping -> callback:ping');
  });

  it('binds hooks to the provider instance', async () => {
    const invoker = moduleRef.get(HookInvoker);
    const fixture = moduleRef.get(FixtureHooks);
    const action = await invoker.runAction({
      actor,
      name: 'echo',
      data: 42,
      caller: ANONYMOUS,
      httpMethod: 'POST',
    });
    expect(action).toEqual({ handled: true, result: { echoed: 42, from: 'FixtureHooks' } });
    const put = await invoker.runProperty({
      actor,
      operation: 'put',
      name: 'email',
      path: [],
      value: 'ME',
      caller: ANONYMOUS,
    });
    expect(put).toEqual({ value: 'me@example.com', rejected: false });
    await invoker.runLifecycle({ event: 'actor_created', actor });
    expect(fixture.calls).toEqual(['echo', 'normaliseEmail', 'onCreated']);
    const callback = await invoker.runCallback({
      actor,
      name: 'ping',
      data: {},
      caller: ANONYMOUS,
      httpMethod: 'POST',
    });
    expect(callback).toEqual({ handled: true, result: { pong: true } });
  });

  it('is idempotent: exploring again registers nothing twice', () => {
    const registry = moduleRef.get(HookRegistry);
    const before = registry.list().length;
    moduleRef.get(HookExplorer).explore();
    moduleRef.get(HookExplorer).onApplicationBootstrap();
    expect(registry.list()).toHaveLength(before);
    expect(registry.get('action', 'echo')).toHaveLength(1);
  });
});

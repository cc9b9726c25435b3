import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { type ActingWebModuleExtras, portProvider } from './actingweb.module-definition.js';
import { AccessRules, DEFAULT_ACCESS_RULES, StaticAccessRules } from './auth/access-rules.js';
import { BearerTokenResolver } from './auth/bearer-token-resolver.js';
import { ACTINGWEB_MODULE_OPTIONS } from './config/actingweb.constants.js';
import type { ActingWebModuleOptions } from './config/actingweb-options.interface.js';
import { AwConfig, resolveConfig } from './config/aw-config.js';
import { McpTokenResolver } from './mcp/mcp-token-resolver.js';

/**
 * What every feature module reads: the options (validated into `AwConfig`)
 * and the application's ports. Global, so the feature modules, which are
 * static, see it whatever `isGlobal` says about ActingWeb's public services;
 * it holds no route and nothing else.
 */
@Module({})
export class ActingWebCoreModule {
  /**
   * `definition` is what ConfigurableModuleBuilder made of `forRoot`/
   * `forRootAsync`: the options provider, and for `forRootAsync` its
   * `imports` (which the port classes and factories may use too).
   */
  static register(definition: DynamicModule, extras: ActingWebModuleExtras): DynamicModule {
    const ports = portProviders(extras);
    const exported = [
      ACTINGWEB_MODULE_OPTIONS,
      AwConfig,
      ...ports.map((p) => (p as { provide: unknown }).provide),
    ];
    return {
      module: ActingWebCoreModule,
      global: true,
      imports: definition.imports ?? [],
      providers: [
        ...(definition.providers ?? []),
        // Options are validated here, so a bad configuration fails at startup with every problem listed.
        {
          provide: AwConfig,
          useFactory: (options: ActingWebModuleOptions) => resolveConfig(options),
          inject: [ACTINGWEB_MODULE_OPTIONS],
        },
        ...ports,
        ...(extras.extraProviders ?? []),
      ],
      exports: exported as DynamicModule['exports'],
    };
  }
}

function portProviders(extras: ActingWebModuleExtras): Provider[] {
  const providers: Provider[] = [
    portProvider(AccessRules, extras.accessRules ?? DEFAULT_ACCESS_RULES, (value) =>
      Array.isArray(value) ? new StaticAccessRules(value) : accessRulesInstance(value),
    ),
  ];
  if (extras.bearerTokenResolver !== undefined) {
    providers.push(
      portProvider(BearerTokenResolver, extras.bearerTokenResolver, (value) =>
        withResolve(value, 'bearerTokenResolver'),
      ),
    );
  }
  if (extras.mcpTokenResolver !== undefined) {
    providers.push(
      portProvider(McpTokenResolver, extras.mcpTokenResolver, (value) =>
        withResolve(value, 'mcpTokenResolver'),
      ),
    );
  }
  return providers;
}

function accessRulesInstance(value: unknown): AccessRules {
  const rules = (value as { rules?: unknown } | null)?.rules;
  return new StaticAccessRules(rules as never);
}

function withResolve<T>(value: T, option: string): T {
  if (typeof (value as { resolve?: unknown } | null)?.resolve !== 'function') {
    throw new Error(`ActingWebModule: ${option} must have a resolve() method (got ${typeof value})`);
  }
  return value;
}

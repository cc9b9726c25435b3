import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { type ActingWebModuleExtras, portProviders } from './actingweb.module-definition.js';
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
    const ports = applicationPorts(extras);
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
        ...ports.providers,
        ...(extras.extraProviders ?? []),
      ],
      exports: [ACTINGWEB_MODULE_OPTIONS, AwConfig, ...ports.tokens],
    };
  }
}

type Port = typeof AccessRules | typeof BearerTokenResolver | typeof McpTokenResolver;

/** The port providers of the options: the access rules always, the resolvers when the application gives them. */
function applicationPorts(extras: ActingWebModuleExtras): { providers: Provider[]; tokens: Port[] } {
  const providers = portProviders(AccessRules, extras.accessRules ?? DEFAULT_ACCESS_RULES, (value) =>
    Array.isArray(value) ? new StaticAccessRules(value) : accessRulesInstance(value),
  );
  const tokens: Port[] = [AccessRules];
  if (extras.bearerTokenResolver !== undefined) {
    providers.push(
      ...portProviders(BearerTokenResolver, extras.bearerTokenResolver, (value) =>
        withResolve(value, 'bearerTokenResolver'),
      ),
    );
    tokens.push(BearerTokenResolver);
  }
  if (extras.mcpTokenResolver !== undefined) {
    providers.push(
      ...portProviders(McpTokenResolver, extras.mcpTokenResolver, (value) =>
        withResolve(value, 'mcpTokenResolver'),
      ),
    );
    tokens.push(McpTokenResolver);
  }
  return { providers, tokens };
}

/** An `AccessRules` of the application's: its table, checked and frozen. */
function accessRulesInstance(value: unknown): AccessRules {
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new Error('ActingWebModule: accessRules must have a rules list');
  return new StaticAccessRules(rules);
}

function withResolve<T>(value: T, option: string): T {
  if (typeof (value as { resolve?: unknown } | null)?.resolve !== 'function') {
    throw new Error(`ActingWebModule: ${option} must have a resolve() method (got ${typeof value})`);
  }
  return value;
}

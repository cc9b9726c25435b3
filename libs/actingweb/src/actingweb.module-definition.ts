import {
  ConfigurableModuleBuilder,
  type FactoryProvider,
  type InjectionToken,
  type OptionalFactoryDependency,
  type Provider,
  type Type,
} from '@nestjs/common';
import type { AccessRule, AccessRules } from './auth/access-rules.js';
import type { BearerTokenResolver } from './auth/bearer-token-resolver.js';
import { ACTINGWEB_MODULE_OPTIONS } from './config/actingweb.constants.js';
import type { ActingWebModuleOptions } from './config/actingweb-options.interface.js';
import type { McpTokenResolver } from './mcp/mcp-token-resolver.js';

/**
 * How the application supplies a port: an instance, a class that Nest
 * instantiates (its constructor may inject the application's providers, see
 * `extraProviders` and `forRootAsync`'s `imports`), or a factory with `inject`.
 *
 * @publicApi
 */
export type PortOption<T, V = T> =
  | V
  | { useClass: Type<T> }
  | {
      useFactory: (...args: any[]) => V | T | Promise<V | T>;
      inject?: Array<InjectionToken | OptionalFactoryDependency>;
    };

/**
 * Options of `ActingWebModule.forRoot()`/`forRootAsync()` that shape the
 * module itself. They are read when the module is defined, so in
 * `forRootAsync` they sit next to `useFactory`, not in its result.
 *
 * @publicApi
 */
export interface ActingWebModuleExtras {
  /** Register the module globally. Default `true`. */
  isGlobal?: boolean;
  /**
   * The access-control table (see `AccessRules`): a list of rules, a class
   * extending `AccessRules`, or a factory returning a list. Default
   * `DEFAULT_ACCESS_RULES`.
   */
  accessRules?: PortOption<AccessRules, readonly AccessRule[]>;
  /** Resolves Bearer tokens of your own on actor routes (see `BearerTokenResolver`). Default none. */
  bearerTokenResolver?: PortOption<BearerTokenResolver>;
  /** Resolves root `/mcp` Bearer tokens to an actor (see `McpTokenResolver`). Default: trust secrets. */
  mcpTokenResolver?: PortOption<McpTokenResolver>;
  /**
   * Providers added next to the ports and the options factory, so a port
   * class or factory (or `useFactory` of `forRootAsync`) can inject them, as
   * in `@nestjs/cache-manager`. Default none.
   */
  extraProviders?: Provider[];
}

/** Every extra with its default (the keys are also what `forRoot` strips from the options). */
const EXTRAS: ActingWebModuleExtras = {
  isGlobal: true,
  accessRules: undefined,
  bearerTokenResolver: undefined,
  mcpTokenResolver: undefined,
  extraProviders: undefined,
};

export const {
  ConfigurableModuleClass: ActingWebConfigurableModule,
  OPTIONS_TYPE: ACTINGWEB_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: ACTINGWEB_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ActingWebModuleOptions>({ optionsInjectionToken: ACTINGWEB_MODULE_OPTIONS })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createActingWebOptions')
  .setExtras<ActingWebModuleExtras>(EXTRAS, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal ?? true,
  }))
  .build();

/** The extras of a `forRoot`/`forRootAsync` call, defaults filled in. */
export function extrasOf(options: object): ActingWebModuleExtras {
  const given = options as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(EXTRAS).map(([key, fallback]) => [key, given[key] ?? fallback]),
  ) as ActingWebModuleExtras;
}

/**
 * The providers of `token` from a port option: a value, `{ useClass }` or
 * `{ useFactory, inject }`. Values, instances and factory results all go
 * through `adopt`, which checks them (and may wrap a plain value), so a
 * port that is not one stops the application at startup.
 */
export function portProviders<T, V>(
  token: abstract new (...args: never[]) => T,
  option: PortOption<T, V>,
  adopt: (value: V | T) => T,
): Provider[] {
  if (typeof option === 'object' && option !== null && 'useClass' in option) {
    const { useClass } = option;
    return [useClass, { provide: token, useFactory: (instance: T) => adopt(instance), inject: [useClass] }];
  }
  if (typeof option === 'object' && option !== null && 'useFactory' in option) {
    const factory: FactoryProvider = {
      provide: token,
      useFactory: async (...args: unknown[]) => adopt(await option.useFactory(...args)),
      inject: option.inject ?? [],
    };
    return [factory];
  }
  return [{ provide: token, useValue: adopt(option as V) }];
}

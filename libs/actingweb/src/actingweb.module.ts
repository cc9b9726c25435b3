import { Module, type DynamicModule } from '@nestjs/common';
import { ActingWebCoreModule } from './actingweb-core.module.js';
import {
  ACTINGWEB_ASYNC_OPTIONS_TYPE,
  ACTINGWEB_OPTIONS_TYPE,
  ActingWebConfigurableModule,
  extrasOf,
} from './actingweb.module-definition.js';
import { ActorsModule } from './actors/actors.module.js';
import { AuthModule } from './auth/auth.module.js';
import { DevtestModule } from './devtest/devtest.module.js';
import { HooksModule } from './hooks/hooks.module.js';
import { HttpPlumbingModule } from './http/http-plumbing.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { McpModule } from './mcp/mcp.module.js';
import { MetaModule } from './meta/meta.module.js';
import { MethodsActionsModule } from './methods-actions/methods-actions.module.js';
import { OpsModule } from './ops/ops.module.js';
import { PeersModule } from './peers/peers.module.js';
import { PermissionsModule } from './permissions/permissions.module.js';
import { PropertiesModule } from './properties/properties.module.js';
import { ResourcesModule } from './resources/resources.module.js';
import { StorageModule } from './storage/storage.module.js';
import { SubscriptionsModule } from './subscriptions/subscriptions.module.js';
import { TrustModule } from './trust/trust.module.js';
import { WwwModule } from './www/www.module.js';

/** The feature modules, lowest layer first (docs/architecture.md). */
const FEATURES = [
  StorageModule,
  HttpPlumbingModule,
  HooksModule,
  PeersModule,
  PermissionsModule,
  AuthModule,
  PropertiesModule,
  TrustModule,
  SubscriptionsModule,
  ActorsModule,
  MetaModule,
  MethodsActionsModule,
  ResourcesModule,
  McpModule,
  OpsModule,
  IdentityModule,
  WwwModule,
  DevtestModule,
];

/**
 * ActingWeb as a NestJS module: actor REST routes on Fastify, storage
 * (embedded SQLite or PostgreSQL), credential checks, and discovery of your
 * providers' hook methods.
 *
 * ```ts
 * @Module({
 *   imports: [ActingWebModule.forRoot({ type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com/' })],
 *   providers: [NotesHooks],
 * })
 * export class AppModule {}
 * ```
 *
 * Ports (`accessRules`, `bearerTokenResolver`, `mcpTokenResolver`) and
 * `extraProviders` go next to the options, in `forRootAsync` next to
 * `useFactory` (docs/configuration.md).
 *
 * @publicApi
 */
@Module({})
export class ActingWebModule extends ActingWebConfigurableModule {
  static override forRoot(options: typeof ACTINGWEB_OPTIONS_TYPE): DynamicModule {
    return ActingWebModule.assemble(super.forRoot(options), options);
  }

  static override forRootAsync(options: typeof ACTINGWEB_ASYNC_OPTIONS_TYPE): DynamicModule {
    return ActingWebModule.assemble(super.forRootAsync(options), options);
  }

  /**
   * The options and ports go into the global core module; the features are
   * imported, and re-exported so the importing module (every module, with
   * `isGlobal`) can inject the public services.
   */
  private static assemble(definition: DynamicModule, options: object): DynamicModule {
    return {
      module: ActingWebModule,
      global: definition.global,
      imports: [ActingWebCoreModule.register(definition, extrasOf(options)), ...FEATURES],
      exports: FEATURES,
    };
  }
}

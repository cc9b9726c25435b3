import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HttpModule } from '@nestjs/axios';
import { ActorRootController } from './actors/actor-root.controller.js';
import { ActorService } from './actors/actor.service.js';
import { ActorHandleFactory } from './actors/actor-handle.factory.js';
import { FactoryController } from './actors/factory.controller.js';
import {
  ACTINGWEB_ASYNC_OPTIONS_TYPE,
  ACTINGWEB_OPTIONS_TYPE,
  ActingWebConfigurableModule,
} from './actingweb.module-definition.js';
import { ActorAccessGuard } from './auth/actor-access.guard.js';
import { ACCESS_RULES } from './auth/access-rules.token.js';
import { DEFAULT_ACCESS_RULES } from './auth/access-rules.js';
import { CredentialResolver } from './auth/credential-resolver.service.js';
import { ACTINGWEB_MODULE_OPTIONS } from './config/actingweb.constants.js';
import type { ActingWebModuleOptions } from './config/actingweb-options.interface.js';
import { AwConfig, resolveConfig } from './config/aw-config.js';
import { HookExplorer } from './hooks/hook-explorer.service.js';
import { HookInvoker } from './hooks/hook-invoker.service.js';
import { HookRegistry } from './hooks/hook-registry.service.js';
import { HttpPlumbingService } from './http/http-plumbing.service.js';
import { MetaController } from './meta/meta.controller.js';
import { MetaService } from './meta/meta.service.js';
import { AwProxy } from './proxy/aw-proxy.service.js';
import { OutgoingRequestPolicy } from './proxy/outgoing-request-policy.js';
import { PeerAgents } from './proxy/peer-http.js';
import { PermissionService } from './trust/permissions/permission.service.js';
import { TrustController } from './trust/trust.controller.js';
import { PermissionQueryController } from './trust/permission-query.controller.js';
import { TrustManager } from './trust/trust-manager.service.js';
import { TrustTypeRegistry } from './trust/trust-type-registry.service.js';
import { TrusteeService } from './trust/trustee.service.js';
import { TrustPermissionRepository } from './storage/trust-permission.repository.js';
import { PropertiesController } from './properties/properties.controller.js';
import { PropertiesService } from './properties/properties.service.js';
import { PropertyChangeFeed } from './properties/property-change.js';
import { PropertyHookGate } from './properties/property-hook-gate.js';
import { PropertyListsService } from './properties/property-lists.service.js';
import { ActingWebDatabase } from './storage/actingweb-database.js';
import { ActorRepository } from './storage/actor.repository.js';
import { AttributeRepository } from './storage/attribute.repository.js';
import { PropertyListRepository } from './storage/property-list.repository.js';
import { PropertyRepository } from './storage/property.repository.js';
import { TrustRepository } from './storage/trust.repository.js';
import { SubscriptionRepository } from './storage/subscription.repository.js';
import { CallbackDelivery } from './subscriptions/callback-delivery.service.js';
import { DiffRegistrar } from './subscriptions/diff-registrar.service.js';
import { SubscriptionManager } from './subscriptions/subscription-manager.service.js';
import { SubscriptionsController } from './subscriptions/subscriptions.controller.js';
import { CallbackReceiver } from './callbacks/callback-receiver.service.js';
import { CallbacksController } from './callbacks/callbacks.controller.js';
import { PermissionCallbacks } from './callbacks/permission-callbacks.service.js';
import { ActionsController, MethodsController } from './methods-actions/methods-actions.controller.js';
import { MethodsActionsService } from './methods-actions/methods-actions.service.js';
import { ResourcesController } from './resources/resources.controller.js';
import { ResourcesService } from './resources/resources.service.js';
import { McpAuthenticator } from './mcp/mcp-auth.service.js';
import { McpCatalog } from './mcp/mcp-catalog.service.js';
import { McpHttpRoutes } from './mcp/mcp-http.service.js';
import { McpService } from './mcp/mcp.service.js';
import { TrustSecretMcpTokenResolver } from './mcp/mcp-token-resolver.js';
import { PeerTrusteeRepository } from './storage/peer-trustee.repository.js';
import { DevtestController } from './devtest/devtest.controller.js';
import { DevtestEnabledGuard } from './devtest/devtest-enabled.guard.js';
import { DevtestService } from './devtest/devtest.service.js';
import { OPS_FEATURE } from './ops/ops.module.js';

const providers: Provider[] = [
  // Options are validated here, so a bad configuration fails at startup with every problem listed.
  {
    provide: AwConfig,
    useFactory: (options: ActingWebModuleOptions) => resolveConfig(options),
    inject: [ACTINGWEB_MODULE_OPTIONS],
  },
  { provide: ACCESS_RULES, useValue: DEFAULT_ACCESS_RULES },
  ActingWebDatabase,
  ActorRepository,
  TrustRepository,
  PropertyRepository,
  PropertyListRepository,
  AttributeRepository,
  HookRegistry,
  HookExplorer,
  HookInvoker,
  CredentialResolver,
  ActorAccessGuard,
  ActorService,
  ActorHandleFactory,
  MetaService,
  PropertyChangeFeed,
  PropertyHookGate,
  PropertyListsService,
  PropertiesService,
  SubscriptionRepository,
  CallbackDelivery,
  DiffRegistrar,
  CallbackReceiver,
  PermissionCallbacks,
  SubscriptionManager,
  HttpPlumbingService,
  {
    provide: OutgoingRequestPolicy,
    useFactory: (config: AwConfig) =>
      OutgoingRequestPolicy.forServer(config.root, config.outgoingRequests, config.peerTimeoutMs),
    inject: [AwConfig],
  },
  PeerAgents,
  AwProxy,
  TrustTypeRegistry,
  TrustPermissionRepository,
  PermissionService,
  TrustManager,
  TrusteeService,
  // Methods, actions, resources and MCP (issue 6)
  MethodsActionsService,
  ResourcesService,
  TrustSecretMcpTokenResolver,
  McpAuthenticator,
  McpCatalog,
  McpService,
  McpHttpRoutes,
  PeerTrusteeRepository,
  DevtestEnabledGuard,
  DevtestService,
  // Operations: /health, /ready, /metrics (ops/ops.module.ts)
  ...OPS_FEATURE.providers,
];

const controllers = [
  FactoryController,
  ActorRootController,
  MetaController,
  PropertiesController,
  TrustController,
  PermissionQueryController,
  SubscriptionsController,
  CallbacksController,
  MethodsController,
  ActionsController,
  ResourcesController,
  DevtestController,
];

const exported = [
  AwConfig,
  ActingWebDatabase,
  ActorService,
  HookRegistry,
  HookInvoker,
  PropertyChangeFeed,
  AttributeRepository,
  AwProxy,
  TrustManager,
  PermissionService,
  TrustTypeRegistry,
  SubscriptionManager,
  CallbackDelivery,
  ...OPS_FEATURE.exports,
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
 * @publicApi
 */
@Module({})
export class ActingWebModule extends ActingWebConfigurableModule {
  static override forRoot(options: typeof ACTINGWEB_OPTIONS_TYPE): DynamicModule {
    return ActingWebModule.complete(super.forRoot(options));
  }

  static override forRootAsync(options: typeof ACTINGWEB_ASYNC_OPTIONS_TYPE): DynamicModule {
    return ActingWebModule.complete(super.forRootAsync(options));
  }

  private static complete(definition: DynamicModule): DynamicModule {
    return {
      ...definition,
      imports: [...(definition.imports ?? []), DiscoveryModule, HttpModule],
      providers: [...(definition.providers ?? []), ...providers],
      controllers: [...(definition.controllers ?? []), ...controllers],
      exports: [...(definition.exports ?? []), ...exported],
    };
  }
}

/**
 * ActingWeb for NestJS — public API.
 *
 * Everything an application needs is exported from here; anything else in the
 * package is internal and may change without notice.
 */

// Module and configuration
export { ActingWebModule } from './actingweb.module.js';
export type {
  ActingWebModuleOptions,
  ActingWebModuleExtras,
  StorageOptions,
  PeerOptions,
  TrustOptions,
  SubscriptionOptions,
  HealthOptions,
  MetricsOptions,
} from './config/actingweb-options.interface.js';
export { AwConfig, resolveConfig } from './config/aw-config.js';
export { ACTINGWEB_MODULE_OPTIONS, ACTINGWEB_SPEC_VERSION } from './config/actingweb.constants.js';

// Actors
export { ActorService } from './actors/actor.service.js';
export type { CreateActorInput, CreatedActor } from './actors/actor.service.js';
export type { ActorHandle, ActorProperties } from './actors/actor-handle.js';

// Properties
export { PropertyChangeFeed } from './properties/property-change.js';
export type {
  PropertyChange,
  InTransactionListener,
  AfterCommitListener,
} from './properties/property-change.js';
export type { PropertyListingOptions, PropertiesMetadata } from './properties/properties.service.js';
export type {
  ListDiff,
  ListDiffOperation,
  ListFormat,
  ListSummary,
} from './properties/property-lists.service.js';

// Callers, access control and credentials
export type { Caller } from './auth/caller.js';
export { DEFAULT_ACCESS_RULES } from './auth/access-rules.js';
export type { AccessRule } from './auth/access-rules.js';
export { ACCESS_RULES } from './auth/access-rules.token.js';
export { BEARER_TOKEN_RESOLVER } from './auth/bearer-token-resolver.js';
export type { BearerTokenResolver } from './auth/bearer-token-resolver.js';

// Hooks
export {
  PropertyHook,
  MethodHook,
  ActionHook,
  CallbackHook,
  SubscriptionHook,
  LifecycleHook,
  McpTool,
  McpPrompt,
  McpResource,
} from './hooks/hook.decorators.js';
export type {
  PropertyHookContext,
  MethodHookContext,
  ActionHookContext,
  CallbackHookContext,
  SubscriptionHookContext,
  LifecycleHookContext,
  LifecycleEvent,
  PropertyOperation,
} from './hooks/hook.types.js';
export { HookRegistry } from './hooks/hook-registry.service.js';
export type {
  McpToolOptions,
  McpPromptOptions,
  McpPromptArgument,
  McpResourceOptions,
  MethodHookOptions,
  ActionHookOptions,
} from './hooks/hook.types.js';
export type { ResourceHookData } from './resources/resources.service.js';

// MCP
export { MCP_TOKEN_RESOLVER } from './mcp/mcp-token-resolver.js';
export type { McpTokenResolver, McpTokenBinding } from './mcp/mcp-token-resolver.js';
export type { McpOptions } from './config/actingweb-options.interface.js';
export type { ResolvedMcpOptions } from './mcp/mcp-options.js';
export { jsonSchemaFromDto } from './mcp/dto-json-schema.js';
export type { DtoSchemaOptions } from './mcp/dto-json-schema.js';
export { validateBody } from './http/validate-body.js';

// Storage
export { ActingWebDatabase } from './storage/actingweb-database.js';
export type { ActorRecord } from './storage/actor.repository.js';
export { AttributeRepository } from './storage/attribute.repository.js';
export type { Attribute } from './storage/attribute.repository.js';

// Trust and peers
export { TrustManager } from './trust/trust-manager.service.js';
export type { CreateTrustInput } from './trust/trust-manager.service.js';
export type { TrustRecord } from './storage/trust.repository.js';
export { AwProxy } from './proxy/aw-proxy.service.js';
export type { PeerTarget, PeerResponse, PeerCallOptions, PeerInfo } from './proxy/aw-proxy.service.js';

// Subscriptions and callbacks
export { SubscriptionManager, subscriptionView } from './subscriptions/subscription-manager.service.js';
export type {
  SubscriptionRequest,
  SubscriptionWithDiffs,
  SubscriptionRecord,
  Granularity,
  DiffRecord,
  PeerSyncResult,
  SubscriptionSyncResult,
} from './subscriptions/subscription-manager.service.js';
export { CallbackDelivery } from './subscriptions/callback-delivery.service.js';
export type { DeliveryStats } from './subscriptions/callback-delivery.service.js';
export type { PeerGrantedPermissions } from './callbacks/permission-callbacks.service.js';

// Errors
export {
  ActingWebError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  PeerTimeoutError,
  PeerRequestFailedError,
  PeerBadGatewayError,
  ServiceUnavailableError,
  TooManyRequestsError,
  HookFailedError,
} from './errors/actingweb.errors.js';

// Request context
export { currentRequestId } from './http/request-context.js';

// Operations: health, metrics, JSON logs, startup errors (docs/operations.md)
export { ActingWebHealth } from './ops/health.service.js';
export type { HealthReport, HealthIndicatorResult } from './ops/health.service.js';
export { ActingWebMetrics } from './ops/metrics.service.js';
export { JsonLogger } from './ops/json-logger.js';
export type { JsonLoggerOptions } from './ops/json-logger.js';
export { ActingWebConfigError, StorageStartupError } from './ops/startup-errors.js';
export type { ConfigProblem } from './ops/startup-errors.js';
export type { ResolvedHealthOptions, ResolvedMetricsOptions } from './ops/ops-options.js';
export type { PeerCallRecord } from './proxy/aw-proxy.service.js';
export type { PoolStats } from './storage/actingweb-database.js';

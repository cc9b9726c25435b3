/**
 * ActingWeb for NestJS — public API.
 *
 * The module and its options, the ports, the hook decorators and their
 * context types, the public services and the errors. Anything else in the
 * package is internal and may change without notice.
 */

// Module and configuration
export { ActingWebModule } from './actingweb.module.js';
export type { ActingWebModuleExtras, PortOption } from './actingweb.module-definition.js';
export type {
  ActingWebModuleOptions,
  StorageOptions,
  PeerOptions,
  TrustOptions,
  SubscriptionOptions,
  McpOptions,
  HealthOptions,
  MetricsOptions,
} from './config/actingweb-options.interface.js';
export { DEFAULT_SQLITE_FILENAME } from './config/actingweb.constants.js';
export type { TrustTypeDefinition } from './config/trust-types.js';
export type {
  IdentityOptions,
  IdentityMcpOptions,
  OAuthClientConfig,
  RateLimitOptions,
} from './config/identity-options.js';
export type { IdentityProviderOptions } from './config/identity-provider-options.js';
export type { WwwOptions } from './config/www-options.js';
export type { Permissions, PatternRule, ListRule, PermissionCategory } from './common/permissions.types.js';

// Ports: supply them with the module options, inject them by these classes
export { AccessRules, DEFAULT_ACCESS_RULES } from './auth/access-rules.js';
export type { AccessRule } from './auth/access-rules.js';
export { BearerTokenResolver } from './auth/bearer-token-resolver.js';
export { McpTokenResolver } from './mcp/mcp-token-resolver.js';
export type { McpTokenBinding } from './mcp/mcp-token-resolver.js';
export type { Caller } from './common/caller.js';
export type { ActorRecord } from './storage/actor.repository.js';

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
  OAuthSuccessHookContext,
  PropertyOperation,
  PropertyListOperation,
  McpToolOptions,
  McpPromptOptions,
  McpPromptArgument,
  McpResourceOptions,
  MethodHookOptions,
  ActionHookOptions,
} from './hooks/hook.types.js';
export type {
  ActorHandle,
  ActorProperties,
  ActorPropertyList,
  ListMetadata,
  ListMetadataChange,
  ActorTrust,
  ActorSubscriptions,
} from './hooks/actor-handle.js';
// Also declares the members of ActorTrust and ActorSubscriptions (declaration merging).
export type { ActorTrustMethod, ActorSubscriptionsMethod } from './actors/actor-facades.js';
export type { ResourceHookData } from './resources/resources.service.js';
export type { ListDiff, ListDiffOperation } from './properties/lists/list-model.js';
export type { PeerGrantedPermissions } from './subscriptions/subscriber/permission-callbacks.service.js';
// Helpers for hooks: DTO validation and JSON Schema for MCP tools, the request id for log lines
export { validateBody } from './common/validate-body.js';
export { jsonSchemaFromDto } from './mcp/dto-json-schema.js';
export type { DtoSchemaOptions } from './mcp/dto-json-schema.js';
export { currentRequestId } from './common/request-context.js';

// Actors
export { ActorService } from './actors/actor.service.js';
export type { CreateActorInput, CreatedActor } from './actors/actor.service.js';

// Identity: MCP clients connected through the OAuth authorization server (docs/identity.md)
export { OAuthClients } from './identity/oauth/oauth-clients.service.js';
export type { ConnectedOAuthClient } from './identity/oauth/oauth-clients.service.js';

// The owner's web console: the application's own pages (docs/www.md)
export { WwwPage } from './www/www-page.decorator.js';
export type { WwwPageOptions, WwwPageContext, WwwPageResult } from './www/www-page.decorator.js';

// Trust and peers
export { TrustManager } from './trust/trust-manager.service.js';
export type { CreateTrustInput } from './trust/trust-manager.service.js';
export type { TrustRecord } from './storage/trust.repository.js';
export { AwProxy } from './peers/aw-proxy.service.js';
export type { PeerTarget, PeerResponse, PeerCallOptions, PeerInfo } from './peers/aw-proxy.service.js';

// Subscriptions
export { SubscriptionManager } from './subscriptions/subscription-manager.service.js';
export type {
  SubscriptionRequest,
  SubscriptionWithDiffs,
  SubscriptionRecord,
  Granularity,
  DiffRecord,
  PeerSyncResult,
  SubscriptionSyncResult,
} from './subscriptions/subscription-manager.service.js';

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

// Operations: health, metrics, JSON logs, startup errors (docs/operations.md)
export { ActingWebHealth } from './ops/health.service.js';
export type { HealthReport, HealthIndicatorResult } from './ops/health.service.js';
export { ActingWebMetrics } from './ops/metrics.service.js';
export { JsonLogger } from './ops/json-logger.js';
export type { JsonLoggerOptions } from './ops/json-logger.js';
export { ActingWebConfigError, StorageStartupError } from './errors/startup-errors.js';
export type { ConfigProblem } from './errors/startup-errors.js';

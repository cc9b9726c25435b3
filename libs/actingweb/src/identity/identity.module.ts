import { Module } from '@nestjs/common';
import { ActorsModule } from '../actors/actors.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { McpModule } from '../mcp/mcp.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { IdentityMaintenance } from './identity-maintenance.service.js';
import { IdentityTokensModule } from './identity-tokens.module.js';
import { IdentityRoutes } from './identity.routes.js';
import { IdentityHttp } from './http/identity-http.js';
import { LoginRoutes } from './http/login.routes.js';
import { OAuthRoutes } from './http/oauth.routes.js';
import { ProviderLoginRoutes } from './http/provider-login.routes.js';
import { IdentityActors } from './login/identity-actors.service.js';
import { PassphraseLogin } from './login/passphrase-login.service.js';
import { ProviderClients } from './login/provider-clients.js';
import { ProviderLogin } from './login/provider-login.service.js';
import { AuthorizationService } from './oauth/authorization.service.js';
import { ClientMetadataFetcher } from './oauth/cimd-fetcher.js';
import { ClientRegistry } from './oauth/client-registry.service.js';
import { OAuthClients } from './oauth/oauth-clients.service.js';
import { TokenService } from './oauth/token.service.js';
import { SessionService } from './sessions/session.service.js';
import { ConsentRepository } from './storage/consent.repository.js';
import { LoginSessionRepository } from './storage/login-session.repository.js';
import { OAuthClientRepository } from './storage/oauth-client.repository.js';
import { ProviderLoginRepository } from './storage/provider-login.repository.js';
import { ViewRenderer } from './views/view-renderer.js';

/**
 * The identity feature (`forRoot({ identity })`, `docs/identity.md`): the
 * OAuth 2.1 authorization server for MCP clients, sessions, passphrase and
 * identity-provider sign-in, and the pages. Sub-folders: `oauth/`
 * (authorization server), `login/` (sign-in methods), `sessions/`,
 * `storage/` (repositories; tables and migration in storage/), `views/`,
 * `http/` (the Fastify routes, registered by `identity.routes.ts`).
 *
 * Always composed (with `forRootAsync` the options are known only after the
 * module is defined), and inert when `identity` is not configured: no route
 * is registered, no purge timer runs, and its access tokens
 * (`IdentityTokensModule`, the front slot of the token chains) recognize
 * nothing.
 */
@Module({
  imports: [
    StorageModule,
    HooksModule,
    PeersModule,
    PermissionsModule,
    PropertiesModule,
    TrustModule,
    ActorsModule,
    McpModule,
    IdentityTokensModule,
  ],
  providers: [
    OAuthClientRepository,
    LoginSessionRepository,
    ConsentRepository,
    ProviderLoginRepository,
    SessionService,
    IdentityHttp,
    PassphraseLogin,
    ProviderClients,
    IdentityActors,
    ProviderLogin,
    ViewRenderer,
    ClientMetadataFetcher,
    ClientRegistry,
    AuthorizationService,
    TokenService,
    OAuthClients,
    OAuthRoutes,
    LoginRoutes,
    ProviderLoginRoutes,
    IdentityRoutes,
    IdentityMaintenance,
  ],
  // The owner console (www/) reuses the sessions, CSRF and page renderer.
  exports: [OAuthClients, IdentityHttp, ViewRenderer],
})
export class IdentityModule {}

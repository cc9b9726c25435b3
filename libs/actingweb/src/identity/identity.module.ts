import type { Provider } from '@nestjs/common';
import { McpAccessTokenVerifier } from '../mcp/mcp-token-resolver.js';
import { IdentityMaintenance } from './identity-maintenance.service.js';
import { IdentityRoutes } from './identity-routes.service.js';
import { IdentityHttp } from './http/identity-http.js';
import { LoginRoutes } from './http/login-routes.js';
import { OAuthRoutes } from './http/oauth-routes.js';
import { IdentityActors } from './login/identity-actors.service.js';
import { PassphraseLogin } from './login/passphrase-login.service.js';
import { ProviderClients } from './login/provider-clients.js';
import { ProviderLogin } from './login/provider-login.service.js';
import { ProviderLoginRoutes } from './http/provider-login-routes.js';
import { AuthorizationService } from './oauth/authorization.service.js';
import { ClientMetadataFetcher } from './oauth/cimd-fetcher.js';
import { ClientRegistry } from './oauth/client-registry.service.js';
import { OAuthAccessTokenVerifier } from './oauth/oauth-access-token.verifier.js';
import { OAuthClients } from './oauth/oauth-clients.service.js';
import { TokenService } from './oauth/token.service.js';
import { SessionService } from './sessions/session.service.js';
import { ConsentRepository } from './storage/consent.repository.js';
import { LoginSessionRepository } from './storage/login-session.repository.js';
import { OAuthClientRepository } from './storage/oauth-client.repository.js';
import { OAuthGrantRepository } from './storage/oauth-grant.repository.js';
import { ProviderLoginRepository } from './storage/provider-login.repository.js';
import { ViewRenderer } from './views/view-renderer.js';

/**
 * The identity feature (`forRoot({ identity })`, `docs/identity.md`): the
 * OAuth 2.1 authorization server for MCP clients, sessions, passphrase and
 * identity-provider sign-in, and the pages. Sub-folders: `oauth/` (authorization server),
 * `login/` (sign-in methods), `sessions/`, `storage/`, `views/`, `http/`
 * (the Fastify routes).
 *
 * Its providers join the ActingWebModule's own scope (they use the core
 * repositories, and the MCP authenticator uses its token verifier through the
 * `McpAccessTokenVerifier` port). With `identity` unset they stay inert: no
 * route is registered and the verifier recognizes no token.
 */
export const IdentityModule = {
  providers: [
    OAuthClientRepository,
    OAuthGrantRepository,
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
    { provide: McpAccessTokenVerifier, useClass: OAuthAccessTokenVerifier },
    OAuthRoutes,
    LoginRoutes,
    ProviderLoginRoutes,
    IdentityRoutes,
    IdentityMaintenance,
  ] satisfies Provider[],
  /** Public API of the feature. */
  exports: [OAuthClients],
} as const;

import type { ResolvedIdentityOptions } from '../../config/identity-options.js';
import { MCP_SCOPE } from '../../config/identity-options.js';

const CLIENT_AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'];

/**
 * RFC 8414 authorization-server metadata, served at
 * `/.well-known/oauth-authorization-server` and (the same document, which MCP
 * clients also probe) `/.well-known/openid-configuration`. No `jwks_uri`:
 * tokens are opaque and no ID tokens are issued.
 */
export function authorizationServerMetadata(
  root: string,
  identity: ResolvedIdentityOptions,
): Record<string, unknown> {
  return {
    issuer: identity.issuer,
    authorization_endpoint: `${root}oauth/authorize`,
    token_endpoint: `${root}oauth/token`,
    ...(identity.mcp.dynamicRegistration && { registration_endpoint: `${root}oauth/register` }),
    revocation_endpoint: `${root}oauth/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [MCP_SCOPE],
    client_id_metadata_document_supported: identity.mcp.clientMetadataDocuments.enabled,
    authorization_response_iss_parameter_supported: true,
  };
}

/*
 * Tables of the identity feature (migration 0003-identity-schema). Same
 * conventions as the core schema (database.types.ts); instants that
 * are compared on every request (expiries, last use) are epoch milliseconds.
 * Secrets (tokens, codes, session ids, client secrets) are stored only as
 * SHA-256 hex digests.
 */

/** OAuth clients registered dynamically (RFC 7591) or known from a Client ID Metadata Document. */
export interface OAuthClientsTable {
  client_id: string;
  /** `dcr` or `cimd`. Clients from configuration are not stored. */
  kind: string;
  client_name: string;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** `none`, `client_secret_basic` or `client_secret_post`. */
  token_endpoint_auth_method: string;
  secret_hash: string | null;
  /** JSON of the registered metadata, echoed by registration. */
  metadata: string;
  created_at: string;
  /** `cimd`: when the cached document must be fetched again; null for `dcr`. */
  refresh_after: number | null;
}

/** One consent: a client's access to one actor through one trust. Tokens hang off it. */
export interface OAuthGrantsTable {
  id: string;
  actor_id: string;
  /** The trust the consent created; deleting the trust deletes the grant (and its tokens). */
  trust_peer_id: string;
  client_id: string;
  scope: string;
  /** The MCP URL the grant is bound to (RFC 8707), or null: both MCP endpoints of the actor. */
  resource: string | null;
  created_at: string;
  last_used_at: number | null;
}

export interface OAuthCodesTable {
  code_hash: string;
  grant_id: string;
  redirect_uri: string;
  code_challenge: string;
  resource: string | null;
  expires_at: number;
  used_at: number | null;
}

export interface OAuthAccessTokensTable {
  token_hash: string;
  grant_id: string;
  expires_at: number;
}

export interface OAuthRefreshTokensTable {
  token_hash: string;
  grant_id: string;
  expires_at: number;
  /** First use (rotation); a use after the grace window revokes the grant. */
  used_at: number | null;
}

/** An authorization request shown on a consent page, waiting for the person's decision. */
export interface OAuthPendingAuthorizationsTable {
  id_hash: string;
  session_id_hash: string;
  actor_id: string;
  client_id: string;
  redirect_uri: string;
  state: string | null;
  code_challenge: string;
  resource: string | null;
  scope: string;
  expires_at: number;
}

/** A signed-in browser. */
export interface LoginSessionsTable {
  id_hash: string;
  actor_id: string;
  /** Who signed in: the creator (passphrase) or the verified email (provider). */
  login_name: string;
  /** `passphrase`, or `oidc:<provider>`. */
  method: string;
  /** Key of this session's CSRF tokens. */
  csrf_secret: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

/**
 * A provider sign-in under way, between the redirect to the provider and its
 * callback (single use, 10 minutes). Keyed by the SHA-256 of `state`, and bound
 * to the browser that started it by the SHA-256 of its `aw_login` cookie.
 */
export interface LoginStatesTable {
  state_hash: string;
  browser_hash: string;
  provider: string;
  /** OpenID Connect `nonce` (null for plain OAuth 2.0 providers). */
  nonce: string | null;
  /** PKCE `code_verifier` (RFC 7636). */
  code_verifier: string;
  /** Where to go after sign-in (a path relative to the root). */
  return_to: string;
  /** The sign-in was started for this actor (e.g. to connect a client to it): another account is refused. */
  actor_id: string | null;
  expires_at: number;
}

/** Who signed in with a provider account: the provider's subject, its verified email, and the actor. */
export interface IdentitiesTable {
  provider: string;
  /** The provider's stable id of the account (`sub`; GitHub: the numeric user id). */
  subject: string;
  /** The verified email, lower-cased: the actor's creator. */
  email: string;
  actor_id: string;
  created_at: number;
  last_login_at: number;
}

/** The identity tables, merged into `AwDatabase`. */
export interface IdentityTables {
  oauth_clients: OAuthClientsTable;
  oauth_grants: OAuthGrantsTable;
  oauth_codes: OAuthCodesTable;
  oauth_access_tokens: OAuthAccessTokensTable;
  oauth_refresh_tokens: OAuthRefreshTokensTable;
  oauth_pending_authorizations: OAuthPendingAuthorizationsTable;
  login_sessions: LoginSessionsTable;
  login_states: LoginStatesTable;
  identities: IdentitiesTable;
}

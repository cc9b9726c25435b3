import { Inject, Injectable, Logger } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { secretsEqual } from '../../auth/constant-time.js';
import { TooManyRequestsError } from '../../errors/actingweb.errors.js';
import { logPrefix } from '../../common/request-context.js';
import { redirectUriProblem } from '../../config/identity-options.js';
import { RateLimiter } from '../login/rate-limiter.js';
import {
  OAuthClientRepository,
  type ClientAuthMethod,
  type StoredOAuthClient,
} from '../storage/oauth-client.repository.js';
import { ClientMetadataFetcher, ClientMetadataFetchError } from './cimd-fetcher.js';
import { AuthorizationPageError, OAuthError } from './oauth-error.js';
import { newId, newOpaqueToken, TOKEN_PREFIX, tokenDigest } from './opaque-tokens.js';

/** A client as the authorization server knows it, wherever it came from. */
export interface OAuthClient {
  clientId: string;
  /** `static`: configuration; `dcr`: registered at `/oauth/register`; `cimd`: its metadata document. */
  kind: 'static' | 'dcr' | 'cimd';
  clientName: string;
  redirectUris: readonly string[];
  authMethod: ClientAuthMethod;
  secretHash: string | null;
}

/** Client credentials as presented at the token or revocation endpoint (RFC 6749 §2.3.1). */
export interface PresentedClientCredentials {
  clientId: string | undefined;
  secret: string | undefined;
  /** Whether they came in an `Authorization: Basic` header (then `invalid_client` carries a Basic challenge). */
  viaBasic: boolean;
}

const CIMD_MIN_CACHE_SECONDS = 60;
const CIMD_MAX_CACHE_SECONDS = 24 * 3600;
const CIMD_DEFAULT_CACHE_SECONDS = 600;
const CIMD_FAILURE_CACHE_MS = 60_000;
const MAX_NAME = 200;

/**
 * Where clients come from, in this order (`docs/identity.md`):
 * 1. configuration (`identity.mcp.clients`);
 * 2. a Client ID Metadata Document, when the client id is an https URL with a
 *    path (MCP 2025-11-25): fetched only by the authorization endpoint, cached
 *    per its `Cache-Control` (clamped to 1 minute .. 1 day), stored so the
 *    token endpoint never fetches;
 * 3. dynamic registration (RFC 7591), open and rate-limited per address.
 */
@Injectable()
export class ClientRegistry {
  private readonly logger = new Logger('ActingWebOAuth');
  private readonly registrations: RateLimiter;
  /** CIMD URLs that failed recently: not fetched again for a minute. */
  private readonly recentFailures = new Map<string, { until: number; message: string }>();

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(OAuthClientRepository) private readonly clients: OAuthClientRepository,
    @Inject(ClientMetadataFetcher) private readonly fetcher: ClientMetadataFetcher,
  ) {
    const { max, windowSeconds } = config.identity?.rateLimits.registration ?? {
      max: 20,
      windowSeconds: 600,
    };
    this.registrations = new RateLimiter(max, windowSeconds * 1000);
  }

  /** The client of an authorization request; an error page (never a redirect) when there is none. */
  async forAuthorization(clientId: string): Promise<OAuthClient> {
    const known = this.configured(clientId);
    if (known) return known;
    if (isMetadataDocumentUrl(clientId)) return this.fromMetadataDocument(clientId);
    const stored = await this.stored(clientId);
    if (stored?.kind === 'dcr') return stored;
    throw new AuthorizationPageError(
      'Unknown client: this client_id was never registered here',
      400,
      'invalid_client',
    );
  }

  /**
   * Authenticates a client at the token or revocation endpoint: a public
   * client by its id, a confidential one by its secret (Basic or form, not
   * both), compared as SHA-256 in constant time. Never fetches a document.
   */
  async authenticate(presented: PresentedClientCredentials): Promise<OAuthClient> {
    const unauthorized = (description: string) =>
      new OAuthError(
        'invalid_client',
        description,
        401,
        presented.viaBasic ? { 'WWW-Authenticate': `Basic realm="${this.config.authRealm}"` } : {},
      );
    if (!presented.clientId) throw unauthorized('Client authentication failed: no client_id');
    const client = this.configured(presented.clientId) ?? (await this.stored(presented.clientId));
    if (!client) throw unauthorized('Client authentication failed: unknown client');
    if (client.secretHash === null) return client; // public: PKCE protects its codes
    if (presented.secret === undefined)
      throw unauthorized('Client authentication failed: the secret is missing');
    if (!secretsEqual(tokenDigest(presented.secret), client.secretHash)) {
      throw unauthorized('Client authentication failed: wrong secret');
    }
    return client;
  }

  /** RFC 7591 §3: validates the metadata, stores the client, returns the registration response. */
  async register(body: unknown, clientAddress: string): Promise<Record<string, unknown>> {
    const verdict = this.registrations.hit(clientAddress);
    if (!verdict.allowed) {
      throw new TooManyRequestsError(
        'Too many client registrations; try again later',
        'too_many_requests',
        verdict.retryAfterSeconds,
      );
    }
    const metadata = validateRegistration(body);
    const authMethod = metadata.token_endpoint_auth_method as ClientAuthMethod;
    const clientId = `awc_${newId()}`;
    const secret = authMethod === 'none' ? undefined : newOpaqueToken(TOKEN_PREFIX.clientSecret);
    const issuedAt = Math.floor(Date.now() / 1000);
    await this.clients.save({
      clientId,
      kind: 'dcr',
      clientName: metadata.client_name as string,
      redirectUris: metadata.redirect_uris as string[],
      authMethod,
      secretHash: secret === undefined ? null : tokenDigest(secret),
      metadata,
      createdAt: new Date(issuedAt * 1000).toISOString(),
      refreshAfter: null,
    });
    this.logger.log(
      `${logPrefix()}Registered OAuth client ${clientId} (${JSON.stringify(metadata.client_name)}, ${authMethod})`,
    );
    return {
      ...metadata,
      client_id: clientId,
      client_id_issued_at: issuedAt,
      ...(secret !== undefined && { client_secret: secret, client_secret_expires_at: 0 }),
    };
  }

  private configured(clientId: string): OAuthClient | null {
    const entry = this.config.identity?.mcp.clients.find((c) => c.clientId === clientId);
    if (!entry) return null;
    return {
      clientId: entry.clientId,
      kind: 'static',
      clientName: entry.clientName,
      redirectUris: entry.redirectUris,
      authMethod: entry.clientSecret === undefined ? 'none' : 'client_secret_basic',
      secretHash: entry.clientSecret === undefined ? null : tokenDigest(entry.clientSecret),
    };
  }

  private async stored(clientId: string): Promise<OAuthClient | null> {
    const stored = await this.clients.find(clientId);
    if (!stored) return null;
    if (stored.kind === 'dcr' && !this.config.identity?.mcp.dynamicRegistration) return null;
    if (stored.kind === 'cimd' && !this.config.identity?.mcp.clientMetadataDocuments.enabled) return null;
    return fromStored(stored);
  }

  private async fromMetadataDocument(clientId: string): Promise<OAuthClient> {
    if (!this.config.identity?.mcp.clientMetadataDocuments.enabled) {
      throw new AuthorizationPageError(
        'This server does not accept client metadata documents',
        400,
        'invalid_client',
      );
    }
    const now = Date.now();
    const cached = await this.clients.find(clientId);
    if (cached?.kind === 'cimd' && (cached.refreshAfter ?? 0) > now) return fromStored(cached);
    const failure = this.recentFailures.get(clientId);
    if (failure && failure.until > now) throw cimdError(failure.message);
    try {
      const { body, maxAgeSeconds } = await this.fetcher.fetch(new URL(clientId));
      const document = validateMetadataDocument(body, clientId);
      const cacheSeconds = Math.min(
        CIMD_MAX_CACHE_SECONDS,
        Math.max(CIMD_MIN_CACHE_SECONDS, maxAgeSeconds ?? CIMD_DEFAULT_CACHE_SECONDS),
      );
      const client: StoredOAuthClient = {
        clientId,
        kind: 'cimd',
        clientName: document.client_name as string,
        redirectUris: document.redirect_uris as string[],
        authMethod: 'none',
        secretHash: null,
        metadata: document,
        createdAt: cached?.createdAt ?? new Date(now).toISOString(),
        refreshAfter: now + cacheSeconds * 1000,
      };
      await this.clients.save(client);
      this.recentFailures.delete(clientId);
      return fromStored(client);
    } catch (err) {
      if (!(err instanceof ClientMetadataFetchError)) throw err;
      this.logger.warn(`${logPrefix()}Client metadata document ${clientId} refused: ${err.message}`);
      if (this.recentFailures.size > 1000) this.recentFailures.clear();
      this.recentFailures.set(clientId, { until: now + CIMD_FAILURE_CACHE_MS, message: err.message });
      throw cimdError(err.message);
    }
  }
}

function cimdError(message: string): AuthorizationPageError {
  return new AuthorizationPageError(`The client's metadata document ${message}`, 400, 'invalid_client');
}

function fromStored(stored: StoredOAuthClient): OAuthClient {
  return {
    clientId: stored.clientId,
    kind: stored.kind,
    clientName: stored.clientName,
    redirectUris: stored.redirectUris,
    authMethod: stored.authMethod,
    secretHash: stored.secretHash,
  };
}

/** An https URL with a path other than `/`, no fragment, no credentials (MCP "Client ID Metadata Documents"). */
export function isMetadataDocumentUrl(clientId: string): boolean {
  if (!/^https:\/\//i.test(clientId)) return false;
  try {
    const url = new URL(clientId);
    return url.pathname !== '/' && !url.hash && !clientId.includes('#') && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** MCP CIMD requirements: the document names itself, has a name and redirect URIs, and is a public client. */
function validateMetadataDocument(body: unknown, url: string): Record<string, unknown> {
  const fail = (what: string) => new ClientMetadataFetchError(what);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('is not a JSON object');
  const doc = body as Record<string, unknown>;
  if (doc.client_id !== url) throw fail('names another client_id than its own URL');
  if (typeof doc.client_name !== 'string' || doc.client_name.trim() === '') throw fail('has no client_name');
  const uris = doc.redirect_uris;
  if (
    !Array.isArray(uris) ||
    uris.length === 0 ||
    uris.some((u) => typeof u !== 'string' || redirectUriProblem(u) !== null)
  ) {
    throw fail('has no valid redirect_uris');
  }
  if ('client_secret' in doc) throw fail('contains a client_secret');
  const method = doc.token_endpoint_auth_method;
  if (method !== undefined && method !== 'none') {
    throw fail(`asks for token_endpoint_auth_method ${JSON.stringify(method)}; only "none" is supported`);
  }
  if (
    doc.grant_types !== undefined &&
    (!Array.isArray(doc.grant_types) || !doc.grant_types.includes('authorization_code'))
  ) {
    throw fail('does not allow the authorization_code grant');
  }
  return { ...doc, client_name: doc.client_name.trim().slice(0, MAX_NAME) };
}

const AUTH_METHODS: readonly string[] = ['none', 'client_secret_basic', 'client_secret_post'];
const GRANT_TYPES: readonly string[] = ['authorization_code', 'refresh_token'];

/**
 * RFC 7591 §2 metadata, checked: redirect URIs required and valid; only the
 * code grant (with refresh) and our auth methods. Fields that would let a
 * client choose its own access (`trust_type`, `actor_id`, `scope` beyond ours)
 * are not kept: access is what the person grants at consent.
 */
function validateRegistration(body: unknown): Record<string, unknown> {
  const bad = (error: 'invalid_redirect_uri' | 'invalid_client_metadata', description: string) =>
    new OAuthError(error, description);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('invalid_client_metadata', 'The body must be a JSON object of client metadata');
  }
  const m = body as Record<string, unknown>;
  const uris = m.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > 20) {
    throw bad('invalid_redirect_uri', 'redirect_uris must list 1 to 20 redirect URIs');
  }
  for (const uri of uris) {
    const problem =
      typeof uri === 'string' && uri.length <= 2000 ? redirectUriProblem(uri) : 'is not a string';
    if (problem)
      throw bad('invalid_redirect_uri', `Redirect URI ${JSON.stringify(uri).slice(0, 200)} ${problem}`);
  }
  const method = m.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !AUTH_METHODS.includes(method)) {
    throw bad(
      'invalid_client_metadata',
      `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`,
    );
  }
  const grantTypes = m.grant_types ?? ['authorization_code'];
  if (
    !Array.isArray(grantTypes) ||
    !grantTypes.includes('authorization_code') ||
    grantTypes.some((g) => !GRANT_TYPES.includes(g as string))
  ) {
    throw bad(
      'invalid_client_metadata',
      'grant_types must include authorization_code and may add refresh_token only',
    );
  }
  const responseTypes = m.response_types ?? ['code'];
  if (!Array.isArray(responseTypes) || responseTypes.some((r) => r !== 'code')) {
    throw bad('invalid_client_metadata', 'response_types may only be ["code"]');
  }
  const name = m.client_name;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
    throw bad('invalid_client_metadata', 'client_name must be a non-empty string');
  }
  const fallbackName = (() => {
    try {
      return new URL(uris[0] as string).host || 'Unnamed client';
    } catch {
      return 'Unnamed client';
    }
  })();
  const kept: Record<string, unknown> = {
    redirect_uris: [...uris],
    token_endpoint_auth_method: method,
    grant_types: [...grantTypes],
    response_types: [...responseTypes],
    client_name: typeof name === 'string' ? name.trim().slice(0, MAX_NAME) : fallbackName,
    scope: 'mcp',
  };
  for (const key of [
    'client_uri',
    'logo_uri',
    'tos_uri',
    'policy_uri',
    'software_id',
    'software_version',
    'application_type',
  ]) {
    if (typeof m[key] === 'string' && (m[key] as string).length <= 2000) kept[key] = m[key];
  }
  return kept;
}

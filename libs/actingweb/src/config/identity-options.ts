import { isIP } from 'node:net';
import {
  resolveIdentityProviders,
  type IdentityProviderOptions,
  type ResolvedIdentityProvider,
} from './identity-provider-options.js';

/**
 * Options of `forRoot({ identity })`: people sign in, and MCP clients connect
 * with standard OAuth 2.1 (see `docs/identity.md`). Off unless given.
 *
 * @publicApi
 */
export interface IdentityOptions {
  /** Turn identity on. Default `true` when the block is given. */
  enabled?: boolean;
  /**
   * Sign in with an actor id (or creator) and the actor's passphrase, so a
   * bare install can connect an AI client with no identity provider. Default `true`.
   */
  passphraseLogin?: boolean;
  /**
   * Identity providers people sign in with: any OpenID Connect provider, and
   * presets for Google and GitHub (`docs/identity.md#provider-sign-in`). Default none.
   */
  providers?: IdentityProviderOptions[];
  /**
   * Create an actor (creator = the verified email) when someone signs in with a
   * provider and has none yet. Default `true`; `false`: only existing actors' owners sign in.
   */
  autoCreateActor?: boolean;
  /** Browser sessions (cookie `aw_session`, rows in the database). */
  session?: {
    /** A session not used for this long ends. Default 28800 (8 hours). */
    idleTimeoutSeconds?: number;
    /** A session ends this long after sign-in, used or not. Default 604800 (7 days). */
    maxAgeSeconds?: number;
  };
  /** The OAuth 2.1 authorization server for MCP clients. */
  mcp?: IdentityMcpOptions;
  /** Attempts per client address (and per account for sign-in) in a sliding window; beyond them 429. */
  rateLimits?: {
    /**
     * Passphrase sign-in attempts per account (an address may make three times
     * as many), and provider sign-ins started per address (three times as many).
     * Default 10 per 300 s.
     */
    login?: RateLimitOptions;
    /** Actors created by a first provider sign-in, per address. Default 10 per 3600 s. */
    signUp?: RateLimitOptions;
    /** Dynamic client registrations (`POST /oauth/register`). Default 20 per 600 s per address. */
    registration?: RateLimitOptions;
  };
}

/** @publicApi */
export interface RateLimitOptions {
  max: number;
  windowSeconds: number;
}

/** @publicApi */
export interface IdentityMcpOptions {
  /**
   * Trust types a person may grant an MCP client at consent (the access
   * level); the first is preselected. Each must be a built-in or configured
   * trust type. Default `['mcp_client']`.
   */
  allowedTrustTypes?: string[];
  /** Access-token lifetime. Default 3600 (1 hour). */
  accessTokenTtlSeconds?: number;
  /** Refresh-token lifetime; every refresh issues a new one. Default 2592000 (30 days). */
  refreshTokenTtlSeconds?: number;
  /**
   * A refresh token already used may be used again for this long (clients
   * that refresh twice at once); after it, its reuse revokes the whole grant. Default 60.
   */
  refreshReuseGraceSeconds?: number;
  /** Clients registered by configuration (e.g. a company's own agent). Default none. */
  clients?: OAuthClientConfig[];
  /** Dynamic client registration (RFC 7591) at `/oauth/register`. Default `true`. */
  dynamicRegistration?: boolean;
  /** Client ID Metadata Documents (an https URL as `client_id`). */
  clientMetadataDocuments?: {
    /** Default `true`. */
    enabled?: boolean;
    /**
     * Extra CA certificates (PEM) trusted when fetching documents, e.g. a
     * private CA of a staging network. The public CAs stay trusted. Default none.
     */
    ca?: string[];
  };
}

/**
 * A client registered by configuration. Public clients (no secret) must use
 * PKCE (every client must); confidential ones also authenticate with the secret.
 *
 * @publicApi
 */
export interface OAuthClientConfig {
  clientId: string;
  /** Shown on the consent page. */
  clientName: string;
  /** Exact redirect URIs (loopback ones match on any port). */
  redirectUris: string[];
  /** Secret of a confidential client (`client_secret_basic` or `client_secret_post`); none → public. */
  clientSecret?: string;
}

/** {@link IdentityOptions} with defaults applied; null in `AwConfig.identity` when identity is off. @publicApi */
export interface ResolvedIdentityOptions {
  /** The authorization server's issuer: the public root without its trailing `/`. */
  readonly issuer: string;
  readonly passphraseLogin: boolean;
  readonly providers: readonly ResolvedIdentityProvider[];
  readonly autoCreateActor: boolean;
  /** Whether cookies are `Secure` with the `__Host-` prefix (https root). */
  readonly secureCookies: boolean;
  readonly session: Readonly<{ idleTimeoutSeconds: number; maxAgeSeconds: number }>;
  readonly mcp: Readonly<{
    allowedTrustTypes: readonly string[];
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    refreshReuseGraceSeconds: number;
    authorizationCodeTtlSeconds: number;
    clients: readonly Readonly<
      Required<Omit<OAuthClientConfig, 'clientSecret'>> & { clientSecret?: string }
    >[];
    dynamicRegistration: boolean;
    clientMetadataDocuments: Readonly<{ enabled: boolean; ca: readonly string[] }>;
  }>;
  readonly rateLimits: Readonly<{
    login: RateLimitOptions;
    registration: RateLimitOptions;
    signUp: RateLimitOptions;
  }>;
}

/** The scope every MCP token carries (`scopes_supported` of the metadata). */
export const MCP_SCOPE = 'mcp';

/**
 * Validates the `identity` block; problems are appended to `problems`.
 * `knownTrustTypes` are the built-in and configured trust type names.
 */
export function resolveIdentityOptions(
  input: IdentityOptions | undefined,
  root: string,
  knownTrustTypes: ReadonlySet<string>,
  problems: string[],
): ResolvedIdentityOptions | null {
  if (input === undefined || input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push('identity must be an object such as {} or { passphraseLogin: true }');
    return null;
  }
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean')
    problems.push('identity.enabled must be true or false');
  if (input.enabled === false) return null;

  const bool = (value: unknown, fallback: boolean, name: string): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') problems.push(`identity.${name} must be true or false`);
    return value === true;
  };
  const seconds = (value: unknown, fallback: number, name: string, min = 1): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || (n as number) < min) {
      problems.push(`identity.${name} must be an integer number of seconds >= ${min}`);
      return fallback;
    }
    return n as number;
  };
  const limit = (value: unknown, fallback: RateLimitOptions, name: string): RateLimitOptions => {
    if (value === undefined) return fallback;
    const v = value as Partial<RateLimitOptions>;
    if (
      typeof v !== 'object' ||
      v === null ||
      !Number.isInteger(v.max) ||
      (v.max as number) < 1 ||
      !Number.isInteger(v.windowSeconds) ||
      (v.windowSeconds as number) < 1
    ) {
      problems.push(`identity.rateLimits.${name} must be { max, windowSeconds } with positive integers`);
      return fallback;
    }
    return { max: v.max as number, windowSeconds: v.windowSeconds as number };
  };

  const session = input.session ?? {};
  const mcp = input.mcp ?? {};
  const allowedTrustTypes = mcp.allowedTrustTypes ?? ['mcp_client'];
  if (
    !Array.isArray(allowedTrustTypes) ||
    allowedTrustTypes.length === 0 ||
    allowedTrustTypes.some((t) => typeof t !== 'string' || !knownTrustTypes.has(t))
  ) {
    problems.push(
      `identity.mcp.allowedTrustTypes must be a non-empty list of known trust types (known: ${[...knownTrustTypes].join(', ')})`,
    );
  }
  const cimd = mcp.clientMetadataDocuments ?? {};
  const ca = cimd.ca ?? [];
  if (!Array.isArray(ca) || ca.some((c) => typeof c !== 'string' || !c.includes('BEGIN CERTIFICATE'))) {
    problems.push('identity.mcp.clientMetadataDocuments.ca must be a list of PEM certificates');
  }
  const rateLimits = input.rateLimits ?? {};

  const resolved: ResolvedIdentityOptions = {
    issuer: root.replace(/\/$/, ''),
    passphraseLogin: bool(input.passphraseLogin, true, 'passphraseLogin'),
    providers: Object.freeze(resolveIdentityProviders(input.providers, problems)),
    autoCreateActor: bool(input.autoCreateActor, true, 'autoCreateActor'),
    secureCookies: root.startsWith('https:'),
    session: Object.freeze({
      idleTimeoutSeconds: seconds(session.idleTimeoutSeconds, 8 * 3600, 'session.idleTimeoutSeconds', 60),
      maxAgeSeconds: seconds(session.maxAgeSeconds, 7 * 24 * 3600, 'session.maxAgeSeconds', 60),
    }),
    mcp: Object.freeze({
      allowedTrustTypes: Object.freeze(Array.isArray(allowedTrustTypes) ? [...allowedTrustTypes] : []),
      accessTokenTtlSeconds: seconds(mcp.accessTokenTtlSeconds, 3600, 'mcp.accessTokenTtlSeconds'),
      refreshTokenTtlSeconds: seconds(
        mcp.refreshTokenTtlSeconds,
        30 * 24 * 3600,
        'mcp.refreshTokenTtlSeconds',
      ),
      refreshReuseGraceSeconds: seconds(mcp.refreshReuseGraceSeconds, 60, 'mcp.refreshReuseGraceSeconds', 0),
      authorizationCodeTtlSeconds: 60,
      clients: Object.freeze(resolveClients(mcp.clients, problems)),
      dynamicRegistration: bool(mcp.dynamicRegistration, true, 'mcp.dynamicRegistration'),
      clientMetadataDocuments: Object.freeze({
        enabled: bool(cimd.enabled, true, 'mcp.clientMetadataDocuments.enabled'),
        ca: Object.freeze(Array.isArray(ca) ? [...ca] : []),
      }),
    }),
    rateLimits: Object.freeze({
      login: limit(rateLimits.login, { max: 10, windowSeconds: 300 }, 'login'),
      registration: limit(rateLimits.registration, { max: 20, windowSeconds: 600 }, 'registration'),
      signUp: limit(rateLimits.signUp, { max: 10, windowSeconds: 3600 }, 'signUp'),
    }),
  };
  return Object.freeze(resolved);
}

function resolveClients(input: unknown, problems: string[]): ResolvedIdentityOptions['mcp']['clients'] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    problems.push('identity.mcp.clients must be a list of { clientId, clientName, redirectUris }');
    return [];
  }
  const seen = new Set<string>();
  const out: Array<ResolvedIdentityOptions['mcp']['clients'][number]> = [];
  input.forEach((entry: unknown, i) => {
    const c = (entry ?? {}) as Partial<OAuthClientConfig>;
    const label = `identity.mcp.clients[${i}]`;
    const before = problems.length;
    if (typeof c.clientId !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(c.clientId)) {
      problems.push(`${label}.clientId must be 1-200 printable ASCII characters`);
    } else if (/^https?:/i.test(c.clientId)) {
      problems.push(`${label}.clientId must not be a URL (URLs are Client ID Metadata Documents)`);
    } else if (seen.has(c.clientId)) {
      problems.push(`${label}.clientId is defined more than once`);
    }
    if (typeof c.clientName !== 'string' || c.clientName.trim() === '')
      problems.push(`${label}.clientName is required`);
    if (
      !Array.isArray(c.redirectUris) ||
      c.redirectUris.length === 0 ||
      c.redirectUris.some((u) => typeof u !== 'string' || redirectUriProblem(u) !== null)
    ) {
      problems.push(`${label}.redirectUris must be https, loopback http or private-use scheme URIs`);
    }
    if (c.clientSecret !== undefined && (typeof c.clientSecret !== 'string' || c.clientSecret.length < 16))
      problems.push(`${label}.clientSecret must be a string of at least 16 characters`);
    if (problems.length > before) return;
    seen.add(c.clientId!);
    out.push(
      Object.freeze({
        clientId: c.clientId!,
        clientName: c.clientName!,
        redirectUris: Object.freeze([...c.redirectUris!]) as string[],
        ...(c.clientSecret !== undefined && { clientSecret: c.clientSecret }),
      }),
    );
  });
  return out;
}

/**
 * Why `uri` cannot be a redirect URI, or null when it can: absolute, no
 * fragment; https, http on a loopback host (RFC 8252 §7.3), or a private-use
 * scheme with a dot (reverse domain name, RFC 8252 §7.1).
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not an absolute URI';
  }
  if (uri.includes('#')) return 'must not have a fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:')
    return isLoopbackHost(url.hostname) ? null : 'must use https (or http on loopback)';
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/i.test(url.protocol)) return null;
  return 'must use https, http on loopback, or a private-use scheme such as com.example.app:';
}

/** `localhost`, `127.0.0.0/8` or `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

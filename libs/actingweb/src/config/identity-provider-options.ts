/**
 * Identity providers people sign in with (`identity.providers`): any OpenID
 * Connect provider by its issuer, and presets for Google and GitHub
 * (`docs/identity.md#provider-sign-in`).
 *
 * @publicApi
 */
export interface IdentityProviderOptions {
  /**
   * Short name, in URLs (`/oauth/login/<id>`) and stored with each identity:
   * lowercase letters, digits, `-` and `_`, at most 32. `google` and `github`
   * imply their preset.
   */
  id: string;
  /**
   * `oidc` (any OpenID Connect provider, found by discovery of `issuer`),
   * `google` or `github` (OAuth 2.0, its `/user` and `/user/emails` APIs).
   * Default: `google` / `github` for those ids, else `oidc`.
   */
  type?: 'oidc' | 'google' | 'github';
  /** On the button: "Continue with <displayName>". Default: `Google`, `GitHub`, else the id. */
  displayName?: string;
  /** The client id registered at the provider. */
  clientId: string;
  /** The client secret; without one the server is a public client (PKCE only). */
  clientSecret?: string;
  /** How the secret is sent to the token endpoint. Default `client_secret_basic` (GitHub: `client_secret_post`). */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** `oidc`: the issuer (discovery at `<issuer>/.well-known/openid-configuration`). Google's is preset. */
  issuer?: string;
  /** Scopes asked for. Default `openid email profile`; GitHub `read:user user:email`. */
  scopes?: string[];
  /** Extra authorization request parameters, e.g. `{ prompt: 'select_account', hd: 'example.com' }`. */
  authorizationParams?: Record<string, string>;
  /**
   * Accept an email the provider has not verified (`email_verified` not true;
   * GitHub: the primary address unverified). Default `false`: such sign-ins are
   * refused, since anyone could claim your address at a lax provider.
   */
  allowUnverifiedEmail?: boolean;
  /** `github` only: the OAuth endpoints and the API (GitHub Enterprise Server). Default github.com. */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  apiUrl?: string;
  /**
   * Allow `http:` URLs for this provider (a test or development identity
   * provider on your own machine). Default `false`: provider URLs must be https.
   * Never in production: tokens and codes would cross the network in clear.
   */
  allowInsecureRequests?: boolean;
}

/** A provider with its defaults applied. */
export interface ResolvedIdentityProvider {
  readonly id: string;
  readonly type: 'oidc' | 'github';
  readonly displayName: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** `oidc`: the issuer to discover. */
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly authorizationParams: Readonly<Record<string, string>>;
  readonly allowUnverifiedEmail: boolean;
  /** `github`: the endpoints. */
  readonly github: Readonly<{ authorizationEndpoint: string; tokenEndpoint: string; apiUrl: string }> | null;
  readonly allowInsecureRequests: boolean;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** Route names under `/oauth/login/` a provider id cannot take. */
const RESERVED_IDS = new Set(['passphrase']);
/** Parameters the sign-in sets itself; `authorizationParams` cannot override them. */
const RESERVED_PARAMS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'response_mode',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'request',
  'request_uri',
]);

const GOOGLE_ISSUER = 'https://accounts.google.com';
const GITHUB = {
  authorizationEndpoint: 'https://github.com/login/oauth/authorize',
  tokenEndpoint: 'https://github.com/login/oauth/access_token',
  apiUrl: 'https://api.github.com',
};

/** Validates `identity.providers`; problems are appended to `problems`. */
export function resolveIdentityProviders(input: unknown, problems: string[]): ResolvedIdentityProvider[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    problems.push('identity.providers must be a list of { id, clientId, ... }');
    return [];
  }
  const seen = new Set<string>();
  const out: ResolvedIdentityProvider[] = [];
  input.forEach((entry: unknown, i) => {
    const p = (entry ?? {}) as Partial<IdentityProviderOptions>;
    const label = `identity.providers[${i}]`;
    const before = problems.length;
    if (typeof p.id !== 'string' || !PROVIDER_ID.test(p.id) || RESERVED_IDS.has(p.id)) {
      problems.push(`${label}.id must be 1-32 of a-z, 0-9, - and _ (and not "passphrase")`);
    } else if (seen.has(p.id)) {
      problems.push(`${label}.id "${p.id}" is used twice`);
    }
    const type = p.type ?? (p.id === 'google' || p.id === 'github' ? p.id : 'oidc');
    if (type !== 'oidc' && type !== 'google' && type !== 'github')
      problems.push(`${label}.type must be oidc, google or github`);
    if (typeof p.clientId !== 'string' || p.clientId === '') problems.push(`${label}.clientId is required`);
    if (p.clientSecret !== undefined && (typeof p.clientSecret !== 'string' || p.clientSecret === ''))
      problems.push(`${label}.clientSecret must be a non-empty string`);
    if (
      p.tokenEndpointAuthMethod !== undefined &&
      p.tokenEndpointAuthMethod !== 'client_secret_basic' &&
      p.tokenEndpointAuthMethod !== 'client_secret_post'
    )
      problems.push(`${label}.tokenEndpointAuthMethod must be client_secret_basic or client_secret_post`);
    const insecure = p.allowInsecureRequests ?? false;
    if (typeof insecure !== 'boolean') problems.push(`${label}.allowInsecureRequests must be true or false`);
    if (p.allowUnverifiedEmail !== undefined && typeof p.allowUnverifiedEmail !== 'boolean')
      problems.push(`${label}.allowUnverifiedEmail must be true or false`);
    const checkUrl = (value: unknown, name: string): string | null => {
      if (typeof value !== 'string' || !urlProblemFree(value, insecure === true)) {
        problems.push(
          `${label}.${name} must be an https URL${insecure === true ? ' (or http)' : ' (http only with allowInsecureRequests)'}`,
        );
        return null;
      }
      return value;
    };

    let issuer: string | null = null;
    let github: ResolvedIdentityProvider['github'] = null;
    if (type === 'github') {
      if (p.issuer !== undefined)
        problems.push(`${label}.issuer is for OpenID Connect providers, not github`);
      github = Object.freeze({
        authorizationEndpoint:
          checkUrl(p.authorizationEndpoint ?? GITHUB.authorizationEndpoint, 'authorizationEndpoint') ?? '',
        tokenEndpoint: checkUrl(p.tokenEndpoint ?? GITHUB.tokenEndpoint, 'tokenEndpoint') ?? '',
        apiUrl: (checkUrl(p.apiUrl ?? GITHUB.apiUrl, 'apiUrl') ?? '').replace(/\/+$/, ''),
      });
    } else {
      for (const name of ['authorizationEndpoint', 'tokenEndpoint', 'apiUrl'] as const) {
        if (p[name] !== undefined)
          problems.push(
            `${label}.${name} is for github; OpenID Connect providers are discovered from issuer`,
          );
      }
      issuer = checkUrl(p.issuer ?? (type === 'google' ? GOOGLE_ISSUER : undefined), 'issuer');
    }

    const scopes =
      p.scopes ?? (type === 'github' ? ['read:user', 'user:email'] : ['openid', 'email', 'profile']);
    if (
      !Array.isArray(scopes) ||
      scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))
    )
      problems.push(`${label}.scopes must be a list of scope names`);
    else if (type !== 'github' && !scopes.includes('openid'))
      problems.push(`${label}.scopes must include openid (an OpenID Connect sign-in)`);
    const params = p.authorizationParams ?? {};
    if (
      typeof params !== 'object' ||
      params === null ||
      Array.isArray(params) ||
      Object.values(params).some((v) => typeof v !== 'string')
    ) {
      problems.push(`${label}.authorizationParams must map parameter names to strings`);
    } else {
      const reserved = Object.keys(params).filter((k) => RESERVED_PARAMS.has(k));
      if (reserved.length > 0)
        problems.push(
          `${label}.authorizationParams cannot set ${reserved.join(', ')} (the sign-in sets them)`,
        );
    }
    if (p.displayName !== undefined && (typeof p.displayName !== 'string' || p.displayName.trim() === ''))
      problems.push(`${label}.displayName must be a non-empty string`);
    if (problems.length > before) return;

    seen.add(p.id!);
    out.push(
      Object.freeze({
        id: p.id!,
        type: type === 'github' ? 'github' : 'oidc',
        displayName: p.displayName ?? (type === 'google' ? 'Google' : type === 'github' ? 'GitHub' : p.id!),
        clientId: p.clientId!,
        clientSecret: p.clientSecret ?? null,
        tokenEndpointAuthMethod:
          p.tokenEndpointAuthMethod ?? (type === 'github' ? 'client_secret_post' : 'client_secret_basic'),
        issuer,
        scopes: Object.freeze([...(scopes as string[])]),
        authorizationParams: Object.freeze({ ...params }),
        allowUnverifiedEmail: p.allowUnverifiedEmail ?? false,
        github,
        allowInsecureRequests: insecure === true,
      }),
    );
  });
  return out;
}

function urlProblemFree(value: string, allowHttp: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  return url.protocol === 'https:' || (allowHttp && url.protocol === 'http:');
}

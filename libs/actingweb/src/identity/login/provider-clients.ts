import { Inject, Injectable } from '@nestjs/common';
import * as oidc from 'openid-client';
import { AwConfig } from '../../config/aw-config.js';
import { gitHubAccount } from './github-account.js';
import type { ResolvedIdentityProvider } from '../../config/identity-provider-options.js';

/** Who the provider says signed in. */
export interface ProviderAccount {
  /** The provider's stable id of the account (`sub`; GitHub: the user id). */
  subject: string;
  /** The account's email as the provider gives it, or null. */
  email: string | null;
  /** The provider vouches for the email (`email_verified: true`; GitHub: the primary address is verified). */
  emailVerified: boolean;
  /** The claims (ID token and UserInfo; GitHub: `sub`, `login`, `name`, `email`, `email_verified`). */
  claims: Record<string, unknown>;
}

/** What the callback checks against what the sign-in started with. */
export interface SignInChecks {
  state: string;
  /** OpenID Connect only. */
  nonce: string | null;
  codeVerifier: string;
}

/** Provider metadata (discovery) is fetched again after this long. */
const METADATA_TTL_MS = 60 * 60 * 1000;
/** Every provider request (discovery, token, UserInfo, JWKS, GitHub API) gives up after this long. */
const PROVIDER_TIMEOUT_SECONDS = 10;

/**
 * The relying-party side of provider sign-in, through `openid-client`: the
 * authorization URL (with `state`, PKCE S256 and, for OpenID Connect,
 * `nonce`), and the callback's code exchange, which checks `state`, `iss`
 * (RFC 9207, when the provider sends it), the ID token (signature by the
 * provider's JWKS, `iss`, `aud`, `exp`, `nonce`) and PKCE.
 *
 * OpenID Connect providers are found by discovery of their issuer (cached
 * for an hour; a failed discovery is retried on the next sign-in). GitHub is
 * plain OAuth 2.0 with its `/user` and `/user/emails` APIs.
 *
 * These calls go to the URLs the operator configured, not to URLs a caller
 * chose, so they do not pass the peers' outgoing-request policy
 * (`docs/security.md`). `http:` URLs are refused unless the provider sets
 * `allowInsecureRequests` (a test or development provider).
 */
@Injectable()
export class ProviderClients {
  private readonly configurations = new Map<
    string,
    { configuration: Promise<oidc.Configuration>; expiresAt: number }
  >();
  /** `<root>oauth/callback`: registered at every provider. */
  readonly redirectUri: string;

  constructor(@Inject(AwConfig) config: AwConfig) {
    this.redirectUri = `${config.root}oauth/callback`;
  }

  /** Where to send the browser to sign in. */
  async authorizationUrl(provider: ResolvedIdentityProvider, checks: SignInChecks): Promise<URL> {
    const configuration = await this.configuration(provider);
    return oidc.buildAuthorizationUrl(configuration, {
      ...provider.authorizationParams,
      redirect_uri: this.redirectUri,
      scope: provider.scopes.join(' '),
      state: checks.state,
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(checks.nonce !== null && { nonce: checks.nonce }),
    });
  }

  /**
   * Redeems the code of the provider's redirect (`callbackUrl`) and tells
   * who signed in. Throws when any check fails or the provider answers badly.
   */
  async account(
    provider: ResolvedIdentityProvider,
    callbackUrl: URL,
    checks: SignInChecks,
  ): Promise<ProviderAccount> {
    const configuration = await this.configuration(provider);
    if (provider.type === 'github') {
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        expectedState: checks.state,
        pkceCodeVerifier: checks.codeVerifier,
      });
      return gitHubAccount(configuration, provider.github!.apiUrl, tokens.access_token);
    }
    const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
      expectedState: checks.state,
      expectedNonce: checks.nonce ?? undefined,
      idTokenExpected: true,
      pkceCodeVerifier: checks.codeVerifier,
    });
    const idToken = tokens.claims();
    if (!idToken) throw new Error('The token response has no ID token');
    let claims: Record<string, unknown> = { ...idToken };
    // Many providers put `email` only in UserInfo (OpenID Connect Core §5.4).
    if (idToken.email === undefined && configuration.serverMetadata().userinfo_endpoint) {
      const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
      claims = { ...userInfo, ...idToken };
      for (const name of ['email', 'email_verified'] as const) claims[name] = userInfo[name];
    }
    const email = typeof claims.email === 'string' ? claims.email : null;
    return {
      subject: idToken.sub,
      email,
      // Some providers send the boolean as a string.
      emailVerified: claims.email_verified === true || claims.email_verified === 'true',
      claims,
    };
  }

  private configuration(provider: ResolvedIdentityProvider): Promise<oidc.Configuration> {
    const cached = this.configurations.get(provider.id);
    if (cached && cached.expiresAt > Date.now()) return cached.configuration;
    const configuration = this.createConfiguration(provider);
    this.configurations.set(provider.id, { configuration, expiresAt: Date.now() + METADATA_TTL_MS });
    configuration.catch(() => {
      // Not cached: the next sign-in tries again.
      if (this.configurations.get(provider.id)?.configuration === configuration)
        this.configurations.delete(provider.id);
    });
    return configuration;
  }

  private async createConfiguration(provider: ResolvedIdentityProvider): Promise<oidc.Configuration> {
    const secret = provider.clientSecret;
    const clientAuth =
      secret === null
        ? oidc.None()
        : provider.tokenEndpointAuthMethod === 'client_secret_post'
          ? oidc.ClientSecretPost(secret)
          : oidc.ClientSecretBasic(secret);
    const execute = provider.allowInsecureRequests ? [oidc.allowInsecureRequests] : [];
    let configuration: oidc.Configuration;
    if (provider.type === 'github') {
      const github = provider.github!;
      configuration = new oidc.Configuration(
        {
          issuer: new URL(github.authorizationEndpoint).origin,
          authorization_endpoint: github.authorizationEndpoint,
          token_endpoint: github.tokenEndpoint,
        },
        provider.clientId,
        undefined,
        clientAuth,
      );
      for (const apply of execute) apply(configuration);
    } else {
      configuration = await oidc.discovery(
        new URL(provider.issuer!),
        provider.clientId,
        undefined,
        clientAuth,
        {
          execute,
          timeout: PROVIDER_TIMEOUT_SECONDS,
        },
      );
    }
    configuration.timeout = PROVIDER_TIMEOUT_SECONDS;
    return configuration;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { secretsEqual } from '../../auth/constant-time.js';
import { logPrefix } from '../../common/request-context.js';
import { OAuthGrantRepository, type GrantRecord } from '../storage/oauth-grant.repository.js';
import {
  ClientRegistry,
  type OAuthClient,
  type PresentedClientCredentials,
} from './client-registry.service.js';
import { McpResources } from './mcp-resources.js';
import { OAuthError } from './oauth-error.js';
import { newOpaqueToken, PKCE_VALUE, s256, TOKEN_PREFIX, tokenDigest } from './opaque-tokens.js';

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

type Form = Readonly<Record<string, string>>;

/**
 * The token endpoint (RFC 6749 §4.1.3, §6) and revocation (RFC 7009).
 *
 * - Codes are single use: a second use revokes the grant and every token
 *   issued from it (RFC 6749 §4.1.2). The code is claimed (compare-and-set)
 *   only after client, redirect URI, PKCE and resource checked out, so a
 *   wrong guess cannot burn the rightful client's code.
 * - Refresh tokens rotate (OAuth 2.1 §4.3.1): each use returns a new one. A
 *   used one may be used again within the grace window (clients refreshing
 *   concurrently); after it, its use revokes the grant (RFC 9700 §4.14.2).
 * - Access tokens are opaque, stored as SHA-256, bound to the grant.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('ActingWebOAuth');
  private readonly resources: McpResources;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ClientRegistry) private readonly clients: ClientRegistry,
    @Inject(OAuthGrantRepository) private readonly grants: OAuthGrantRepository,
  ) {
    this.resources = new McpResources(config.root);
  }

  async exchange(form: Form, presented: PresentedClientCredentials): Promise<TokenResponse> {
    const grantType = form.grant_type;
    if (!grantType) throw new OAuthError('invalid_request', 'grant_type is missing');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw new OAuthError(
        'unsupported_grant_type',
        'Supported grant types: authorization_code, refresh_token',
      );
    }
    const client = await this.clients.authenticate(presented);
    return grantType === 'authorization_code' ? this.redeemCode(form, client) : this.refresh(form, client);
  }

  /**
   * RFC 7009: revokes an access token (that token) or a refresh token (its
   * whole grant). Unknown tokens, and tokens of other clients, change nothing
   * and still answer 200 (§2.2), so the endpoint tells nobody what exists.
   */
  async revoke(form: Form, presented: PresentedClientCredentials): Promise<void> {
    const client = await this.clients.authenticate(presented);
    const token = form.token;
    if (!token) throw new OAuthError('invalid_request', 'token is missing');
    const digest = tokenDigest(token);
    if (token.startsWith(TOKEN_PREFIX.accessToken)) {
      const grant = await this.grants.grantOfAccessToken(digest);
      if (grant?.clientId === client.clientId) await this.grants.deleteAccessToken(digest);
    } else if (token.startsWith(TOKEN_PREFIX.refreshToken)) {
      const record = await this.grants.findRefreshToken(digest);
      if (record?.grant.clientId === client.clientId) {
        await this.grants.deleteGrant(record.grant.id);
        this.logger.log(
          `${logPrefix()}Grant of OAuth client ${client.clientId} on ${record.grant.actorId} revoked by the client`,
        );
      }
    }
  }

  private async redeemCode(form: Form, client: OAuthClient): Promise<TokenResponse> {
    const { code, code_verifier: verifier, redirect_uri: redirectUri } = form;
    if (!code) throw new OAuthError('invalid_request', 'code is missing');
    if (!verifier || !PKCE_VALUE.test(verifier)) {
      throw new OAuthError('invalid_request', 'code_verifier is missing or malformed (RFC 7636 §4.1)');
    }
    const digest = tokenDigest(code);
    const record = await this.grants.findCode(digest);
    if (!record)
      throw new OAuthError('invalid_grant', 'The authorization code is unknown, expired or revoked');
    if (record.grant.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The authorization code was issued to another client');
    }
    if (record.usedAt !== null) return this.codeReplayed(record.grant);
    if (record.expiresAt <= Date.now())
      throw new OAuthError('invalid_grant', 'The authorization code has expired');
    if (redirectUri !== record.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri differs from the one of the authorization request');
    }
    if (!secretsEqual(s256(verifier), record.codeChallenge)) {
      throw new OAuthError(
        'invalid_grant',
        'PKCE verification failed: code_verifier does not match code_challenge',
      );
    }
    this.checkResource(form.resource, record.resource ?? record.grant.resource, record.grant.actorId);
    if (!(await this.grants.claimCode(digest, Date.now()))) return this.codeReplayed(record.grant);
    return this.issue(record.grant);
  }

  private async codeReplayed(grant: GrantRecord): Promise<never> {
    await this.grants.deleteGrant(grant.id);
    this.logger.warn(
      `${logPrefix()}Authorization code of OAuth client ${grant.clientId} on ${grant.actorId} used twice: grant revoked`,
    );
    throw new OAuthError('invalid_grant', 'The authorization code was already used; its grant is revoked');
  }

  private async refresh(form: Form, client: OAuthClient): Promise<TokenResponse> {
    const token = form.refresh_token;
    if (!token) throw new OAuthError('invalid_request', 'refresh_token is missing');
    const digest = tokenDigest(token);
    const record = await this.grants.findRefreshToken(digest);
    if (!record) throw new OAuthError('invalid_grant', 'The refresh token is unknown, expired or revoked');
    if (record.grant.clientId !== client.clientId) {
      throw new OAuthError('invalid_grant', 'The refresh token was issued to another client');
    }
    const now = Date.now();
    if (record.expiresAt <= now) throw new OAuthError('invalid_grant', 'The refresh token has expired');
    this.checkResource(form.resource, record.grant.resource, record.grant.actorId);
    let usedAt = record.usedAt;
    if (usedAt === null && !(await this.grants.claimRefreshToken(digest, now))) usedAt = now; // a concurrent refresh won
    if (usedAt !== null) {
      const graceMs = (this.config.identity?.mcp.refreshReuseGraceSeconds ?? 60) * 1000;
      if (now - usedAt > graceMs) {
        await this.grants.deleteGrant(record.grant.id);
        this.logger.warn(
          `${logPrefix()}Refresh token of OAuth client ${client.clientId} on ${record.grant.actorId} reused after rotation: grant revoked`,
        );
        throw new OAuthError('invalid_grant', 'The refresh token was already used; its grant is revoked');
      }
    }
    return this.issue(record.grant);
  }

  /** RFC 8707 §2.2: a resource on the token request must be within what was authorized. */
  private checkResource(requested: string | undefined, bound: string | null, actorId: string): void {
    if (requested === undefined || requested === '') return;
    const ok = bound !== null ? requested === bound : this.resources.opens(requested, actorId);
    if (!ok) throw new OAuthError('invalid_target', 'resource is not the one this grant was authorized for');
  }

  private async issue(grant: GrantRecord): Promise<TokenResponse> {
    const settings = this.config.identity!.mcp;
    const now = Date.now();
    const accessToken = newOpaqueToken(TOKEN_PREFIX.accessToken);
    const refreshToken = newOpaqueToken(TOKEN_PREFIX.refreshToken);
    try {
      await this.grants.insertTokens(
        grant.id,
        { hash: tokenDigest(accessToken), expiresAt: now + settings.accessTokenTtlSeconds * 1000 },
        { hash: tokenDigest(refreshToken), expiresAt: now + settings.refreshTokenTtlSeconds * 1000 },
      );
    } catch (err) {
      // The grant vanished meanwhile (its trust was deleted): a foreign-key failure, not a server error.
      if (!(await this.grants.grantExists(grant.id))) {
        throw new OAuthError('invalid_grant', 'The grant was revoked');
      }
      throw err;
    }
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: settings.accessTokenTtlSeconds,
      refresh_token: refreshToken,
      scope: grant.scope,
    };
  }
}

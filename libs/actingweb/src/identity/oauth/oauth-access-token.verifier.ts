import { Inject, Injectable } from '@nestjs/common';
import { IssuedAccessTokens, type IssuedTokenBinding } from '../../auth/issued-access-tokens.js';
import { AwConfig } from '../../config/aw-config.js';
import { OAuthGrantRepository } from '../storage/oauth-grant.repository.js';
import { looksLikeOAuthToken, TOKEN_PREFIX, tokenDigest } from './opaque-tokens.js';

/** `last_used_at` of a grant is written at most this often. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Checks access tokens on the MCP hot path: one indexed lookup by SHA-256
 * joining token, grant and trust (no cache, so a revoked token or a deleted
 * trust stops working at once). The token must be unexpired and its grant's
 * actor must be the endpoint's; the caller is the grant's trust, so the
 * trust's permissions filter what the client sees. It fills the front slot
 * of the Bearer and MCP token chains ({@link IssuedAccessTokens}); with
 * identity off it recognizes no token.
 */
@Injectable()
export class OAuthAccessTokenVerifier extends IssuedAccessTokens {
  private readonly enabled: boolean;

  constructor(
    @Inject(AwConfig) config: AwConfig,
    @Inject(OAuthGrantRepository) private readonly grants: OAuthGrantRepository,
  ) {
    super();
    this.enabled = config.identity !== null;
  }

  recognizes(token: string): boolean {
    return this.enabled && looksLikeOAuthToken(token);
  }

  async verify(token: string, actorId: string | undefined): Promise<IssuedTokenBinding | null> {
    if (!token.startsWith(TOKEN_PREFIX.accessToken)) return null; // a refresh token or code is no access token
    const binding = await this.grants.findAccessToken(tokenDigest(token));
    const now = Date.now();
    if (!binding || binding.expiresAt <= now) return null;
    if (actorId !== undefined && binding.actorId !== actorId) return null;
    if (binding.lastUsedAt === null || now - binding.lastUsedAt >= TOUCH_INTERVAL_MS) {
      await this.grants.touchGrant(binding.grantId, now);
    }
    return {
      actorId: binding.actorId,
      caller: {
        kind: 'peer',
        peerId: binding.peerId,
        relationship: binding.relationship,
        approved: binding.approved,
      },
    };
  }
}

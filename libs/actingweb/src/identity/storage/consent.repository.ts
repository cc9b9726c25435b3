import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import { secretDigest } from '../../storage/trust.repository.js';
import { OAuthGrantRepository, type GrantRecord } from './oauth-grant.repository.js';

/** What a consent writes: the client's trust on the actor, a grant, and the authorization code. */
export interface ConsentWrite {
  actorId: string;
  peerId: string;
  relationship: string;
  /** Who consented: the creator or the verified email (the trust's `peer_identifier`). */
  loginName: string;
  clientId: string;
  clientName: string;
  grant: GrantRecord;
  code: {
    codeHash: string;
    redirectUri: string;
    codeChallenge: string;
    resource: string | null;
    expiresAt: number;
  };
}

/**
 * Writes a consent in one transaction: creates the client's trust (approved
 * both ways, `established_via: oauth2_client`, peer type `mcp`, as the Python
 * reference does) or updates the existing one (relationship, client name,
 * last connection), then the grant and its code. The trust row is written
 * here rather than through TrustRepository because it carries the OAuth
 * columns (`oauth_client_id`, `peer_identifier`, `client_name`).
 */
@Injectable()
export class ConsentRepository {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(OAuthGrantRepository) private readonly grants: OAuthGrantRepository,
  ) {}

  /** Returns whether the trust was created (false: an existing one was updated). */
  write(consent: ConsentWrite): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      const now = new Date().toISOString();
      const existing = await tx
        .selectFrom('trusts')
        .select(['peer_id'])
        .where('actor_id', '=', consent.actorId)
        .where('peer_id', '=', consent.peerId)
        .executeTakeFirst();
      if (existing) {
        await tx
          .updateTable('trusts')
          .set({
            relationship: consent.relationship,
            client_name: consent.clientName,
            description: `OAuth2 client: ${consent.clientName}`,
            oauth_client_id: consent.clientId,
            peer_identifier: consent.loginName,
            approved: 1,
            peer_approved: 1,
            last_accessed: now,
            last_connected_via: 'oauth2',
            last_connected_at: now,
          })
          .where('actor_id', '=', consent.actorId)
          .where('peer_id', '=', consent.peerId)
          .execute();
      } else {
        // The secret is never handed out: an OAuth client authenticates with its access tokens.
        const secret = randomBytes(20).toString('hex');
        await tx
          .insertInto('trusts')
          .values({
            actor_id: consent.actorId,
            peer_id: consent.peerId,
            baseuri: '',
            peer_type: 'mcp',
            relationship: consent.relationship,
            secret,
            secret_hash: secretDigest(secret),
            description: `OAuth2 client: ${consent.clientName}`,
            approved: 1,
            peer_approved: 1,
            verified: 1,
            verification_token: null,
            peer_identifier: consent.loginName,
            established_via: 'oauth2_client',
            client_name: consent.clientName,
            oauth_client_id: consent.clientId,
            created_at: now,
            last_accessed: now,
            last_connected_via: 'oauth2',
            last_connected_at: now,
          })
          .execute();
      }
      await this.grants.insertGrant(consent.grant, tx);
      await this.grants.insertCode({ ...consent.code, grantId: consent.grant.id }, tx);
      return !existing;
    });
  }
}

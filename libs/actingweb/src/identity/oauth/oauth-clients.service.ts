import { Inject, Injectable } from '@nestjs/common';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import { ActorRepository } from '../../storage/actor.repository.js';
import { TrustManager } from '../../trust/trust-manager.service.js';
import { OAuthGrantRepository } from '../storage/oauth-grant.repository.js';

/** An OAuth client connected to an actor: its trust and what its grants say. @publicApi */
export interface ConnectedOAuthClient {
  clientId: string;
  clientName: string;
  /** The client's trust on the actor (`oauth2_client:<who>:<client>`). */
  peerId: string;
  /** The access level granted at consent (the trust's relationship). */
  relationship: string;
  /** Who consented: the creator or the verified email that signed in. */
  consentedBy: string | null;
  /** When the trust was created (ISO 8601). */
  connectedAt: string;
  /** Last consent (ISO 8601). */
  lastConsentAt: string | null;
  /** Last time one of its access tokens was used at MCP (ISO 8601, to the minute), or null. */
  lastUsedAt: string | null;
  /** Grants (consents) not revoked; 0 once the client lost access (it must ask again). */
  activeGrants: number;
}

/**
 * The OAuth clients connected to an actor, for the owner's console or the
 * app's own code: list them with their last use, and revoke one (its trust
 * and, with it, every grant and token at once).
 *
 * @publicApi
 */
@Injectable()
export class OAuthClients {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(OAuthGrantRepository) private readonly grants: OAuthGrantRepository,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(TrustManager) private readonly trusts: TrustManager,
  ) {}

  /** The clients connected to `actorId`, in the order they connected. */
  async list(actorId: string): Promise<ConnectedOAuthClient[]> {
    const rows = await this.database.db
      .selectFrom('trusts')
      .select([
        'peer_id',
        'relationship',
        'oauth_client_id',
        'client_name',
        'peer_identifier',
        'created_at',
        'last_connected_at',
      ])
      .where('actor_id', '=', actorId)
      .where('established_via', '=', 'oauth2_client')
      .where('oauth_client_id', 'is not', null)
      .orderBy('created_at')
      .execute();
    const grants = await this.grants.grantsOfActor(actorId);
    return rows.map((row) => {
      const own = grants.filter((g) => g.trustPeerId === row.peer_id);
      const lastUsed = Math.max(0, ...own.map((g) => g.lastUsedAt ?? 0));
      return {
        clientId: row.oauth_client_id!,
        clientName: row.client_name ?? row.oauth_client_id!,
        peerId: row.peer_id,
        relationship: row.relationship,
        consentedBy: row.peer_identifier,
        connectedAt: row.created_at,
        lastConsentAt: row.last_connected_at,
        lastUsedAt: lastUsed > 0 ? new Date(lastUsed).toISOString() : null,
        activeGrants: own.length,
      };
    });
  }

  /**
   * Disconnects a client from an actor: deletes its trust(s) through
   * TrustManager (the `trust_deleted` hook fires), which deletes every grant
   * and token of the client on that actor at once. 404 when it is not connected.
   */
  async revoke(actorId: string, clientId: string): Promise<void> {
    const actor = await this.actors.findById(actorId);
    const connected = actor ? (await this.list(actorId)).filter((c) => c.clientId === clientId) : [];
    if (!actor || connected.length === 0)
      throw new NotFoundError('No such OAuth client on this actor', 'client_not_found');
    const handle = this.handles.create(actor);
    for (const client of connected) await this.trusts.deleteRelationship(handle, client.peerId);
    // Grants of this client whose trust is gone already went with it; none can remain, but be explicit.
    await this.grants.deleteGrantsOfClient(actorId, clientId);
  }
}

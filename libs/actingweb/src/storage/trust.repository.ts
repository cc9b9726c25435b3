import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import { PreparedQuery } from './prepared-query.js';
import type { TrustRow } from './database.types.js';
import { deleteSubscriptions, inTransaction, regroupPeer } from './subscription-groups.js';

/** A trust relationship as this actor stores it (ActingWeb spec, "Relationships and their data"). @publicApi */
export interface TrustRecord {
  actorId: string;
  peerId: string;
  baseuri: string;
  peerType: string;
  relationship: string;
  secret: string;
  description: string;
  approved: boolean;
  peerApproved: boolean;
  verified: boolean;
  verificationToken: string | null;
  establishedVia: string | null;
  createdAt: string;
}

/** Fields of a trust that can change after it is created. */
export interface TrustPatch {
  baseuri?: string;
  description?: string;
  relationship?: string;
  peerType?: string;
  approved?: boolean;
  peerApproved?: boolean;
  verified?: boolean;
}

/** What a Bearer trust secret resolves to. */
export interface TrustCredential {
  peerId: string;
  relationship: string;
  approved: boolean;
}

/** sha256 hex: secrets are looked up by digest so the lookup leaks nothing about the secret. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Trusts table access. */
@Injectable()
export class TrustRepository {
  private readonly bySecret: PreparedQuery<{ peer_id: string; relationship: string; approved: number }>;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    this.bySecret = PreparedQuery.of(
      database,
      (actorId, digest) =>
        database.db
          .selectFrom('trusts')
          .select(['peer_id', 'relationship', 'approved'])
          .where('actor_id', '=', actorId)
          .where('secret_hash', '=', digest),
      2,
      { read: true },
    );
  }

  /** Resolves a Bearer secret presented to `actorId`; null when it opens nothing there. */
  async findCredential(
    actorId: string,
    secret: string,
    db: Executor = this.database.db,
  ): Promise<TrustCredential | null> {
    const rows = await this.bySecret.rows(db, actorId, secretDigest(secret));
    const row = rows[0];
    if (!row || row.peer_id === actorId) return null;
    return { peerId: row.peer_id, relationship: row.relationship, approved: Number(row.approved) === 1 };
  }

  /**
   * The trusts, on any actor, whose secret is `secret` (by digest; at most 2,
   * enough to tell "exactly one" from "ambiguous"). For endpoints where the
   * token alone must pick the actor, e.g. the root `/mcp`.
   */
  async findBySecretAnyActor(
    secret: string,
    db: Executor = this.database.db,
  ): Promise<Array<TrustCredential & { actorId: string }>> {
    const rows = await db
      .selectFrom('trusts')
      .select(['actor_id', 'peer_id', 'relationship', 'approved'])
      .where('secret_hash', '=', secretDigest(secret))
      .limit(2)
      .execute();
    return rows
      .filter((row) => row.peer_id !== row.actor_id)
      .map((row) => ({
        actorId: row.actor_id,
        peerId: row.peer_id,
        relationship: row.relationship,
        approved: row.approved === 1,
      }));
  }

  async get(actorId: string, peerId: string, db: Executor = this.database.db): Promise<TrustRecord | null> {
    const row = await db
      .selectFrom('trusts')
      .selectAll()
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(
    actorId: string,
    filter: { relationship?: string; peerId?: string; peerType?: string } = {},
    db: Executor = this.database.db,
  ): Promise<TrustRecord[]> {
    let query = db.selectFrom('trusts').selectAll().where('actor_id', '=', actorId);
    if (filter.relationship !== undefined) query = query.where('relationship', '=', filter.relationship);
    if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
    if (filter.peerType !== undefined) query = query.where('peer_type', '=', filter.peerType);
    const rows = await query.orderBy('peer_id').execute();
    return rows.map(toRecord);
  }

  async insert(trust: TrustRecord, db: Executor = this.database.db): Promise<void> {
    await db
      .insertInto('trusts')
      .values({
        actor_id: trust.actorId,
        peer_id: trust.peerId,
        baseuri: trust.baseuri,
        peer_type: trust.peerType,
        relationship: trust.relationship,
        secret: trust.secret,
        secret_hash: secretDigest(trust.secret),
        description: trust.description,
        approved: trust.approved ? 1 : 0,
        peer_approved: trust.peerApproved ? 1 : 0,
        verified: trust.verified ? 1 : 0,
        verification_token: trust.verificationToken,
        established_via: trust.establishedVia,
        created_at: trust.createdAt,
      })
      .execute();
  }

  /** How many of the actor's trusts it has not approved yet (pending requests from peers). */
  async countUnapproved(actorId: string, db: Executor = this.database.db): Promise<number> {
    const row = await db
      .selectFrom('trusts')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('actor_id', '=', actorId)
      .where('approved', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Inserts the trust unless it is unapproved and the actor already has
   * `maxUnapproved` unapproved trusts; false when refused. Atomic: concurrent
   * requests (even on several instances) never push the count past the cap.
   */
  insertWithinUnapprovedCap(trust: TrustRecord, maxUnapproved: number): Promise<boolean> {
    if (trust.approved) return this.insert(trust).then(() => true);
    return this.database.transaction(async (tx) => {
      await this.database.lockInTransaction(tx, `unapproved-trusts:${trust.actorId}`);
      if ((await this.countUnapproved(trust.actorId, tx)) >= maxUnapproved) return false;
      await this.insert(trust, tx);
      return true;
    });
  }

  /** Changes the given fields; returns the updated record, or null when there is no such trust. */
  async update(
    actorId: string,
    peerId: string,
    patch: TrustPatch,
    db: Executor = this.database.db,
  ): Promise<TrustRecord | null> {
    const values: Record<string, string | number | null> = {};
    if (patch.baseuri !== undefined) values.baseuri = patch.baseuri;
    if (patch.description !== undefined) values.description = patch.description;
    if (patch.relationship !== undefined) values.relationship = patch.relationship;
    if (patch.peerType !== undefined) values.peer_type = patch.peerType;
    if (patch.approved !== undefined) values.approved = patch.approved ? 1 : 0;
    if (patch.peerApproved !== undefined) values.peer_approved = patch.peerApproved ? 1 : 0;
    if (patch.verified !== undefined) values.verified = patch.verified ? 1 : 0;
    if (Object.keys(values).length === 0) return this.get(actorId, peerId, db);
    const apply = async (executor: Executor) => {
      await executor
        .updateTable('trusts')
        .set(values)
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .execute();
    };
    if (patch.relationship === undefined) await apply(db);
    else
      // The relationship shapes the peer's diffs: its subscriptions move to their new group with it.
      await inTransaction(this.database, db, async (tx) => {
        await apply(tx);
        await regroupPeer(this.database, tx, actorId, peerId);
      });
    return this.get(actorId, peerId, db);
  }

  /**
   * Deletes the trust and everything that hangs on it: subscriptions with that
   * peer (their diffs cascade) and the permission override (cascades).
   */
  async delete(actorId: string, peerId: string): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await deleteSubscriptions(this.database, tx, actorId, peerId);
      const result = await tx
        .deleteFrom('trusts')
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}

function toRecord(row: TrustRow): TrustRecord {
  return {
    actorId: row.actor_id,
    peerId: row.peer_id,
    baseuri: row.baseuri,
    peerType: row.peer_type,
    relationship: row.relationship,
    secret: row.secret,
    description: row.description,
    approved: row.approved === 1,
    peerApproved: row.peer_approved === 1,
    verified: row.verified === 1,
    verificationToken: row.verification_token,
    establishedVia: row.established_via,
    createdAt: row.created_at,
  };
}

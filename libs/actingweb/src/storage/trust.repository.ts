import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import type { TrustRow } from './database.types.js';

/** A trust relationship as this actor stores it (`shared/docs/protocol.md` §8.2). @publicApi */
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
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  /** Resolves a Bearer secret presented to `actorId`; null when it opens nothing there. */
  async findCredential(
    actorId: string,
    secret: string,
    db: Executor = this.database.db,
  ): Promise<TrustCredential | null> {
    const row = await db
      .selectFrom('trusts')
      .select(['peer_id', 'relationship', 'approved'])
      .where('actor_id', '=', actorId)
      .where('secret_hash', '=', secretDigest(secret))
      .executeTakeFirst();
    if (!row || row.peer_id === actorId) return null;
    return { peerId: row.peer_id, relationship: row.relationship, approved: row.approved === 1 };
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

  async delete(actorId: string, peerId: string, db: Executor = this.database.db): Promise<boolean> {
    const result = await db
      .deleteFrom('trusts')
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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

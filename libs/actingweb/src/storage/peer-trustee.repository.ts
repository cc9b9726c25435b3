import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';

/**
 * An actor this actor created at a factory and manages as its trustee
 * (the Python reference's peer trustees): the peer was created with
 * `creator: "trustee"`, so its passphrase is this actor's Basic credential there.
 *
 * @publicApi
 */
export interface PeerTrusteeRecord {
  actorId: string;
  peerId: string;
  /** Root URL of the peer actor. */
  baseuri: string;
  /** The peer's mini-app type URN. */
  peerType: string;
  /** The peer's passphrase (Basic `trustee:<passphrase>` there). */
  passphrase: string;
}

/** `peer_trustees` table access. */
@Injectable()
export class PeerTrusteeRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async get(
    actorId: string,
    peerId: string,
    db: Executor = this.database.db,
  ): Promise<PeerTrusteeRecord | null> {
    const row = await db
      .selectFrom('peer_trustees')
      .selectAll()
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** The actor's peer trustees, optionally of one type, by peer id. */
  async list(
    actorId: string,
    peerType?: string,
    db: Executor = this.database.db,
  ): Promise<PeerTrusteeRecord[]> {
    let query = db.selectFrom('peer_trustees').selectAll().where('actor_id', '=', actorId);
    if (peerType !== undefined) query = query.where('peer_type', '=', peerType);
    const rows = await query.orderBy('peer_id').execute();
    return rows.map(toRecord);
  }

  async insert(record: PeerTrusteeRecord, db: Executor = this.database.db): Promise<void> {
    await db
      .insertInto('peer_trustees')
      .values({
        actor_id: record.actorId,
        peer_id: record.peerId,
        baseuri: record.baseuri,
        peer_type: record.peerType,
        passphrase: record.passphrase,
      })
      .execute();
  }

  async delete(actorId: string, peerId: string, db: Executor = this.database.db): Promise<boolean> {
    const result = await db
      .deleteFrom('peer_trustees')
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toRecord(row: {
  actor_id: string;
  peer_id: string;
  baseuri: string;
  peer_type: string;
  passphrase: string;
}): PeerTrusteeRecord {
  return {
    actorId: row.actor_id,
    peerId: row.peer_id,
    baseuri: row.baseuri,
    peerType: row.peer_type,
    passphrase: row.passphrase,
  };
}

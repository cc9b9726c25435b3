import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import { PreparedQuery } from './prepared-query.js';
import type { ActorRow } from './database.types.js';

/** An actor as stored. @publicApi */
export interface ActorRecord {
  id: string;
  creator: string;
  passphrase: string;
  trusteeRoot: string | null;
  createdAt: string;
}

export type CreateActorResult =
  { created: true; actor: ActorRecord } | { created: false; existing: ActorRecord[] };

/** Actors table access. All state lives in the database; nothing is cached here. */
@Injectable()
export class ActorRepository {
  /** The hottest query of all: every actor route runs it. */
  private readonly byId: PreparedQuery<ActorRow>;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    this.byId = PreparedQuery.of(
      database,
      (id) => database.db.selectFrom('actors').selectAll().where('id', '=', id),
      1,
      { read: true },
    );
  }

  async findById(id: string, db: Executor = this.database.db): Promise<ActorRecord | null> {
    const rows = await this.byId.rows(db, id);
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Actors of one creator, lowest id first (deterministic, as in the Python reference). */
  async findByCreator(creator: string, db: Executor = this.database.db): Promise<ActorRecord[]> {
    const rows = await db
      .selectFrom('actors')
      .selectAll()
      .where('creator', '=', creator)
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }

  async insert(actor: ActorRecord, db: Executor = this.database.db): Promise<void> {
    await db
      .insertInto('actors')
      .values({
        id: actor.id,
        creator: actor.creator,
        passphrase: actor.passphrase,
        trustee_root: actor.trusteeRoot,
        created_at: actor.createdAt,
      })
      .execute();
  }

  /**
   * Inserts the actor unless its creator already has one, atomically: concurrent
   * calls for one creator (even on several instances) create at most one actor.
   */
  createIfCreatorFree(actor: ActorRecord): Promise<CreateActorResult> {
    return this.database.transaction(async (tx) => {
      // Serialises creations per creator name until this transaction ends.
      await this.database.lockInTransaction(tx, `creator:${actor.creator}`);
      const existing = await this.findByCreator(actor.creator, tx);
      if (existing.length > 0) return { created: false, existing };
      await this.insert(actor, tx);
      return { created: true, actor };
    });
  }

  /**
   * Applies `patch`, which renames the creator, unless another actor holds
   * that creator name; false when one does. Serialised with
   * {@link createIfCreatorFree} per name, so neither can slip a second holder in.
   */
  updateIfCreatorFree(
    id: string,
    patch: { creator: string } & Partial<Pick<ActorRecord, 'trusteeRoot'>>,
  ): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await this.database.lockInTransaction(tx, `creator:${patch.creator}`);
      const holders = await this.findByCreator(patch.creator, tx);
      if (holders.some((actor) => actor.id !== id)) return false;
      await this.update(id, patch, tx);
      return true;
    });
  }

  /** Deletes the actor and, by cascade, everything it owns. Returns false if it did not exist. */
  async delete(id: string, db: Executor = this.database.db): Promise<boolean> {
    const result = await db.deleteFrom('actors').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async update(
    id: string,
    patch: Partial<Pick<ActorRecord, 'creator' | 'passphrase' | 'trusteeRoot'>>,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    const values: Record<string, string | null> = {};
    if (patch.creator !== undefined) values.creator = patch.creator;
    if (patch.passphrase !== undefined) values.passphrase = patch.passphrase;
    if (patch.trusteeRoot !== undefined) values.trustee_root = patch.trusteeRoot;
    if (Object.keys(values).length === 0) return (await this.findById(id, db)) !== null;
    const result = await db.updateTable('actors').set(values).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

function toRecord(row: ActorRow): ActorRecord {
  return {
    id: row.id,
    creator: row.creator,
    passphrase: row.passphrase,
    trusteeRoot: row.trustee_root,
    createdAt: row.created_at,
  };
}

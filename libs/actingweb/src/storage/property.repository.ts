import { Inject, Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { AwDatabase } from './database.types.js';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import { PreparedQuery } from './prepared-query.js';

/** A stored property: its top-level name and the JSON text of its value. */
export interface PropertyRow {
  name: string;
  value: string;
}

/** Properties table access. Values are JSON text; callers parse. */
@Injectable()
export class PropertyRepository {
  private readonly byName: PreparedQuery<{ value: string }>;
  private readonly forWrite: PreparedQuery<{ value: string | null; is_list: unknown; watched: unknown }>;
  private readonly watchedOnRead: boolean;
  private readonly upsert: PreparedQuery<unknown>;
  private readonly upsertWatched: PreparedQuery<{ watched: unknown }>;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    this.byName = PreparedQuery.of(
      database,
      (actorId, name) =>
        database.db
          .selectFrom('properties')
          .select('value')
          .where('actor_id', '=', actorId)
          .where('name', '=', name),
      2,
      { read: true },
    );
    // The write path runs these under the per-name lock: compiled once, not per request.
    // On SQLite, transactions run one at a time, so whether anyone subscribes is read here, in
    // the same statement; on PostgreSQL, by the upsert after the write (see putWatched).
    this.watchedOnRead = database.dialect === 'sqlite';
    this.forWrite = PreparedQuery.of(
      database,
      (actorId, name) =>
        database.db.selectNoFrom((eb) => [
          eb
            .selectFrom('properties')
            .select('value')
            .where('actor_id', '=', actorId)
            .where('name', '=', name)
            .as('value'),
          eb
            .exists(
              eb
                .selectFrom('property_lists')
                .select('name')
                .where('actor_id', '=', actorId)
                .where('name', '=', name),
            )
            .as('is_list'),
          this.watchedOnRead
            ? eb.exists(propertySubscriptions(database.db, actorId)).as('watched')
            : sql<null>`null`.as('watched'),
        ]),
      2,
    );
    const upsert = (actorId: string, name: string, value: string, updatedAt: string) =>
      database.db
        .insertInto('properties')
        .values({ actor_id: actorId, name, value, updated_at: updatedAt })
        .onConflict((oc) => oc.columns(['actor_id', 'name']).doUpdateSet({ value, updated_at: updatedAt }));
    this.upsert = PreparedQuery.of(database, upsert, 4);
    // The same upsert, also telling whether anyone subscribes to the actor's properties (a write
    // without subscribers then skips the diff lookup: one statement less under the lock).
    this.upsertWatched = PreparedQuery.of(
      database,
      (actorId, name, value, updatedAt) =>
        upsert(actorId, name, value, updatedAt).returning((eb) =>
          eb.exists(propertySubscriptions(database.db, actorId)).as('watched'),
        ),
      4,
    );
  }

  async get(actorId: string, name: string, db: Executor = this.database.db): Promise<string | null> {
    const rows = await this.byName.rows(db, actorId, name);
    return rows.length > 0 ? rows[0].value : null;
  }

  /** Every property of the actor, in byte order of name. */
  async all(actorId: string, db: Executor = this.database.db): Promise<PropertyRow[]> {
    return db
      .selectFrom('properties')
      .select(['name', 'value'])
      .where('actor_id', '=', actorId)
      .orderBy('name')
      .execute();
  }

  async put(actorId: string, name: string, value: string, db: Executor = this.database.db): Promise<void> {
    await this.upsert.rows(db, actorId, name, value, new Date().toISOString());
  }

  /**
   * Stores the value like {@link put}; true when the actor has subscriptions on
   * `properties`. `watched` is what {@link getForWrite} answered in the same
   * transaction: when it knew (SQLite), the upsert is the plain one, else
   * (PostgreSQL) the upsert reads it after writing, in the same statement.
   */
  async putWatched(
    actorId: string,
    name: string,
    value: string,
    db: Executor,
    watched?: boolean,
  ): Promise<boolean> {
    if (watched !== undefined) {
      await this.put(actorId, name, value, db);
      return watched;
    }
    const [row] = await this.upsertWatched.rows(db, actorId, name, value, new Date().toISOString());
    return Boolean(Number(row?.watched ?? 1));
  }

  async delete(actorId: string, name: string, db: Executor = this.database.db): Promise<boolean> {
    const result = await db
      .deleteFrom('properties')
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteAll(actorId: string, db: Executor = this.database.db): Promise<number> {
    const result = await db.deleteFrom('properties').where('actor_id', '=', actorId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * For a write: the stored value (or null), whether the name is a list and, on
   * SQLite, whether the actor has subscriptions on `properties` (else
   * undefined), in one statement (writes hold the per-name lock, so every
   * round trip counts).
   */
  async getForWrite(
    actorId: string,
    name: string,
    db: Executor,
  ): Promise<{ value: string | null; isList: boolean; watched: boolean | undefined }> {
    const [row] = await this.forWrite.rows(db, actorId, name);
    return {
      value: row?.value ?? null,
      isList: Boolean(Number(row?.is_list ?? 0)),
      watched: this.watchedOnRead ? Boolean(Number(row?.watched ?? 1)) : undefined,
    };
  }

  /** True when the name is taken by a list (lists and properties share one namespace, spec: "/properties, list properties"). */
  async isList(actorId: string, name: string, db: Executor = this.database.db): Promise<boolean> {
    const row = await db
      .selectFrom('property_lists')
      .select('name')
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }
}

/** The actor's subscriptions on `properties`, for an `exists`. */
function propertySubscriptions(db: Kysely<AwDatabase>, actorId: string) {
  return db
    .selectFrom('subscription_groups')
    .select('id')
    .where('actor_id', '=', actorId)
    .where('target', '=', 'properties');
}

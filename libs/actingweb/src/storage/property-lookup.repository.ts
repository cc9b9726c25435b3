import { Inject, Injectable } from '@nestjs/common';
import { sql, type Transaction } from 'kysely';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import type { AwDatabase } from './database.types.js';

/** Outcome of {@link PropertyLookupRepository.index}: stored, or the value already belongs to `holder`. */
export type LookupIndexResult = { stored: true } | { stored: false; holder: string };

/**
 * `property_lookup`: which actor holds a value of an indexed property, one
 * actor per `(name, value)`. Values are the property's string itself (not
 * JSON text). Rows cascade from `actors`.
 */
@Injectable()
export class PropertyLookupRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  /** The actor holding `value` for `name`, or null. */
  async holderOf(name: string, value: string, db: Executor = this.database.db): Promise<string | null> {
    const row = await db
      .selectFrom('property_lookup')
      .select('actor_id')
      .where('name', '=', name)
      .where('value', '=', value)
      .executeTakeFirst();
    return row?.actor_id ?? null;
  }

  /**
   * Makes `value` the actor's entry for `name` (replacing its previous one).
   * When another actor already holds the value, nothing is stored and the
   * holder is returned: the first holder keeps it.
   */
  async index(actorId: string, name: string, value: string, tx: Executor): Promise<LookupIndexResult> {
    await this.unindex(actorId, name, tx);
    const inserted = await tx
      .insertInto('property_lookup')
      .values({ name, value, actor_id: actorId })
      .onConflict((oc) => oc.columns(['name', 'value']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { stored: true };
    const holder = await this.holderOf(name, value, tx);
    // The holder went away between the two statements (SQLite cannot interleave; PostgreSQL can).
    if (holder === null || holder === actorId) return { stored: true };
    return { stored: false, holder };
  }

  /** Removes the actor's entry for `name`, if any. */
  async unindex(actorId: string, name: string, tx: Executor): Promise<void> {
    await tx.deleteFrom('property_lookup').where('actor_id', '=', actorId).where('name', '=', name).execute();
  }

  /** The names the table has been filled for (see migration 0004). */
  async indexedNames(db: Executor = this.database.db): Promise<string[]> {
    const rows = await db.selectFrom('property_lookup_names').select('name').orderBy('name').execute();
    return rows.map((row) => row.name);
  }

  /**
   * Indexes every stored non-empty string value of `name` (lowest actor id
   * first, so among actors sharing a value the lowest id holds it) and records
   * the name as indexed. Returns how many entries were added.
   */
  async fill(name: string, tx: Transaction<AwDatabase>): Promise<number> {
    const [text, isString] =
      this.database.dialect === 'postgres'
        ? [sql<string>`value::jsonb #>> '{}'`, sql<boolean>`jsonb_typeof(value::jsonb) = 'string'`]
        : [sql<string>`json_extract(value, '$')`, sql<boolean>`json_type(value) = 'text'`];
    const result = await tx
      .insertInto('property_lookup')
      .columns(['name', 'value', 'actor_id'])
      .expression(
        tx
          .selectFrom('properties')
          .select(['name', text.as('value'), 'actor_id'])
          .where('name', '=', name)
          .where(isString)
          .where('value', '!=', '""')
          .orderBy('actor_id'),
      )
      .onConflict((oc) => oc.columns(['name', 'value']).doNothing())
      .executeTakeFirst();
    await tx
      .insertInto('property_lookup_names')
      .values({ name, indexed_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /** Drops every entry for `name` and its record as indexed. */
  async drop(name: string, tx: Transaction<AwDatabase>): Promise<void> {
    await tx.deleteFrom('property_lookup').where('name', '=', name).execute();
    await tx.deleteFrom('property_lookup_names').where('name', '=', name).execute();
  }
}

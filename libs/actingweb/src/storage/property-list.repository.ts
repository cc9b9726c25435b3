import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';

/** A list's metadata row. */
export interface PropertyListRow {
  name: string;
  description: string;
  explanation: string;
  createdAt: string;
}

/** One stored item: its ordering key and the JSON text of its value. */
export interface PropertyListItemRow {
  position: string;
  value: string;
}

/** Per-list figures for listings: item count and the bytes of the items' JSON text. */
export interface PropertyListStats {
  count: number;
  totalBytes: number;
}

/**
 * `property_lists` and `property_list_items` access. Items are ordered by
 * `position`, a fractional-index key compared byte-wise (COLLATE "C" on
 * PostgreSQL), so an index is always "ORDER BY position OFFSET i" and inserts
 * or deletes never renumber rows. Values are JSON text; callers parse.
 */
@Injectable()
export class PropertyListRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async get(actorId: string, name: string, db: Executor = this.database.db): Promise<PropertyListRow | null> {
    const row = await db
      .selectFrom('property_lists')
      .select(['name', 'description', 'explanation', 'created_at'])
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toListRow(row) : null;
  }

  async exists(actorId: string, name: string, db: Executor = this.database.db): Promise<boolean> {
    const row = await db
      .selectFrom('property_lists')
      .select('name')
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Every list of the actor, in byte order of name. */
  async all(actorId: string, db: Executor = this.database.db): Promise<PropertyListRow[]> {
    const rows = await db
      .selectFrom('property_lists')
      .select(['name', 'description', 'explanation', 'created_at'])
      .where('actor_id', '=', actorId)
      .orderBy('name')
      .execute();
    return rows.map(toListRow);
  }

  async create(
    actorId: string,
    name: string,
    description: string,
    explanation: string,
    db: Executor = this.database.db,
  ): Promise<void> {
    await db
      .insertInto('property_lists')
      .values({ actor_id: actorId, name, description, explanation, created_at: new Date().toISOString() })
      .execute();
  }

  async updateMetadata(
    actorId: string,
    name: string,
    changes: { description?: string; explanation?: string },
    db: Executor = this.database.db,
  ): Promise<void> {
    if (changes.description === undefined && changes.explanation === undefined) return;
    await db
      .updateTable('property_lists')
      .set(changes)
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .execute();
  }

  /** Deletes the list and its items; false when there was no such list. */
  async delete(actorId: string, name: string, db: Executor = this.database.db): Promise<boolean> {
    await db
      .deleteFrom('property_list_items')
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .execute();
    const result = await db
      .deleteFrom('property_lists')
      .where('actor_id', '=', actorId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes every list of the actor; returns how many lists went. */
  async deleteAll(actorId: string, db: Executor = this.database.db): Promise<number> {
    await db.deleteFrom('property_list_items').where('actor_id', '=', actorId).execute();
    const result = await db.deleteFrom('property_lists').where('actor_id', '=', actorId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes every item of one list, keeping the list; returns how many went. */
  async deleteItems(actorId: string, name: string, db: Executor = this.database.db): Promise<number> {
    const result = await db
      .deleteFrom('property_list_items')
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async count(actorId: string, name: string, db: Executor = this.database.db): Promise<number> {
    const row = await db
      .selectFrom('property_list_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Item count and the last position (null for an empty list), in one query. */
  async tail(
    actorId: string,
    name: string,
    db: Executor = this.database.db,
  ): Promise<{ count: number; last: string | null }> {
    const row = await db
      .selectFrom('property_list_items')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('position').as('last')])
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), last: (row.last as string | null) ?? null };
  }

  /** Item counts and JSON byte sizes of every list of the actor that has items. */
  async stats(actorId: string, db: Executor = this.database.db): Promise<Map<string, PropertyListStats>> {
    const bytes =
      this.database.dialect === 'postgres'
        ? sql<number>`coalesce(sum(octet_length(value)), 0)`
        : sql<number>`coalesce(sum(length(cast(value as blob))), 0)`;
    const rows = await db
      .selectFrom('property_list_items')
      .select((eb) => ['list_name', eb.fn.countAll<number>().as('n'), bytes.as('bytes')])
      .where('actor_id', '=', actorId)
      .groupBy('list_name')
      .execute();
    return new Map(rows.map((r) => [r.list_name, { count: Number(r.n), totalBytes: Number(r.bytes) }]));
  }

  /** Every item of one list, in order. */
  async items(
    actorId: string,
    name: string,
    db: Executor = this.database.db,
  ): Promise<PropertyListItemRow[]> {
    return db
      .selectFrom('property_list_items')
      .select(['position', 'value'])
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .orderBy('position')
      .execute();
  }

  /** Every item of every list of the actor, grouped by list, each list in order. */
  async allItems(
    actorId: string,
    db: Executor = this.database.db,
  ): Promise<Map<string, PropertyListItemRow[]>> {
    const rows = await db
      .selectFrom('property_list_items')
      .select(['list_name', 'position', 'value'])
      .where('actor_id', '=', actorId)
      .orderBy('list_name')
      .orderBy('position')
      .execute();
    const result = new Map<string, PropertyListItemRow[]>();
    for (const row of rows) {
      let items = result.get(row.list_name);
      if (!items) result.set(row.list_name, (items = []));
      items.push({ position: row.position, value: row.value });
    }
    return result;
  }

  /** Up to `limit` items starting at index `offset`, in order. */
  async slice(
    actorId: string,
    name: string,
    offset: number,
    limit: number,
    db: Executor = this.database.db,
  ): Promise<PropertyListItemRow[]> {
    return db
      .selectFrom('property_list_items')
      .select(['position', 'value'])
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .orderBy('position')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  /** The item at index `index`, or undefined past the end. */
  async at(
    actorId: string,
    name: string,
    index: number,
    db: Executor = this.database.db,
  ): Promise<PropertyListItemRow | undefined> {
    const [row] = await this.slice(actorId, name, index, 1, db);
    return row;
  }

  async insert(
    actorId: string,
    name: string,
    position: string,
    value: string,
    db: Executor = this.database.db,
  ): Promise<void> {
    await db
      .insertInto('property_list_items')
      .values({ actor_id: actorId, list_name: name, position, value })
      .execute();
  }

  async update(
    actorId: string,
    name: string,
    position: string,
    value: string,
    db: Executor = this.database.db,
  ): Promise<void> {
    await db
      .updateTable('property_list_items')
      .set({ value })
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .where('position', '=', position)
      .execute();
  }

  async deleteItem(
    actorId: string,
    name: string,
    position: string,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('property_list_items')
      .where('actor_id', '=', actorId)
      .where('list_name', '=', name)
      .where('position', '=', position)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toListRow(row: {
  name: string;
  description: string;
  explanation: string;
  created_at: string;
}): PropertyListRow {
  return {
    name: row.name,
    description: row.description,
    explanation: row.explanation,
    createdAt: row.created_at,
  };
}

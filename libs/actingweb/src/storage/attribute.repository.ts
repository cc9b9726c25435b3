import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';

/** One attribute as read back. @publicApi */
export interface Attribute {
  name: string;
  data: unknown;
  updatedAt: string;
  /** Epoch ms after which it reads as absent; null = never. */
  expiresAt: number | null;
}

/**
 * Per-actor key/value store in named buckets, for internal state of features
 * (callback state, peer caches, ...) and for applications. Values are JSON.
 * Expired entries read as absent and are swept by {@link deleteExpired}.
 * Writes are atomic per entry; {@link compareAndSwap} gives one winner among
 * concurrent writers.
 *
 * @publicApi
 */
@Injectable()
export class AttributeRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async get(
    actorId: string,
    bucket: string,
    name: string,
    db: Executor = this.database.db,
  ): Promise<Attribute | null> {
    const row = await db
      .selectFrom('attributes')
      .select(['name', 'data', 'updated_at', 'expires_at'])
      .where('actor_id', '=', actorId)
      .where('bucket', '=', bucket)
      .where('name', '=', name)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', Date.now())]))
      .executeTakeFirst();
    return row ? toAttribute(row) : null;
  }

  /** Every live entry of a bucket, by name. */
  async getBucket(actorId: string, bucket: string, db: Executor = this.database.db): Promise<Attribute[]> {
    const rows = await db
      .selectFrom('attributes')
      .select(['name', 'data', 'updated_at', 'expires_at'])
      .where('actor_id', '=', actorId)
      .where('bucket', '=', bucket)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', Date.now())]))
      .orderBy('name')
      .execute();
    return rows.map(toAttribute);
  }

  /** Creates or replaces an entry; `ttlMs` makes it expire. */
  async set(
    actorId: string,
    bucket: string,
    name: string,
    data: unknown,
    ttlMs?: number,
    db: Executor = this.database.db,
  ): Promise<void> {
    const now = new Date();
    const json = JSON.stringify(data ?? null);
    const expiresAt = ttlMs === undefined ? null : now.getTime() + ttlMs;
    await db
      .insertInto('attributes')
      .values({
        actor_id: actorId,
        bucket,
        name,
        data: json,
        updated_at: now.toISOString(),
        expires_at: expiresAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['actor_id', 'bucket', 'name'])
          .doUpdateSet({ data: json, updated_at: now.toISOString(), expires_at: expiresAt }),
      )
      .execute();
  }

  /**
   * Replaces the entry only if its current value equals `expected` (JSON
   * equality of the stored text; `undefined` = "must not exist"). Exactly one
   * of several concurrent callers with the same `expected` wins.
   */
  async compareAndSwap(
    actorId: string,
    bucket: string,
    name: string,
    expected: unknown,
    data: unknown,
    ttlMs?: number,
  ): Promise<boolean> {
    return this.database.transaction(async (tx) => {
      await this.database.lockInTransaction(tx, `${actorId}/attributes/${bucket}/${name}`);
      const current = await this.get(actorId, bucket, name, tx);
      if (
        expected === undefined
          ? current !== null
          : current === null || JSON.stringify(current.data) !== JSON.stringify(expected)
      ) {
        return false;
      }
      await this.set(actorId, bucket, name, data, ttlMs, tx);
      return true;
    });
  }

  async delete(
    actorId: string,
    bucket: string,
    name: string,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('attributes')
      .where('actor_id', '=', actorId)
      .where('bucket', '=', bucket)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteBucket(actorId: string, bucket: string, db: Executor = this.database.db): Promise<number> {
    const result = await db
      .deleteFrom('attributes')
      .where('actor_id', '=', actorId)
      .where('bucket', '=', bucket)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Every live entry of every bucket of the actor, by bucket then name. */
  async getAll(
    actorId: string,
    db: Executor = this.database.db,
  ): Promise<Array<Attribute & { bucket: string }>> {
    const rows = await db
      .selectFrom('attributes')
      .select(['bucket', 'name', 'data', 'updated_at', 'expires_at'])
      .where('actor_id', '=', actorId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', Date.now())]))
      .orderBy('bucket')
      .orderBy('name')
      .execute();
    return rows.map((row) => ({ bucket: row.bucket, ...toAttribute(row) }));
  }

  /** Deletes every bucket of the actor; returns how many entries. */
  async deleteAll(actorId: string, db: Executor = this.database.db): Promise<number> {
    const result = await db.deleteFrom('attributes').where('actor_id', '=', actorId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes expired entries of every actor; returns how many. */
  async deleteExpired(now = Date.now(), db: Executor = this.database.db): Promise<number> {
    const result = await db.deleteFrom('attributes').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toAttribute(row: {
  name: string;
  data: string;
  updated_at: string;
  expires_at: number | null;
}): Attribute {
  return {
    name: row.name,
    data: JSON.parse(row.data),
    updatedAt: row.updated_at,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Permissions } from '../common/permissions.types.js';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import { PreparedQuery } from './prepared-query.js';
import type { AwDatabase, SubscriptionsTable } from './database.types.js';

/** How a subscriber wants to hear about changes (`shared/docs/protocol.md` §7.1). @publicApi */
export type Granularity = 'high' | 'low' | 'none';

/**
 * One subscription as this actor stores it. `outbound`: this actor subscribed
 * to the peer (it receives callbacks; `sequence` is the last one it processed).
 * Inbound: the peer subscribed to this actor (`sequence` is the last one
 * allocated to a diff).
 *
 * @publicApi
 */
export interface SubscriptionRecord {
  actorId: string;
  peerId: string;
  subscriptionId: string;
  outbound: boolean;
  target: string;
  /** '' when none. */
  subtarget: string;
  /** '' when none. */
  resource: string;
  granularity: Granularity;
  sequence: number;
  acceptEncoding: string[] | null;
  createdAt: string;
}

/** One stored diff of an inbound subscription. @publicApi */
export interface DiffRecord {
  sequence: number;
  /** ISO-8601 UTC. */
  timestamp: string;
  data: unknown;
}

/** An inbound subscription with what delivering to it needs: the trust and its permission override. */
export interface InboundWithTrust extends SubscriptionRecord {
  relationship: string;
  baseuri: string;
  secret: string;
  /** The trust's stored permission override (categories only), or null. */
  override: Permissions | null;
}

/** A diff row to insert. */
export interface NewDiff {
  peerId: string;
  subscriptionId: string;
  sequence: number;
  timestamp: string;
  /** JSON text. */
  data: string;
}

/** Filters of a subscription listing; omitted fields match everything. */
export interface SubscriptionFilter {
  outbound?: boolean;
  peerId?: string;
  target?: string;
  subtarget?: string;
  resource?: string;
}

/** Address of one stored diff. */
export interface DiffKey {
  actorId: string;
  peerId: string;
  subscriptionId: string;
  sequence: number;
}

/** Rows per multi-row statement (keeps under every driver's parameter limit). */
const CHUNK = 400;

/**
 * `subscriptions`, `subscription_diffs` and `subscription_suspensions`.
 * Sequence numbers are allocated in SQL (`sequence = sequence + n ... RETURNING`),
 * so concurrent writers, also on several instances, never share or skip one.
 */
@Injectable()
export class SubscriptionRepository {
  /** Run on every property write (inside its transaction), so compiled once. */
  private readonly inboundOnTarget;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    this.inboundOnTarget = PreparedQuery.of(
      database,
      (actorId, target) =>
        database.db
          .selectFrom('subscriptions as s')
          .innerJoin('trusts as t', (join) =>
            join.onRef('t.actor_id', '=', 's.actor_id').onRef('t.peer_id', '=', 's.peer_id'),
          )
          .leftJoin('trust_permissions as p', (join) =>
            join.onRef('p.actor_id', '=', 's.actor_id').onRef('p.peer_id', '=', 's.peer_id'),
          )
          .selectAll('s')
          .select(['t.relationship', 't.baseuri', 't.secret', 'p.permissions as override'])
          .where('s.actor_id', '=', actorId)
          .where('s.outbound', '=', 0)
          .where('s.target', '=', target)
          .orderBy('s.peer_id')
          .orderBy('s.subscription_id'),
      2,
    );
  }

  async insert(record: SubscriptionRecord, db: Executor = this.database.db): Promise<void> {
    await db
      .insertInto('subscriptions')
      .values({
        actor_id: record.actorId,
        peer_id: record.peerId,
        subscription_id: record.subscriptionId,
        outbound: record.outbound ? 1 : 0,
        target: record.target,
        subtarget: record.subtarget,
        resource: record.resource,
        granularity: record.granularity,
        sequence: record.sequence,
        accept_encoding: record.acceptEncoding ? JSON.stringify(record.acceptEncoding) : null,
        created_at: record.createdAt,
      })
      .execute();
  }

  /** One subscription; `outbound` narrows to one direction. */
  async get(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    outbound?: boolean,
    db: Executor = this.database.db,
  ): Promise<SubscriptionRecord | null> {
    let query = db
      .selectFrom('subscriptions')
      .selectAll()
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId);
    if (outbound !== undefined) query = query.where('outbound', '=', outbound ? 1 : 0);
    const row = await query.executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(
    actorId: string,
    filter: SubscriptionFilter = {},
    db: Executor = this.database.db,
  ): Promise<SubscriptionRecord[]> {
    let query = db.selectFrom('subscriptions').selectAll().where('actor_id', '=', actorId);
    if (filter.outbound !== undefined) query = query.where('outbound', '=', filter.outbound ? 1 : 0);
    if (filter.peerId !== undefined) query = query.where('peer_id', '=', filter.peerId);
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    if (filter.subtarget !== undefined) query = query.where('subtarget', '=', filter.subtarget);
    if (filter.resource !== undefined) query = query.where('resource', '=', filter.resource);
    const rows = await query.orderBy('created_at').orderBy('peer_id').orderBy('subscription_id').execute();
    return rows.map(toRecord);
  }

  /** Deletes one subscription (its diffs cascade); returns what was deleted, or null. */
  async delete(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.database.transaction(async (tx) => {
      const record = await this.get(actorId, peerId, subscriptionId, undefined, tx);
      if (!record) return null;
      await tx
        .deleteFrom('subscriptions')
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .where('subscription_id', '=', subscriptionId)
        .execute();
      return record;
    });
  }

  /**
   * The inbound subscriptions on `target`, each with its trust (for callbacks)
   * and permission override (for filtering), in one query. Subscriptions whose
   * trust is gone are left out.
   */
  async inboundWithTrust(actorId: string, target: string, db: Executor): Promise<InboundWithTrust[]> {
    const rows = await this.inboundOnTarget.rows(db, actorId, target);
    return rows.map((row) => ({
      ...toRecord(row),
      relationship: row.relationship,
      baseuri: row.baseuri,
      secret: row.secret,
      override: parseOverride(row.override),
    }));
  }

  /**
   * Allocates `count` sequence numbers to each inbound subscription, atomically
   * in SQL; returns the last number allocated per subscription id. The caller's
   * transaction holds the rows until it commits, so numbers are contiguous per
   * subscription and become visible in order.
   */
  async allocateSequences(
    tx: Transaction<AwDatabase>,
    actorId: string,
    counts: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>> {
    const byCount = new Map<number, string[]>();
    for (const [id, count] of counts) {
      if (count > 0) byCount.set(count, [...(byCount.get(count) ?? []), id]);
    }
    const result = new Map<string, number>();
    for (const [count, ids] of byCount) {
      for (const chunk of chunks(ids.sort())) {
        const rows = await tx
          .updateTable('subscriptions')
          .set((eb) => ({ sequence: eb('sequence', '+', count) }))
          .where('actor_id', '=', actorId)
          .where('outbound', '=', 0)
          .where('subscription_id', 'in', chunk)
          .returning(['subscription_id', 'sequence'])
          .execute();
        for (const row of rows) result.set(row.subscription_id, Number(row.sequence));
      }
    }
    return result;
  }

  /** Allocates one sequence number to one inbound subscription; null when it does not exist. */
  async allocateOne(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    db: Executor = this.database.db,
  ): Promise<number | null> {
    const row = await db
      .updateTable('subscriptions')
      .set((eb) => ({ sequence: eb('sequence', '+', 1) }))
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .where('outbound', '=', 0)
      .returning('sequence')
      .executeTakeFirst();
    return row ? Number(row.sequence) : null;
  }

  async insertDiffs(
    actorId: string,
    diffs: readonly NewDiff[],
    db: Executor = this.database.db,
  ): Promise<void> {
    for (const chunk of chunks(diffs)) {
      await db
        .insertInto('subscription_diffs')
        .values(
          chunk.map((d) => ({
            actor_id: actorId,
            peer_id: d.peerId,
            subscription_id: d.subscriptionId,
            sequence: d.sequence,
            timestamp: d.timestamp,
            data: d.data,
          })),
        )
        .execute();
    }
  }

  /** Pending diffs of one subscription, oldest first. */
  async diffs(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    db: Executor = this.database.db,
  ): Promise<DiffRecord[]> {
    const rows = await db
      .selectFrom('subscription_diffs')
      .select(['sequence', 'timestamp', 'data'])
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .orderBy('sequence')
      .execute();
    return rows.map(toDiff);
  }

  async diff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
    db: Executor = this.database.db,
  ): Promise<DiffRecord | null> {
    const row = await db
      .selectFrom('subscription_diffs')
      .select(['sequence', 'timestamp', 'data'])
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .where('sequence', '=', sequence)
      .executeTakeFirst();
    return row ? toDiff(row) : null;
  }

  /** Removes every diff with sequence ≤ `upTo`; returns how many. */
  async clearDiffs(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    upTo: number,
    db: Executor = this.database.db,
  ): Promise<number> {
    const result = await db
      .deleteFrom('subscription_diffs')
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .where('sequence', '<=', upTo)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteDiff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('subscription_diffs')
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .where('sequence', '=', sequence)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Deletes many single diffs (those acknowledged by callbacks) in few
   * statements; a row-value `IN (VALUES ...)` keeps every lookup on the primary key.
   */
  async deleteDiffs(keys: readonly DiffKey[], db: Executor = this.database.db): Promise<void> {
    for (const chunk of chunks(keys)) {
      const rows = chunk.map(
        (k) => sql`(${k.actorId}, ${k.peerId}, ${k.subscriptionId}, cast(${k.sequence} as integer))`,
      );
      await sql`delete from subscription_diffs
        where (actor_id, peer_id, subscription_id, sequence) in (values ${sql.join(rows)})`.execute(db);
    }
  }

  /**
   * Subscriber side: records that `next` was processed, only if the last
   * processed sequence is still `expected` (one winner among concurrent
   * receivers, also across instances).
   */
  async advanceProcessed(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    expected: number,
    next: number,
  ): Promise<boolean> {
    const result = await this.database.db
      .updateTable('subscriptions')
      .set({ sequence: next })
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .where('subscription_id', '=', subscriptionId)
      .where('outbound', '=', 1)
      .where('sequence', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Subtargets of `target` whose diffs are suspended ('' = the whole target). */
  async suspendedSubtargets(
    actorId: string,
    target: string,
    db: Executor = this.database.db,
  ): Promise<string[]> {
    const rows = await db
      .selectFrom('subscription_suspensions')
      .select('subtarget')
      .where('actor_id', '=', actorId)
      .where('target', '=', target)
      .execute();
    return rows.map((r) => r.subtarget);
  }

  /** True when newly suspended. */
  async suspend(actorId: string, target: string, subtarget: string): Promise<boolean> {
    const result = await this.database.db
      .insertInto('subscription_suspensions')
      .values({ actor_id: actorId, target, subtarget, suspended_at: new Date().toISOString() })
      .onConflict((oc) => oc.columns(['actor_id', 'target', 'subtarget']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** True when it was suspended. */
  async resume(actorId: string, target: string, subtarget: string): Promise<boolean> {
    const result = await this.database.db
      .deleteFrom('subscription_suspensions')
      .where('actor_id', '=', actorId)
      .where('target', '=', target)
      .where('subtarget', '=', subtarget)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function toRecord(row: Selectable<SubscriptionsTable>): SubscriptionRecord {
  return {
    actorId: row.actor_id,
    peerId: row.peer_id,
    subscriptionId: row.subscription_id,
    outbound: row.outbound === 1,
    target: row.target,
    subtarget: row.subtarget,
    resource: row.resource,
    granularity: row.granularity as Granularity,
    sequence: Number(row.sequence),
    acceptEncoding: row.accept_encoding ? (JSON.parse(row.accept_encoding) as string[]) : null,
    createdAt: row.created_at,
  };
}

function toDiff(row: { sequence: number; timestamp: string; data: string }): DiffRecord {
  return { sequence: Number(row.sequence), timestamp: row.timestamp, data: JSON.parse(row.data) };
}

function parseOverride(raw: string | null): Permissions | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Permissions)
      : null;
  } catch {
    return null;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Selectable, Transaction } from 'kysely';
import type { Permissions } from '../common/permissions.types.js';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import type { AwDatabase, SubscriptionsTable } from './database.types.js';
import { PreparedQuery } from './prepared-query.js';
import {
  SubscriptionChangeLog,
  type CallbackMember,
  type NewChange,
  type SubscriptionGroup,
} from './subscription-changes.js';
import { SubscriptionDiffs, type DiffKey, type DiffRecord } from './subscription-diffs.js';
import {
  deleteSubscriptions,
  inTransaction,
  parseOverride,
  placeNew,
  skipSequence,
} from './subscription-groups.js';

export type { CallbackMember, NewChange, SubscriptionGroup } from './subscription-changes.js';
export type { DiffKey, DiffRecord } from './subscription-diffs.js';

/** How a subscriber wants to hear about changes (ActingWeb spec, "Establishing a Subscription"). @publicApi */
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

/** An inbound subscription with what delivering to it needs: the trust and its permission override. */
export interface InboundWithTrust extends SubscriptionRecord {
  relationship: string;
  baseuri: string;
  secret: string;
  /** The trust's stored permission override (categories only), or null. */
  override: Permissions | null;
}

/** Filters of a subscription listing; omitted fields match everything. */
export interface SubscriptionFilter {
  outbound?: boolean;
  peerId?: string;
  target?: string;
  subtarget?: string;
  resource?: string;
}

/** Largest sequence number storage holds (a 32-bit integer column). */
const MAX_SEQUENCE = 2 ** 31 - 1;

/**
 * Subscriptions in both directions, their diffs and suspensions. Inbound
 * subscriptions with the same scope and permissions form a group, and a write
 * stores one change per group (subscription-diff-log.ts); each subscription
 * numbers its group's changes itself (subscription-groups.ts). Sequence
 * numbers are allocated in SQL under the actor's subscription lock, so
 * concurrent writers, also on several instances, never share or skip one.
 */
@Injectable()
export class SubscriptionRepository {
  private readonly changes: SubscriptionChangeLog;
  private readonly log: SubscriptionDiffs;
  /** Run on every property write with subscribers, so compiled once. */
  private readonly suspensions;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    this.changes = new SubscriptionChangeLog(database);
    this.log = new SubscriptionDiffs(database);
    this.suspensions = PreparedQuery.of(
      database,
      (actorId, target) =>
        database.db
          .selectFrom('subscription_suspensions')
          .select('subtarget')
          .where('actor_id', '=', actorId)
          .where('target', '=', target),
      2,
    );
  }

  /** Stores a subscription; an inbound one joins its group and sees the changes from now on. */
  async insert(record: SubscriptionRecord, db: Executor = this.database.db): Promise<void> {
    await inTransaction(this.database, db, async (tx) => {
      const placement = record.outbound
        ? {}
        : await placeNew(this.database, tx, record.actorId, record.peerId, record, record.sequence);
      await tx
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
          ...placement,
        })
        .execute();
    });
  }

  /** One subscription; `outbound` narrows to one direction. */
  async get(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    outbound?: boolean,
    db: Executor = this.database.db,
  ): Promise<SubscriptionRecord | null> {
    let query = this.select(db)
      .where('s.actor_id', '=', actorId)
      .where('s.peer_id', '=', peerId)
      .where('s.subscription_id', '=', subscriptionId);
    if (outbound !== undefined) query = query.where('s.outbound', '=', outbound ? 1 : 0);
    const row = await query.executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(
    actorId: string,
    filter: SubscriptionFilter = {},
    db: Executor = this.database.db,
  ): Promise<SubscriptionRecord[]> {
    let query = this.select(db).where('s.actor_id', '=', actorId);
    if (filter.outbound !== undefined) query = query.where('s.outbound', '=', filter.outbound ? 1 : 0);
    if (filter.peerId !== undefined) query = query.where('s.peer_id', '=', filter.peerId);
    if (filter.target !== undefined) query = query.where('s.target', '=', filter.target);
    if (filter.subtarget !== undefined) query = query.where('s.subtarget', '=', filter.subtarget);
    if (filter.resource !== undefined) query = query.where('s.resource', '=', filter.resource);
    const rows = await query
      .orderBy('s.created_at')
      .orderBy('s.peer_id')
      .orderBy('s.subscription_id')
      .execute();
    return rows.map(toRecord);
  }

  /** Deletes one subscription (its diffs go with it); returns what was deleted, or null. */
  async delete(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.database.transaction(async (tx) => {
      const record = await this.get(actorId, peerId, subscriptionId, undefined, tx);
      if (!record) return null;
      await deleteSubscriptions(this.database, tx, actorId, peerId, subscriptionId);
      return record;
    });
  }

  /**
   * The inbound subscriptions on `target`, each with its trust (for callbacks)
   * and permission override, in one query. Subscriptions whose trust is gone
   * are left out.
   */
  async inboundWithTrust(actorId: string, target: string, db: Executor): Promise<InboundWithTrust[]> {
    const rows = await this.select(db)
      .innerJoin('trusts as t', (join) =>
        join.onRef('t.actor_id', '=', 's.actor_id').onRef('t.peer_id', '=', 's.peer_id'),
      )
      .leftJoin('trust_permissions as p', (join) =>
        join.onRef('p.actor_id', '=', 's.actor_id').onRef('p.peer_id', '=', 's.peer_id'),
      )
      .select(['t.relationship', 't.baseuri', 't.secret', 'p.permissions as override'])
      .where('s.actor_id', '=', actorId)
      .where('s.outbound', '=', 0)
      .where('s.target', '=', target)
      .orderBy('s.peer_id')
      .orderBy('s.subscription_id')
      .execute();
    return rows.map((row) => ({
      ...toRecord(row),
      relationship: row.relationship,
      baseuri: row.baseuri,
      secret: row.secret,
      override: parseOverride(row.override),
    }));
  }

  /**
   * The groups of the actor's inbound subscriptions on `target`, for a write
   * in `tx`; takes the actor's subscription lock when there are any.
   * `subscribed`: the write already saw subscriptions on `target` in `tx`.
   */
  groupsForWrite(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    subscribed = false,
  ): Promise<SubscriptionGroup[]> {
    return this.changes.groupsForWrite(tx, actorId, target, subscribed);
  }

  /** Stores one change per entry; returns each one's group sequence (0: group gone). */
  appendChanges(
    tx: Transaction<AwDatabase>,
    changes: readonly NewChange[],
    timestamp: string,
  ): Promise<number[]> {
    return this.changes.append(tx, changes, timestamp);
  }

  /** Members of the groups that get callbacks (granularity high or low), with their trust. */
  callbackMembers(db: Executor, groupIds: readonly number[]): Promise<CallbackMember[]> {
    return this.changes.callbackMembers(db, groupIds);
  }

  /** Allocates one sequence number, without a diff, to one inbound subscription; null when it does not exist. */
  allocateOne(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    db: Executor = this.database.db,
  ): Promise<number | null> {
    return inTransaction(this.database, db, (tx) =>
      skipSequence(this.database, tx, actorId, peerId, subscriptionId),
    );
  }

  /** Pending diffs of one subscription, oldest first. */
  diffs(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    db: Executor = this.database.db,
  ): Promise<DiffRecord[]> {
    return this.log.pending(db, actorId, peerId, subscriptionId);
  }

  async diff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
    db: Executor = this.database.db,
  ): Promise<DiffRecord | null> {
    if (!(sequence >= 1 && sequence <= MAX_SEQUENCE)) return null;
    const [diff] = await this.log.pending(db, actorId, peerId, subscriptionId, sequence);
    return diff ?? null;
  }

  /** Clears every diff with sequence ≤ `upTo`; returns how many. */
  clearDiffs(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    upTo: number,
    db: Executor = this.database.db,
  ): Promise<number> {
    return this.log.clear(actorId, peerId, subscriptionId, upTo, db);
  }

  /** Clears one diff; false when it was not pending. */
  async deleteDiff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    return inTransaction(this.database, db, async (tx) => {
      if (!(await this.diff(actorId, peerId, subscriptionId, sequence, tx))) return false;
      await this.log.acknowledge([{ actorId, peerId, subscriptionId, sequence }], tx);
      return true;
    });
  }

  /** Clears many single diffs (those acknowledged by callbacks) in few statements. */
  deleteDiffs(keys: readonly DiffKey[], db: Executor = this.database.db): Promise<void> {
    return this.log.acknowledge(keys, db);
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
    const rows = await this.suspensions.rows(db, actorId, target);
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
  async resume(
    actorId: string,
    target: string,
    subtarget: string,
    db: Executor = this.database.db,
  ): Promise<boolean> {
    const result = await db
      .deleteFrom('subscription_suspensions')
      .where('actor_id', '=', actorId)
      .where('target', '=', target)
      .where('subtarget', '=', subtarget)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Subscriptions with the group's sequence, from which an inbound one's current sequence follows. */
  private select(db: Executor) {
    return db
      .selectFrom('subscriptions as s')
      .leftJoin('subscription_groups as g', 'g.id', 's.group_id')
      .selectAll('s')
      .select('g.sequence as group_sequence');
  }
}

type SubscriptionRow = Selectable<SubscriptionsTable> & { group_sequence: number | null };

function toRecord(row: SubscriptionRow): SubscriptionRecord {
  const grouped = row.outbound === 0 && row.group_sequence !== null;
  return {
    actorId: row.actor_id,
    peerId: row.peer_id,
    subscriptionId: row.subscription_id,
    outbound: row.outbound === 1,
    target: row.target,
    subtarget: row.subtarget,
    resource: row.resource,
    granularity: row.granularity as Granularity,
    sequence: grouped ? Number(row.group_sequence) - Number(row.group_offset) : Number(row.sequence),
    acceptEncoding: row.accept_encoding ? (JSON.parse(row.accept_encoding) as string[]) : null,
    createdAt: row.created_at,
  };
}

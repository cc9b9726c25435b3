import { sql, type Transaction } from 'kysely';
import type { Permissions } from '../common/permissions.types.js';
import type { ActingWebDatabase, Executor } from './actingweb-database.js';
import type { AwDatabase } from './database.types.js';
import { PreparedQuery } from './prepared-query.js';
import { chunks, lockSubscriptions, parseOverride } from './subscription-groups.js';

/*
 * The write side of subscription diffs: a write appends one change per
 * affected group (`subscription_changes`), under the actor's subscription
 * lock, in the write's transaction. Everything a write runs is compiled once
 * (PreparedQuery): it is on the path of every property write.
 */

type Tx = Transaction<AwDatabase>;

/** Inbound subscriptions that get identical diffs: same scope, same permissions. */
export interface SubscriptionGroup {
  id: number;
  actorId: string;
  target: string;
  /** '' when none. */
  subtarget: string;
  /** '' when none. */
  resource: string;
  /** The members' trust relationship. */
  relationship: string;
  /** Their trust's stored permission override (categories only), or null. */
  override: Permissions | null;
  /** Some member gets callbacks (granularity high or low). */
  callbacks: boolean;
  /** Diffs of some subtarget of the target (or all of it) are suspended. */
  suspensions: boolean;
}

/** A group member that gets callbacks, with what sending them needs. */
export interface CallbackMember {
  groupId: number;
  /** Group sequence − this = the member's own sequence. */
  groupOffset: number;
  /** Its own sequences up to this one are cleared (or were before it joined). */
  cleared: number;
  peerId: string;
  subscriptionId: string;
  target: string;
  subtarget: string;
  resource: string;
  granularity: 'high' | 'low';
  acceptEncoding: string[] | null;
  createdAt: string;
  baseuri: string;
  secret: string;
}

/** A change to append to a group: the diff as JSON text. */
export interface NewChange {
  groupId: number;
  data: string;
}

export class SubscriptionChangeLog {
  private readonly groupsOnTarget;
  /** PostgreSQL: allocate the next group sequence and store the change in one statement. */
  private readonly appendOnePg;
  /** SQLite (in process, no round trips): allocate, then store. */
  private readonly nextSequence;
  private readonly insertOne;

  constructor(private readonly database: ActingWebDatabase) {
    const db = database.db;
    this.groupsOnTarget = PreparedQuery.of(
      database,
      (actorId, target) =>
        db
          .selectFrom('subscription_groups as g')
          .select([
            'g.id',
            'g.actor_id',
            'g.target',
            'g.subtarget',
            'g.resource',
            'g.relationship',
            'g.override',
          ])
          .select((eb) =>
            eb
              .exists(
                eb
                  .selectFrom('subscriptions as m')
                  .select('m.subscription_id')
                  .whereRef('m.group_id', '=', 'g.id')
                  .where('m.granularity', 'in', ['high', 'low']),
              )
              .as('callbacks'),
          )
          .select((eb) =>
            eb
              .exists(
                eb
                  .selectFrom('subscription_suspensions as u')
                  .select('u.subtarget')
                  .whereRef('u.actor_id', '=', 'g.actor_id')
                  .whereRef('u.target', '=', 'g.target'),
              )
              .as('suspensions'),
          )
          .where('g.actor_id', '=', actorId)
          .where('g.target', '=', target)
          .orderBy('g.id'),
      2,
    );
    this.appendOnePg = PreparedQuery.of<{ sequence: number }>(
      database,
      (groupId, timestamp, data) => ({
        compile: () =>
          sql<{ sequence: number }>`with g as (
              update subscription_groups set sequence = sequence + 1 where id = ${groupId} returning id, sequence)
            insert into subscription_changes (group_id, sequence, timestamp, data)
            select id, sequence, cast(${timestamp} as text), cast(${data} as text) from g
            returning sequence`.compile(db),
      }),
      3,
    );
    this.nextSequence = PreparedQuery.of(
      database,
      (groupId) =>
        db
          .updateTable('subscription_groups')
          .set((eb) => ({ sequence: eb('sequence', '+', 1) }))
          .where('id', '=', groupId as unknown as number)
          .returning('sequence'),
      1,
    );
    this.insertOne = PreparedQuery.of(
      database,
      (groupId, sequence, timestamp, data) =>
        db.insertInto('subscription_changes').values({
          group_id: groupId as unknown as number,
          sequence: sequence as unknown as number,
          timestamp,
          data,
        }),
      4,
    );
  }

  /**
   * The groups of the actor's inbound subscriptions on `target`. When there
   * are any, the actor's subscription lock is taken (and the groups read again
   * under it), so the changes appended in `tx` follow any membership change.
   * `subscribed` (the write saw subscriptions already): the lock is taken
   * first and the groups read once, under it.
   */
  async groupsForWrite(
    tx: Tx,
    actorId: string,
    target: string,
    subscribed = false,
  ): Promise<SubscriptionGroup[]> {
    if (subscribed) await lockSubscriptions(this.database, tx, actorId);
    let rows = await this.groupsOnTarget.rows(tx, actorId, target);
    if (rows.length === 0) return [];
    if (!subscribed) {
      await lockSubscriptions(this.database, tx, actorId);
      if (this.database.dialect === 'postgres') rows = await this.groupsOnTarget.rows(tx, actorId, target);
    }
    return rows.map((row) => ({
      id: Number(row.id),
      actorId: row.actor_id,
      target: row.target,
      subtarget: row.subtarget,
      resource: row.resource,
      relationship: row.relationship,
      override: parseOverride(row.override),
      callbacks: Number(row.callbacks) === 1,
      suspensions: Number(row.suspensions) === 1,
    }));
  }

  /**
   * Appends changes (in order; several to one group get consecutive numbers)
   * under the lock taken by {@link groupsForWrite}. Returns each change's group
   * sequence, 0 where its group is gone.
   */
  async append(tx: Tx, changes: readonly NewChange[], timestamp: string): Promise<number[]> {
    if (new Set(changes.map((c) => c.groupId)).size !== changes.length)
      return this.appendMany(tx, changes, timestamp);
    const sequences: number[] = [];
    for (const c of changes) {
      if (this.database.dialect === 'postgres') {
        const [row] = await this.appendOnePg.rows(tx, c.groupId, timestamp, c.data);
        sequences.push(row ? Number(row.sequence) : 0);
        continue;
      }
      const [row] = await this.nextSequence.rows(tx, c.groupId);
      if (row) await this.insertOne.rows(tx, c.groupId, row.sequence, timestamp, c.data);
      sequences.push(row ? Number(row.sequence) : 0);
    }
    return sequences;
  }

  /** The members of `groupIds` with granularity high or low and a trust, oldest first. */
  async callbackMembers(db: Executor, groupIds: readonly number[]): Promise<CallbackMember[]> {
    const out: CallbackMember[] = [];
    for (const chunk of chunks(groupIds)) {
      const rows = await db
        .selectFrom('subscriptions as s')
        .innerJoin('trusts as t', (join) =>
          join.onRef('t.actor_id', '=', 's.actor_id').onRef('t.peer_id', '=', 's.peer_id'),
        )
        .select([
          's.group_id',
          's.group_offset',
          's.cleared',
          's.peer_id',
          's.subscription_id',
          's.target',
          's.subtarget',
          's.resource',
          's.granularity',
          's.accept_encoding',
          's.created_at',
          't.baseuri',
          't.secret',
        ])
        .where('s.group_id', 'in', chunk)
        .where('s.granularity', 'in', ['high', 'low'])
        .orderBy('s.created_at')
        .orderBy('s.peer_id')
        .orderBy('s.subscription_id')
        .execute();
      for (const row of rows)
        out.push({
          groupId: Number(row.group_id),
          groupOffset: Number(row.group_offset),
          cleared: Number(row.cleared),
          peerId: row.peer_id,
          subscriptionId: row.subscription_id,
          target: row.target,
          subtarget: row.subtarget,
          resource: row.resource,
          granularity: row.granularity as 'high' | 'low',
          acceptEncoding: row.accept_encoding ? (JSON.parse(row.accept_encoding) as string[]) : null,
          createdAt: row.created_at,
          baseuri: row.baseuri,
          secret: row.secret,
        });
    }
    return out;
  }

  /** Several changes to one group in one write (a bulk write shaped into several diffs). */
  private async appendMany(tx: Tx, changes: readonly NewChange[], timestamp: string): Promise<number[]> {
    const counts = new Map<number, number>();
    for (const c of changes) counts.set(c.groupId, (counts.get(c.groupId) ?? 0) + 1);
    const next = new Map<number, number>();
    for (const [id, count] of [...counts].sort((a, b) => a[0] - b[0])) {
      const row = await tx
        .updateTable('subscription_groups')
        .set((eb) => ({ sequence: eb('sequence', '+', count) }))
        .where('id', '=', id)
        .returning('sequence')
        .executeTakeFirst();
      if (row) next.set(id, Number(row.sequence) - count + 1);
    }
    const sequences = changes.map((c) => {
      const sequence = next.get(c.groupId);
      if (sequence === undefined) return 0;
      next.set(c.groupId, sequence + 1);
      return sequence;
    });
    const rows = changes
      .map((c, i) => ({ group_id: c.groupId, sequence: sequences[i], timestamp, data: c.data }))
      .filter((row) => row.sequence > 0);
    for (const chunk of chunks(rows)) await tx.insertInto('subscription_changes').values(chunk).execute();
    return sequences;
  }
}

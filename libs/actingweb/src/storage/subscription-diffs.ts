import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Permissions } from '../common/permissions.types.js';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import type { AwDatabase } from './database.types.js';
import { PreparedQuery } from './prepared-query.js';
import { collect, inTransaction, lockSubscriptions } from './subscription-groups.js';

/*
 * The diffs of inbound subscriptions: one change per group and write
 * (`subscription_changes`), read by each member with its own numbering, plus
 * the few diffs kept per subscription (`subscription_diffs`). A member's
 * change is pending while its own sequence is above its `cleared` mark and
 * not acknowledged one at a time (`subscription_acks`).
 */

type Tx = Transaction<AwDatabase>;

/** One stored diff of an inbound subscription. @publicApi */
export interface DiffRecord {
  sequence: number;
  /** ISO-8601 UTC. */
  timestamp: string;
  data: unknown;
}

/** Address of one stored diff. */
export interface DiffKey {
  actorId: string;
  peerId: string;
  subscriptionId: string;
  sequence: number;
}

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
}

/** A group member that gets callbacks, with what sending them needs. */
export interface CallbackMember {
  groupId: number;
  /** Group sequence − this = the member's own sequence. */
  groupOffset: number;
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

/** Rows per multi-row statement (keeps under every driver's parameter limit). */
const CHUNK = 400;

export class SubscriptionDiffLog {
  /** Run on every property write, so compiled once. */
  private readonly groupsOnTarget;

  constructor(private readonly database: ActingWebDatabase) {
    this.groupsOnTarget = PreparedQuery.of(
      database,
      (actorId, target) =>
        database.db
          .selectFrom('subscription_groups')
          .select(['id', 'actor_id', 'target', 'subtarget', 'resource', 'relationship', 'override'])
          .where('actor_id', '=', actorId)
          .where('target', '=', target)
          .orderBy('id'),
      2,
    );
  }

  /**
   * The groups of the actor's inbound subscriptions on `target`. When there
   * are any, the actor's subscription lock is taken (and the groups read again
   * under it), so the changes appended in `tx` follow any membership change.
   */
  async groupsForWrite(tx: Tx, actorId: string, target: string): Promise<SubscriptionGroup[]> {
    let rows = await this.groupsOnTarget.rows(tx, actorId, target);
    if (rows.length === 0) return [];
    await lockSubscriptions(this.database, tx, actorId);
    if (this.database.dialect === 'postgres') rows = await this.groupsOnTarget.rows(tx, actorId, target);
    return rows.map((row) => ({
      id: Number(row.id),
      actorId: row.actor_id,
      target: row.target,
      subtarget: row.subtarget,
      resource: row.resource,
      relationship: row.relationship,
      override: parseOverride(row.override),
    }));
  }

  /**
   * Appends changes (in order; several to one group get consecutive numbers)
   * under the lock taken by {@link groupsForWrite}. Returns each change's group
   * sequence, 0 where its group is gone.
   */
  async append(tx: Tx, changes: readonly NewChange[], timestamp: string): Promise<number[]> {
    const counts = new Map<number, number>();
    for (const c of changes) counts.set(c.groupId, (counts.get(c.groupId) ?? 0) + 1);
    const byCount = new Map<number, number[]>();
    for (const [id, count] of counts) byCount.set(count, [...(byCount.get(count) ?? []), id]);
    const next = new Map<number, number>();
    for (const [count, ids] of byCount) {
      for (const chunk of chunks(ids.sort((a, b) => a - b))) {
        const rows = await tx
          .updateTable('subscription_groups')
          .set((eb) => ({ sequence: eb('sequence', '+', count) }))
          .where('id', 'in', chunk)
          .returning(['id', 'sequence'])
          .execute();
        for (const row of rows) next.set(Number(row.id), Number(row.sequence) - count + 1);
      }
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

  /** Pending diffs of one subscription, oldest first (or only `sequence`). */
  async pending(
    db: Executor,
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence?: number,
  ): Promise<DiffRecord[]> {
    const { rows } = await sql<{ sequence: number; timestamp: string; data: string }>`
      ${pendingOf(actorId, peerId, subscriptionId, sequence)} order by 1`.execute(db);
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      timestamp: row.timestamp,
      data: JSON.parse(row.data),
    }));
  }

  /** Clears every pending diff with sequence ≤ `upTo` (§7.7); returns how many. */
  clear(actorId: string, peerId: string, subscriptionId: string, upTo: number, db: Executor): Promise<number> {
    return inTransaction(this.database, db, async (tx) => {
      const [sub] = await this.marks(tx, [{ actorId, peerId, subscriptionId }]);
      if (!sub) return 0;
      const limit = Math.min(upTo, sub.current);
      const { rows } = await sql<{ n: number }>`select count(*) as n
        from (${pendingOf(actorId, peerId, subscriptionId)}) d where d.sequence <= ${limit}`.execute(tx);
      await tx
        .deleteFrom('subscription_diffs')
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .where('subscription_id', '=', subscriptionId)
        .where('sequence', '<=', limit)
        .execute();
      await this.advance(tx, [{ ...sub, from: Math.max(sub.cleared, limit), acked: [] }]);
      return Number(rows[0]?.n ?? 0);
    });
  }

  /**
   * Clears single diffs (acknowledged callbacks, `DELETE .../<seq>`), batched:
   * a subscription's `cleared` mark moves over every acknowledged sequence
   * that follows it; the others are remembered in `subscription_acks`.
   */
  async acknowledge(keys: readonly DiffKey[], db: Executor = this.database.db): Promise<void> {
    const bySubscription = new Map<string, { key: SubscriptionKey; sequences: number[] }>();
    for (const k of keys) {
      const id = `${k.actorId}\u0000${k.peerId}\u0000${k.subscriptionId}`;
      let entry = bySubscription.get(id);
      if (!entry) bySubscription.set(id, (entry = { key: k, sequences: [] }));
      entry.sequences.push(k.sequence);
    }
    for (const chunk of chunks([...bySubscription.values()])) {
      await inTransaction(this.database, db, async (tx) => {
        const marks = await this.marks(
          tx,
          chunk.map((c) => c.key),
        );
        const sequences = new Map(chunk.map((c) => [keyOf(c.key), c.sequences]));
        const own: DiffKey[] = [];
        const moves: Advance[] = [];
        for (const mark of marks) {
          const acked = sequences.get(keyOf(mark)) ?? [];
          for (const sequence of acked)
            if (sequence <= mark.cleared) own.push({ ...mark, sequence });
          moves.push({ ...mark, from: mark.cleared, acked: acked.filter((s) => s > mark.cleared) });
        }
        for (const part of chunks(own)) {
          const rows = part.map(
            (k) => sql`(${k.actorId}, ${k.peerId}, ${k.subscriptionId}, cast(${k.sequence} as integer))`,
          );
          await sql`delete from subscription_diffs
            where (actor_id, peer_id, subscription_id, sequence) in (values ${sql.join(rows)})`.execute(tx);
        }
        await this.advance(tx, moves);
      });
    }
  }

  /**
   * Moves each subscription's `cleared` mark to `from`, then over every
   * following acknowledged sequence (new or remembered); remembers the rest.
   * Collects the groups whose marks moved.
   */
  private async advance(tx: Tx, moves: readonly Advance[]): Promise<void> {
    const grouped = moves.filter((m) => m.groupId !== null && (m.acked.length > 0 || m.from > m.cleared));
    if (grouped.length === 0) return;
    const remembered = new Map<string, Set<number>>();
    for (const row of await this.acksOf(tx, grouped)) {
      const id = keyOf(row);
      remembered.set(id, (remembered.get(id) ?? new Set()).add(row.sequence));
    }
    const updates: Array<Mark & { cleared: number }> = [];
    const newAcks: DiffKey[] = [];
    const dropAcks: Array<SubscriptionKey & { upTo: number }> = [];
    for (const move of grouped) {
      const known = remembered.get(keyOf(move)) ?? new Set<number>();
      const open = new Set([...known, ...move.acked.filter((s) => s <= move.current)]);
      let cleared = move.from;
      while (open.has(cleared + 1)) cleared++;
      if (cleared !== move.cleared) updates.push({ ...move, cleared });
      for (const sequence of open)
        if (sequence > cleared && !known.has(sequence)) newAcks.push({ ...move, sequence });
      if ([...known].some((s) => s <= cleared)) dropAcks.push({ ...move, upTo: cleared });
    }
    for (const part of chunks(updates)) {
      const values = part.map(
        (u) => sql`(${u.actorId}, ${u.peerId}, ${u.subscriptionId}, cast(${u.cleared} as integer))`,
      );
      await sql`with v(a, p, s, c) as (values ${sql.join(values)})
        update subscriptions set cleared = v.c from v
         where subscriptions.actor_id = v.a and subscriptions.peer_id = v.p
           and subscriptions.subscription_id = v.s`.execute(tx);
    }
    for (const part of chunks(newAcks))
      await tx
        .insertInto('subscription_acks')
        .values(
          part.map((k) => ({
            actor_id: k.actorId,
            peer_id: k.peerId,
            subscription_id: k.subscriptionId,
            sequence: k.sequence,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    for (const drop of dropAcks)
      await tx
        .deleteFrom('subscription_acks')
        .where('actor_id', '=', drop.actorId)
        .where('peer_id', '=', drop.peerId)
        .where('subscription_id', '=', drop.subscriptionId)
        .where('sequence', '<=', drop.upTo)
        .execute();
    for (const id of new Set(updates.map((u) => u.groupId!))) await collect(tx, id);
  }

  /** Each inbound subscription's numbering (locked for this transaction on PostgreSQL). */
  private async marks(tx: Tx, keys: readonly SubscriptionKey[]): Promise<Mark[]> {
    const tuples = keys.map((k) => sql`(${k.actorId}, ${k.peerId}, ${k.subscriptionId})`);
    const { rows } = await sql<{
      actor_id: string;
      peer_id: string;
      subscription_id: string;
      group_id: number | null;
      cleared: number;
      current: number;
    }>`select s.actor_id, s.peer_id, s.subscription_id, s.group_id, s.cleared,
              coalesce(g.sequence - s.group_offset, s.sequence) as current
         from subscriptions s left join subscription_groups g on g.id = s.group_id
        where s.outbound = 0 and (s.actor_id, s.peer_id, s.subscription_id) in (values ${sql.join(tuples)})
        ${this.forUpdate()}`.execute(tx);
    return rows.map((row) => ({
      actorId: row.actor_id,
      peerId: row.peer_id,
      subscriptionId: row.subscription_id,
      groupId: row.group_id === null ? null : Number(row.group_id),
      cleared: Number(row.cleared),
      current: Number(row.current),
    }));
  }

  private async acksOf(tx: Tx, keys: readonly SubscriptionKey[]): Promise<DiffKey[]> {
    const tuples = keys.map((k) => sql`(${k.actorId}, ${k.peerId}, ${k.subscriptionId})`);
    const { rows } = await sql<{ actor_id: string; peer_id: string; subscription_id: string; sequence: number }>`
      select actor_id, peer_id, subscription_id, sequence from subscription_acks
       where (actor_id, peer_id, subscription_id) in (values ${sql.join(tuples)})`.execute(tx);
    return rows.map((row) => ({
      actorId: row.actor_id,
      peerId: row.peer_id,
      subscriptionId: row.subscription_id,
      sequence: Number(row.sequence),
    }));
  }

  private forUpdate(): RawBuilder<unknown> {
    return this.database.dialect === 'postgres' ? sql`for update of s` : sql``;
  }
}

interface SubscriptionKey {
  actorId: string;
  peerId: string;
  subscriptionId: string;
}

interface Mark extends SubscriptionKey {
  groupId: number | null;
  cleared: number;
  /** The subscription's current (last allocated) sequence. */
  current: number;
}

interface Advance extends Mark {
  /** Where the mark moves to before absorbing acknowledgements (≥ cleared). */
  from: number;
  /** Newly acknowledged sequences above `cleared`. */
  acked: number[];
}

/**
 * The pending diffs of one subscription (or only `sequence`), unordered:
 * its own, and its group's changes above its `cleared` mark that it has not
 * acknowledged, in its numbering.
 */
function pendingOf(actorId: string, peerId: string, subscriptionId: string, sequence?: number) {
  const own = sequence === undefined ? sql`` : sql`and sequence = ${sequence}`;
  const grouped = sequence === undefined ? sql`` : sql`and c.sequence = s.group_offset + ${sequence}`;
  return sql`select sequence, timestamp, data from subscription_diffs
     where actor_id = ${actorId} and peer_id = ${peerId} and subscription_id = ${subscriptionId} ${own}
    union all
    select c.sequence - s.group_offset, c.timestamp, c.data
      from subscriptions s join subscription_changes c on c.group_id = s.group_id
     where s.actor_id = ${actorId} and s.peer_id = ${peerId} and s.subscription_id = ${subscriptionId}
       and s.outbound = 0 and c.sequence > s.group_offset + s.cleared ${grouped}
       and not exists (select 1 from subscription_acks k
                        where k.actor_id = s.actor_id and k.peer_id = s.peer_id
                          and k.subscription_id = s.subscription_id
                          and k.sequence = c.sequence - s.group_offset)`;
}

function keyOf(k: SubscriptionKey): string {
  return `${k.actorId}\u0000${k.peerId}\u0000${k.subscriptionId}`;
}

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function parseOverride(raw: string | null): Permissions | null {
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

import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { ActingWebDatabase, Executor } from './actingweb-database.js';
import type { AwDatabase } from './database.types.js';
import { chunks, collect, inTransaction } from './subscription-groups.js';
import { valuesList } from './values-list.js';

/*
 * Reading and clearing the diffs of inbound subscriptions: their group's
 * changes (`subscription_changes`) in each member's own numbering, plus the
 * few diffs kept per subscription (`subscription_diffs`). A group change is
 * pending for a member while its own sequence is above the member's `cleared`
 * mark and not acknowledged one at a time (`subscription_acks`).
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

export class SubscriptionDiffs {
  constructor(private readonly database: ActingWebDatabase) {}

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

  /**
   * Clears every pending diff with sequence ≤ `upTo` (ActingWeb spec, "Getting
   * Subscription Updates"); returns how many.
   */
  clear(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    upTo: number,
    db: Executor,
  ): Promise<number> {
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
      const moved = await this.advance(tx, [{ ...sub, from: Math.max(sub.cleared, limit), acked: [] }]);
      for (const id of moved) await collect(tx, id);
      return Number(rows[0]?.n ?? 0);
    });
  }

  /**
   * Clears single diffs (acknowledged callbacks, `DELETE .../<seq>`), batched:
   * a subscription's `cleared` mark moves over every acknowledged sequence
   * that follows it; the others are remembered in `subscription_acks`.
   * Changes every member of a group has cleared are then deleted.
   */
  async acknowledge(keys: readonly DiffKey[], db: Executor = this.database.db): Promise<void> {
    const bySubscription = new Map<string, { key: SubscriptionKey; sequences: number[] }>();
    for (const k of keys) {
      const id = keyOf(k);
      let entry = bySubscription.get(id);
      if (!entry) bySubscription.set(id, (entry = { key: k, sequences: [] }));
      entry.sequences.push(k.sequence);
    }
    const moved = new Set<number>();
    for (const chunk of chunks([...bySubscription.values()])) {
      await inTransaction(this.database, db, async (tx) => {
        const marks = await this.marks(
          tx,
          chunk.map((c) => c.key),
        );
        const own: DiffKey[] = [];
        const moves: Advance[] = [];
        for (const mark of marks) {
          let acked = bySubscription.get(keyOf(mark))?.sequences ?? [];
          if (acked.some((s) => s <= mark.cleared)) {
            for (const sequence of acked) if (sequence <= mark.cleared) own.push({ ...mark, sequence });
            acked = acked.filter((s) => s > mark.cleared);
          }
          moves.push({ ...mark, from: mark.cleared, acked });
        }
        for (const part of chunks(own))
          await this.run(
            tx,
            `delete from subscription_diffs where (actor_id, peer_id, subscription_id, sequence) in
              (values ${valuesList(this.database.dialect, KEY_AND_NUMBER, part.length)})`,
            keyParameters(part, (k) => k.sequence),
          );
        for (const id of await this.advance(tx, moves)) moved.add(id);
      });
    }
    // Once for the whole batch: a group's floor is the minimum over all its members.
    for (const id of moved) await collect(db, id);
  }

  /**
   * Moves each subscription's `cleared` mark to `from`, then over every
   * following acknowledged sequence (new or remembered); remembers the rest.
   * Returns the groups where some member's mark moved.
   */
  private async advance(tx: Tx, moves: readonly Advance[]): Promise<Set<number>> {
    const grouped = moves.filter((m) => m.groupId !== null && (m.acked.length > 0 || m.from > m.cleared));
    if (grouped.length === 0) return new Set();
    const remembered = new Map<string, Set<number>>();
    const withAcks = grouped.filter((m) => m.hasAcks);
    for (const row of withAcks.length > 0 ? await this.acksOf(tx, withAcks) : []) {
      const id = keyOf(row);
      remembered.set(id, (remembered.get(id) ?? new Set()).add(row.sequence));
    }
    const updates: Array<Mark & { cleared: number }> = [];
    const newAcks: DiffKey[] = [];
    const dropAcks: Array<SubscriptionKey & { upTo: number }> = [];
    for (const move of grouped) {
      const known = remembered.size > 0 ? remembered.get(keyOf(move)) : undefined;
      let cleared = move.from;
      if (!known && move.acked.length <= 1) {
        // The usual acknowledgement: one sequence, nothing remembered.
        const sequence = move.acked[0];
        if (sequence !== undefined && sequence <= move.current) {
          if (sequence === cleared + 1) cleared = sequence;
          else if (sequence > cleared) newAcks.push({ ...move, sequence });
        }
      } else {
        const open = new Set([...(known ?? []), ...move.acked.filter((s) => s <= move.current)]);
        while (open.has(cleared + 1)) cleared++;
        for (const sequence of open)
          if (sequence > cleared && !known?.has(sequence)) newAcks.push({ ...move, sequence });
        if (known && [...known].some((s) => s <= cleared)) dropAcks.push({ ...move, upTo: cleared });
      }
      if (cleared !== move.cleared) updates.push({ ...move, cleared });
    }
    for (const part of chunks(updates))
      await this.run(
        tx,
        `with v(a, p, s, c) as (values ${valuesList(this.database.dialect, KEY_AND_NUMBER, part.length)})
          update subscriptions set cleared = v.c from v
           where subscriptions.actor_id = v.a and subscriptions.peer_id = v.p
             and subscriptions.subscription_id = v.s`,
        keyParameters(part, (u) => u.cleared),
      );
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
    return new Set(updates.map((u) => u.groupId!));
  }

  /** Each inbound subscription's numbering (locked for this transaction on PostgreSQL). */
  private async marks(tx: Tx, keys: readonly SubscriptionKey[]): Promise<Mark[]> {
    const { dialect } = this.database;
    const rows = await this.run<{
      actor_id: string;
      peer_id: string;
      subscription_id: string;
      group_id: number | null;
      cleared: number;
      current: number;
      has_acks: number | boolean;
    }>(
      tx,
      `select s.actor_id, s.peer_id, s.subscription_id, s.group_id, s.cleared,
              coalesce(g.sequence - s.group_offset, s.sequence) as current,
              exists (select 1 from subscription_acks k where k.actor_id = s.actor_id
                         and k.peer_id = s.peer_id and k.subscription_id = s.subscription_id) as has_acks
         from subscriptions s left join subscription_groups g on g.id = s.group_id
        where s.outbound = 0
          and (s.actor_id, s.peer_id, s.subscription_id) in (values ${valuesList(dialect, KEY, keys.length)})
        ${dialect === 'postgres' ? 'for update of s' : ''}`,
      keyParameters(keys),
    );
    return rows.map((row) => ({
      actorId: row.actor_id,
      peerId: row.peer_id,
      subscriptionId: row.subscription_id,
      groupId: row.group_id === null ? null : Number(row.group_id),
      cleared: Number(row.cleared),
      current: Number(row.current),
      hasAcks: Number(row.has_acks) === 1,
    }));
  }

  private async acksOf(tx: Tx, keys: readonly SubscriptionKey[]): Promise<DiffKey[]> {
    const rows = await this.run<{
      actor_id: string;
      peer_id: string;
      subscription_id: string;
      sequence: number;
    }>(
      tx,
      `select actor_id, peer_id, subscription_id, sequence from subscription_acks
        where (actor_id, peer_id, subscription_id) in (values ${valuesList(this.database.dialect, KEY, keys.length)})`,
      keyParameters(keys),
    );
    return rows.map((row) => ({
      actorId: row.actor_id,
      peerId: row.peer_id,
      subscriptionId: row.subscription_id,
      sequence: Number(row.sequence),
    }));
  }

  /** A statement of the clearing path, as text and parameters (see valuesList). */
  private async run<R>(tx: Tx, text: string, parameters: unknown[]): Promise<R[]> {
    const { rows } = await tx.executeQuery<R>(CompiledQuery.raw(text, parameters));
    return rows;
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
  /** It has acknowledgements above its mark. */
  hasAcks: boolean;
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

const KEY = ['?', '?', '?'];
const KEY_AND_NUMBER = ['?', '?', '?', 'cast(? as integer)'];

/** The parameters of a {@link KEY} (or, with `number`, {@link KEY_AND_NUMBER}) list, row after row. */
function keyParameters<K extends SubscriptionKey>(keys: readonly K[], number?: (k: K) => number): unknown[] {
  const out: unknown[] = [];
  for (const k of keys) {
    out.push(k.actorId, k.peerId, k.subscriptionId);
    if (number) out.push(number(k));
  }
  return out;
}

function keyOf(k: SubscriptionKey): string {
  return `${k.actorId}\u0000${k.peerId}\u0000${k.subscriptionId}`;
}

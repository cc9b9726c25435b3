import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { ActingWebDatabase } from './actingweb-database.js';
import type { AwDatabase } from './database.types.js';
import { PreparedQuery } from './prepared-query.js';
import { chunks } from './subscription-groups.js';
import { valuesList } from './values-list.js';

/*
 * The shared callback outbox on PostgreSQL (docs/subscriptions.md, "Delivery
 * across instances"). A write stores one `callback_work` row listing its
 * group changes (a resume: its resync callbacks); an instance claims a
 * subscription's next callback by moving that subscription's
 * `callback_cursors.notified` to its sequence and taking a lease, under
 * `FOR UPDATE SKIP LOCKED`, right before sending it. A claimed callback is
 * never claimed again (at most once); a lease held by an instance that died
 * expires, and the subscription's later callbacks go to another one.
 */

/** The columns of the offered keys (subscription, sequence, position) and of the released subscriptions. */
const OFFERED = ['?', '?', '?', 'cast(? as integer)', 'cast(? as integer)'];
const SUBSCRIPTION = ['?', '?', '?'];

/** NOTIFY channel; the payload is the schema, so instances on other schemas ignore it. */
export const CALLBACK_WORK_CHANNEL = 'actingweb_callback_work';

/** One write's stored changes: `[groupId, groupSequence, changeIndexes]`. */
export type WorkChange = [number, number, number[]];

/** A resume's resync callbacks (ActingWeb spec, "Resync Callback"): the target, when, and `[peer, subscription, sequence]` each. */
export interface WorkResync {
  target: string;
  timestamp: string;
  callbacks: Array<[string, string, number]>;
}

/** A `callback_work` row: a write's stored changes, or a resume's resync callbacks. */
export interface WorkRow {
  id: number;
  actorId: string;
  changes: WorkChange[];
  resync?: WorkResync;
}

export interface SubscriptionRef {
  actorId: string;
  peerId: string;
  subscriptionId: string;
}

/** A callback to claim: the subscription and its own sequence. */
export interface ClaimKey extends SubscriptionRef {
  sequence: number;
}

/** What became of each key offered to {@link CallbackOutboxStore.claim}. */
export type ClaimState = 'claimed' | 'done' | 'new';

export class CallbackOutboxStore {
  private readonly addWork;

  constructor(private readonly database: ActingWebDatabase) {
    const db = database.db;
    this.addWork = PreparedQuery.of<{ id: number }>(
      database,
      (actorId, changes) =>
        db
          .insertInto('callback_work')
          .values({ actor_id: actorId, changes: changes as unknown as string })
          .returning('id'),
      2,
    );
  }

  /** Records the callbacks of a write, in the write's transaction; returns the row's id. */
  async add(tx: Transaction<AwDatabase>, actorId: string, changes: readonly WorkChange[]): Promise<number> {
    const [row] = await this.addWork.rows(tx, actorId, JSON.stringify(changes));
    return Number(row.id);
  }

  /** Records a resume's resync callbacks, in its transaction; returns the row's id (`{"resync": …}`, where a write's is an array). */
  async addResync(tx: Transaction<AwDatabase>, actorId: string, resync: WorkResync): Promise<number> {
    const [row] = await this.addWork.rows(tx, actorId, JSON.stringify({ resync }));
    return Number(row.id);
  }

  /** Wakes the other instances (a hint: they also poll); `tag` names the sender. */
  async notify(tag: string): Promise<void> {
    await sql`select pg_notify(${CALLBACK_WORK_CHANNEL}, current_schema() || ' ' || ${tag})`.execute(
      this.database.db,
    );
  }

  /** The ids of the oldest writes with callbacks not yet all claimed. */
  async outstanding(limit: number): Promise<number[]> {
    const rows = await this.database.db
      .selectFrom('callback_work')
      .select('id')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /** What these writes stored (those still there). */
  async work(ids: readonly number[]): Promise<WorkRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.db
      .selectFrom('callback_work')
      .select(['id', 'actor_id', 'changes'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    return rows.map((r) => {
      const stored = JSON.parse(r.changes) as WorkChange[] | { resync: WorkResync };
      const id = Number(r.id);
      return Array.isArray(stored)
        ? { id, actorId: r.actor_id, changes: stored }
        : { id, actorId: r.actor_id, changes: [], resync: stored.resync };
    });
  }

  /** The stored changes a write listed, as JSON text and timestamp. */
  async changeData(
    keys: ReadonlyArray<{ groupId: number; sequence: number }>,
  ): Promise<Map<string, { json: string; timestamp: string }>> {
    const out = new Map<string, { json: string; timestamp: string }>();
    for (const part of chunks(keys)) {
      const tuples = part.map((k) => sql`(cast(${k.groupId} as integer), cast(${k.sequence} as integer))`);
      const { rows } = await sql<{ group_id: number; sequence: number; timestamp: string; data: string }>`
        select group_id, sequence, timestamp, data from subscription_changes
         where (group_id, sequence) in (values ${sql.join(tuples)})`.execute(this.database.db);
      for (const r of rows) out.set(`${r.group_id}/${r.sequence}`, { json: r.data, timestamp: r.timestamp });
    }
    return out;
  }

  /**
   * Ends `owner`'s leases of `released` (their callbacks were sent), then
   * claims up to `limit` of `keys` (at most one per subscription, in the order
   * given) for `owner`: those whose subscription has claimed nothing at or
   * after that sequence and has no callback in flight elsewhere. One
   * statement, so a subscription's next callback is claimed in the same round
   * trip as its previous one is released. Each key comes back `claimed`,
   * `done` (claimed before, or the subscription is gone: never send it), `new`
   * (no cursor yet: call {@link addCursors}) or not at all (busy now).
   */
  async claim(
    keys: readonly ClaimKey[],
    limit: number,
    owner: string,
    leaseMs: number,
    released: readonly SubscriptionRef[] = [],
  ): Promise<Map<ClaimKey, ClaimState>> {
    const states = new Map<ClaimKey, ClaimState>();
    // $1 owner, $2 limit, $3 lease; then the offered keys and the released subscriptions (see valuesList).
    const parameters: unknown[] = [owner, limit, leaseMs];
    const offered =
      keys.length === 0
        ? 'select null::text, null::text, null::text, null::integer, null::integer where false'
        : `values ${valuesList('postgres', OFFERED, keys.length, parameters.length + 1)}`;
    keys.forEach((k, i) => parameters.push(k.actorId, k.peerId, k.subscriptionId, k.sequence, i));
    const done =
      released.length === 0
        ? 'select null::text, null::text, null::text where false'
        : `values ${valuesList('postgres', SUBSCRIPTION, released.length, parameters.length + 1)}`;
    for (const k of released) parameters.push(k.actorId, k.peerId, k.subscriptionId);
    const { rows } = await this.database.db.executeQuery<{ i: number; state: ClaimState }>(
      CompiledQuery.raw(
        `with v(a, p, s, k, i) as (${offered}),
      r(a, p, s) as (${done}),
      free as (
        select c.actor_id, c.peer_id, c.subscription_id, v.k
          from callback_cursors c join v on c.actor_id = v.a and c.peer_id = v.p and c.subscription_id = v.s
         where c.notified < v.k
           and (c.lease_until is null or c.lease_until < now()
                or (c.owner = $1 and exists (select 1 from r
                     where r.a = c.actor_id and r.p = c.peer_id and r.s = c.subscription_id)))
         order by v.i limit $2
           for update of c skip locked),
      claimed as (
        update callback_cursors c
           set notified = free.k, owner = $1,
               lease_until = now() + cast($3 as integer) * interval '1 millisecond'
          from free
         where c.actor_id = free.actor_id and c.peer_id = free.peer_id and c.subscription_id = free.subscription_id
        returning c.actor_id, c.peer_id, c.subscription_id),
      ended as (
        update callback_cursors c set owner = null, lease_until = null
          from r
         where c.actor_id = r.a and c.peer_id = r.p and c.subscription_id = r.s and c.owner = $1
           and not exists (select 1 from free
                 where free.actor_id = r.a and free.peer_id = r.p and free.subscription_id = r.s)
        returning 1)
      select v.i, 'claimed' as state from v join claimed
          on claimed.actor_id = v.a and claimed.peer_id = v.p and claimed.subscription_id = v.s
      union all
      select v.i, case when c.actor_id is not null or s.actor_id is null then 'done' else 'new' end
        from v left join callback_cursors c on c.actor_id = v.a and c.peer_id = v.p and c.subscription_id = v.s
               left join subscriptions s on s.actor_id = v.a and s.peer_id = v.p and s.subscription_id = v.s
       where (c.actor_id is null or c.notified >= v.k)`,
        parameters,
      ),
    );
    for (const row of rows) states.set(keys[Number(row.i)], row.state);
    return states;
  }

  /** Cursors for subscriptions about to get their first callback here. */
  async addCursors(keys: readonly ClaimKey[]): Promise<void> {
    for (const part of chunks(keys))
      await this.database.db
        .insertInto('callback_cursors')
        .values(
          part.map((k) => ({
            actor_id: k.actorId,
            peer_id: k.peerId,
            subscription_id: k.subscriptionId,
            notified: 0,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
  }

  /** Extends every lease `owner` holds (callbacks still in flight or waiting to retry). */
  async renew(owner: string, leaseMs: number): Promise<void> {
    await sql`update callback_cursors
      set lease_until = now() + cast(${leaseMs} as integer) * interval '1 millisecond'
      where owner = ${owner} and lease_until is not null`.execute(this.database.db);
  }

  /** Deletes writes whose callbacks have all been claimed. */
  async finish(ids: readonly number[]): Promise<void> {
    if (ids.length > 0) await this.database.db.deleteFrom('callback_work').where('id', 'in', ids).execute();
  }

  /** True while some write has callbacks not yet claimed. */
  async pending(): Promise<boolean> {
    const row = await this.database.db.selectFrom('callback_work').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }
}

import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { ActingWebDatabase, Executor } from './actingweb-database.js';
import { isPlainObject } from '../common/json.js';
import type { Permissions } from '../common/permissions.types.js';
import type { AwDatabase } from './database.types.js';

/*
 * Group membership of inbound subscriptions. Subscriptions of one actor with
 * the same target, subtarget, resource, relationship and permission override
 * get identical diffs, so a write stores one change per group
 * (`subscription_changes`) instead of one diff per subscription. Each member
 * numbers the group's changes itself: its sequence = group sequence −
 * `group_offset`, so every subscription still counts 1, 2, 3… (ActingWeb spec,
 * "Getting Subscription Updates"). Whatever moves a subscription's numbering or membership (joining,
 * leaving, a permission change, a sequence number without a diff) holds the
 * actor's subscription lock, as writes appending changes do.
 */

type Tx = Transaction<AwDatabase>;

/** What decides which group a subscription belongs to. */
export interface GroupScope {
  target: string;
  subtarget: string;
  resource: string;
}

/** The trust's relationship and its stored permission override (JSON text), which shape the diffs. */
interface PermissionShape {
  relationship: string;
  override: string | null;
}

/** Where an inbound subscription sits: its group and how it numbers the group's changes. */
export interface Placement {
  group_id: number | null;
  group_offset: number;
  cleared: number;
}

/** A subscription row with what its numbering needs. */
interface MemberRow {
  actor_id: string;
  peer_id: string;
  subscription_id: string;
  target: string;
  subtarget: string;
  resource: string;
  sequence: number;
  group_id: number | null;
  group_offset: number;
  cleared: number;
}

/** Runs `fn` in `db` when it is a transaction already, otherwise in a new one. */
export function inTransaction<T>(
  database: ActingWebDatabase,
  db: Executor,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db as Tx) : database.transaction(fn);
}

/** The lock every writer of an actor's subscription numbering holds until its transaction ends. */
export function lockSubscriptions(
  database: ActingWebDatabase,
  tx: Tx,
  actorId: string,
): Promise<void> | undefined {
  return database.lockInTransaction(tx, `${actorId}/subscriptions`);
}

export function groupKey(scope: GroupScope, shape: PermissionShape): string {
  return createHash('sha256')
    .update(JSON.stringify([scope.subtarget, scope.resource, shape.relationship, shape.override ?? '']))
    .digest('hex');
}

/**
 * The placement of a new inbound subscription whose own sequence is now
 * `sequence`: it sees the group's changes from the next one on. Takes the
 * lock. No trust with the peer: no group (it gets no diffs).
 */
export async function placeNew(
  database: ActingWebDatabase,
  tx: Tx,
  actorId: string,
  peerId: string,
  scope: GroupScope,
  sequence: number,
): Promise<Placement> {
  await lockSubscriptions(database, tx, actorId);
  const shape = await permissionShape(tx, actorId, peerId);
  if (!shape) return { group_id: null, group_offset: 0, cleared: sequence };
  const group = await findOrCreateGroup(tx, actorId, scope, shape);
  return { group_id: group.id, group_offset: group.sequence - sequence, cleared: sequence };
}

/**
 * Moves the peer's inbound subscriptions whose relationship or permission
 * override changed to the group of their new permissions. Their pending diffs
 * stay theirs (copied to `subscription_diffs`), their numbering continues.
 * Call in the transaction that changed the trust or its override.
 */
export async function regroupPeer(
  database: ActingWebDatabase,
  tx: Tx,
  actorId: string,
  peerId: string,
): Promise<void> {
  if (!(await hasInbound(tx, actorId, peerId))) return;
  await lockSubscriptions(database, tx, actorId);
  const shape = await permissionShape(tx, actorId, peerId);
  for (const sub of await members(tx, actorId, peerId)) {
    const current = sub.group_id === null ? null : await groupRow(tx, sub.group_id);
    const wanted = shape ? groupKey(sub, shape) : null;
    if ((current?.group_key ?? null) === wanted) continue;
    const sequence = await detach(tx, sub, current?.sequence);
    const group = shape ? await findOrCreateGroup(tx, actorId, sub, shape) : null;
    await setPlacement(tx, sub, {
      group_id: group?.id ?? null,
      group_offset: group ? group.sequence - sequence : 0,
      cleared: sequence,
    });
    if (sub.group_id !== null) await dropOrCollect(tx, sub.group_id);
  }
}

/**
 * Allocates one sequence number to one inbound subscription without a diff
 * (a resync callback carries it); null when there is no such subscription.
 */
export async function skipSequence(
  database: ActingWebDatabase,
  tx: Tx,
  actorId: string,
  peerId: string,
  subscriptionId: string,
): Promise<number | null> {
  await lockSubscriptions(database, tx, actorId);
  const sub = (await members(tx, actorId, peerId, subscriptionId))[0];
  if (!sub) return null;
  const group = sub.group_id === null ? undefined : await groupRow(tx, sub.group_id);
  const next = (await detach(tx, sub, group?.sequence)) + 1;
  await setPlacement(tx, sub, {
    group_id: group ? sub.group_id : null,
    group_offset: group ? group.sequence - next : 0,
    cleared: next,
  });
  if (group) await dropOrCollect(tx, group.id);
  return next;
}

/** Deletes the peer's subscriptions (one, or all in both directions); returns how many. */
export async function deleteSubscriptions(
  database: ActingWebDatabase,
  tx: Tx,
  actorId: string,
  peerId: string,
  subscriptionId?: string,
): Promise<number> {
  let query = tx
    .selectFrom('subscriptions')
    .select('group_id')
    .where('actor_id', '=', actorId)
    .where('peer_id', '=', peerId)
    .where('group_id', 'is not', null);
  if (subscriptionId !== undefined) query = query.where('subscription_id', '=', subscriptionId);
  const groups = new Set((await query.execute()).map((r) => r.group_id!));
  if (groups.size > 0) await lockSubscriptions(database, tx, actorId);
  let del = tx.deleteFrom('subscriptions').where('actor_id', '=', actorId).where('peer_id', '=', peerId);
  if (subscriptionId !== undefined) del = del.where('subscription_id', '=', subscriptionId);
  const result = await del.executeTakeFirst();
  for (const id of [...groups].sort((a, b) => a - b)) await dropOrCollect(tx, id);
  return Number(result.numDeletedRows);
}

/**
 * Deletes the group's changes every member has cleared. Safe without the
 * lock: a member's `group_offset + cleared` never decreases, and a member
 * joining starts at the group's current sequence.
 */
export async function collect(db: Executor, groupId: number): Promise<void> {
  await sql`delete from subscription_changes where group_id = ${groupId}
    and sequence <= (select min(group_offset + cleared) from subscriptions where group_id = ${groupId})`.execute(db);
}

/** Under the lock: deletes a group without members (its changes cascade), else collects it. */
async function dropOrCollect(tx: Tx, groupId: number): Promise<void> {
  const member = await tx
    .selectFrom('subscriptions')
    .select('subscription_id')
    .where('group_id', '=', groupId)
    .limit(1)
    .executeTakeFirst();
  if (member) await collect(tx, groupId);
  else await tx.deleteFrom('subscription_groups').where('id', '=', groupId).execute();
}

/**
 * Copies the subscription's pending group changes into `subscription_diffs`
 * (with its own sequence numbers) and drops its acknowledgements; returns its
 * current sequence. `groupSequence` undefined: it has no group.
 */
async function detach(tx: Tx, sub: MemberRow, groupSequence: number | undefined): Promise<number> {
  if (sub.group_id === null || groupSequence === undefined) return Number(sub.sequence);
  const offset = Number(sub.group_offset);
  await sql`insert into subscription_diffs (actor_id, peer_id, subscription_id, sequence, timestamp, data)
    select cast(${sub.actor_id} as text), cast(${sub.peer_id} as text), cast(${sub.subscription_id} as text),
           c.sequence - ${offset}, c.timestamp, c.data
      from subscription_changes c
     where c.group_id = ${sub.group_id} and c.sequence > ${offset + Number(sub.cleared)}
       and not exists (select 1 from subscription_acks k
                        where k.actor_id = ${sub.actor_id} and k.peer_id = ${sub.peer_id}
                          and k.subscription_id = ${sub.subscription_id}
                          and k.sequence = c.sequence - ${offset})`.execute(tx);
  await tx
    .deleteFrom('subscription_acks')
    .where('actor_id', '=', sub.actor_id)
    .where('peer_id', '=', sub.peer_id)
    .where('subscription_id', '=', sub.subscription_id)
    .execute();
  return groupSequence - offset;
}

async function setPlacement(tx: Tx, sub: MemberRow, placement: Placement): Promise<void> {
  await tx
    .updateTable('subscriptions')
    .set({ ...placement, sequence: placement.cleared })
    .where('actor_id', '=', sub.actor_id)
    .where('peer_id', '=', sub.peer_id)
    .where('subscription_id', '=', sub.subscription_id)
    .execute();
}

async function permissionShape(tx: Tx, actorId: string, peerId: string): Promise<PermissionShape | null> {
  const row = await tx
    .selectFrom('trusts as t')
    .leftJoin('trust_permissions as p', (join) =>
      join.onRef('p.actor_id', '=', 't.actor_id').onRef('p.peer_id', '=', 't.peer_id'),
    )
    .select(['t.relationship', 'p.permissions'])
    .where('t.actor_id', '=', actorId)
    .where('t.peer_id', '=', peerId)
    .executeTakeFirst();
  return row ? { relationship: row.relationship, override: row.permissions ?? null } : null;
}

async function findOrCreateGroup(
  tx: Tx,
  actorId: string,
  scope: GroupScope,
  shape: PermissionShape,
): Promise<{ id: number; sequence: number }> {
  const key = groupKey(scope, shape);
  await tx
    .insertInto('subscription_groups')
    .values({
      actor_id: actorId,
      target: scope.target,
      group_key: key,
      subtarget: scope.subtarget,
      resource: scope.resource,
      relationship: shape.relationship,
      override: shape.override,
      sequence: 0,
    })
    .onConflict((oc) => oc.columns(['actor_id', 'target', 'group_key']).doNothing())
    .execute();
  const row = await tx
    .selectFrom('subscription_groups')
    .select(['id', 'sequence'])
    .where('actor_id', '=', actorId)
    .where('target', '=', scope.target)
    .where('group_key', '=', key)
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), sequence: Number(row.sequence) };
}

async function groupRow(
  tx: Tx,
  id: number,
): Promise<{ id: number; group_key: string; sequence: number } | undefined> {
  const row = await tx
    .selectFrom('subscription_groups')
    .select(['id', 'group_key', 'sequence'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: Number(row.id), group_key: row.group_key, sequence: Number(row.sequence) };
}

async function hasInbound(tx: Tx, actorId: string, peerId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('subscriptions')
    .select('subscription_id')
    .where('actor_id', '=', actorId)
    .where('peer_id', '=', peerId)
    .where('outbound', '=', 0)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function members(tx: Tx, actorId: string, peerId: string, subscriptionId?: string): Promise<MemberRow[]> {
  let query = tx
    .selectFrom('subscriptions')
    .select([
      'actor_id',
      'peer_id',
      'subscription_id',
      'target',
      'subtarget',
      'resource',
      'sequence',
      'group_id',
      'group_offset',
      'cleared',
    ])
    .where('actor_id', '=', actorId)
    .where('peer_id', '=', peerId)
    .where('outbound', '=', 0);
  if (subscriptionId !== undefined) query = query.where('subscription_id', '=', subscriptionId);
  return query.orderBy('subscription_id').execute();
}

/** Rows per multi-row statement (keeps under every driver's parameter limit). */
const CHUNK = 400;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A stored permission override (JSON text) as categories; null when absent or unreadable. */
export function parseOverride(raw: string | null): Permissions | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isPlainObject(parsed) ? (parsed as Permissions) : null;
  } catch {
    return null;
  }
}

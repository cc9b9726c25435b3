import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { getAt } from '../../common/json-path.js';
import { PropertyChangeFeed, type PropertyChange } from '../../properties/property-change.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { PropertyRepository } from '../../storage/property.repository.js';
import {
  SubscriptionRepository,
  type InboundWithTrust,
  type NewDiff,
} from '../../storage/subscription.repository.js';
import {
  evaluatePermission,
  leastPrivilege,
  mergePermissions,
} from '../../permissions/permission-evaluator.js';
import type { PermissionCategory, Permissions } from '../../common/permissions.types.js';
import { TrustTypeRegistry } from '../../permissions/trust-type-registry.service.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import {
  combinePieces,
  DELETED,
  PERMISSION_CATEGORY,
  permissionPath,
  pieceFor,
  scopePath,
  wrap,
  type ChangeInput,
} from './diff-builder.js';

interface PlannedDiff {
  sub: InboundWithTrust;
  data: unknown;
  changes: number[];
  sequence: number;
}

/**
 * Publisher side of "Getting Subscription Updates" (ActingWeb spec): turns the change records of a write into one diff
 * per affected subscription, **in the write's transaction** (a write and its
 * diffs commit or roll back together), with sequence numbers allocated in SQL.
 * After commit it hands the callbacks to {@link CallbackDelivery}: for each
 * peer and change, only the most specific of that peer's subscriptions gets a
 * callback ("Subscription Scope and Overlap"); the others' diffs stay pollable.
 */
@Injectable()
export class DiffRegistrar implements OnModuleInit {
  private readonly logger = new Logger('SubscriptionDiffs');
  /** Deliveries of a write between its transaction and its commit, keyed by the write's change list. */
  private readonly staged = new WeakMap<readonly PropertyChange[], Delivery[]>();

  constructor(
    @Inject(PropertyChangeFeed) private readonly feed: PropertyChangeFeed,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
    @Inject(TrustTypeRegistry) private readonly trustTypes: TrustTypeRegistry,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
  ) {}

  onModuleInit(): void {
    this.feed.onChangeInTransaction(async (tx, changes) => {
      const deliveries = await this.register(tx, changes[0].actorId, 'properties', changes.map(toInput));
      if (deliveries.length > 0) this.staged.set(changes, deliveries);
    });
    this.feed.onChangeCommitted((changes) => {
      const deliveries = this.staged.get(changes);
      if (!deliveries) return;
      this.staged.delete(changes);
      this.delivery.enqueue(deliveries);
    });
  }

  /**
   * Registers the diffs of `changes` (paths below `target`) for every inbound
   * subscription of `actorId` on `target`, inside `tx`. Returns the callbacks
   * to send once `tx` has committed.
   */
  async register(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    changes: readonly ChangeInput[],
  ): Promise<Delivery[]> {
    if (changes.length === 0) return [];
    const subs = await this.subscriptions.inboundWithTrust(actorId, target, tx);
    if (subs.length === 0) return [];
    const live = await this.notSuspended(tx, actorId, target, changes);
    if (live.length === 0) return [];

    const planned = await this.plan(tx, actorId, target, subs, live);
    if (planned.length === 0) return [];

    // One writer of an actor's sequence numbers at a time (row locks would serialise us anyway;
    // one lock taken up front keeps two writers from locking the rows in different orders).
    await this.database.lockInTransaction(tx, `${actorId}/subscriptions`);
    const counts = new Map<string, number>();
    for (const p of planned) counts.set(p.sub.subscriptionId, (counts.get(p.sub.subscriptionId) ?? 0) + 1);
    const last = await this.subscriptions.allocateSequences(tx, actorId, counts);
    const next = new Map<string, number>();
    for (const [id, top] of last) next.set(id, top - (counts.get(id) ?? 0) + 1);

    const timestamp = new Date().toISOString();
    const json = new Map<unknown, string>();
    const rows: NewDiff[] = [];
    const stored: PlannedDiff[] = [];
    for (const p of planned) {
      const sequence = next.get(p.sub.subscriptionId);
      if (sequence === undefined) continue; // deleted meanwhile
      next.set(p.sub.subscriptionId, sequence + 1);
      let text = json.get(p.data);
      if (text === undefined) {
        text = JSON.stringify(p.data ?? null);
        json.set(p.data, text);
      }
      rows.push({
        peerId: p.sub.peerId,
        subscriptionId: p.sub.subscriptionId,
        sequence,
        timestamp,
        data: text,
      });
      stored.push({ ...p, sequence });
    }
    await this.subscriptions.insertDiffs(actorId, rows, tx);
    return this.callbacks(stored, timestamp, json);
  }

  /** Changes not under a suspended target/subtarget (suspension skips diffs entirely). */
  private async notSuspended(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    changes: readonly ChangeInput[],
  ): Promise<Array<{ change: ChangeInput; index: number }>> {
    const indexed = changes.map((change, index) => ({ change, index }));
    const suspended = await this.subscriptions.suspendedSubtargets(actorId, target, tx);
    if (suspended.length === 0) return indexed;
    if (suspended.includes('')) return [];
    return indexed.filter(({ change }) => !suspended.includes(change.path[0] ?? ''));
  }

  /** Each subscription's diffs, shaped for its level and filtered by its peer's permissions. */
  private async plan(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    subs: readonly InboundWithTrust[],
    changes: ReadonlyArray<{ change: ChangeInput; index: number }>,
  ): Promise<PlannedDiff[]> {
    const category = PERMISSION_CATEGORY[target];
    const permissionsByKey = new Map<string, Permissions | null>();
    const states = new Map<string, unknown>();
    const planned: PlannedDiff[] = [];
    // Subscriptions on the same level with the same permissions get the same diff objects.
    const memo = new Map<string, Array<{ data: unknown; changes: number[] }>>();

    for (const sub of subs) {
      const scope = scopePath(sub);
      const permissions = category ? this.effective(sub, permissionsByKey) : null;
      const memoKey = `${scope.join('\u0000')}\u0001${sub.relationship}\u0001${JSON.stringify(sub.override)}`;
      let diffs = memo.get(memoKey);
      if (!diffs) {
        const pieces: Array<{ data: unknown; list: boolean; change: number }> = [];
        for (const { change, index } of changes) {
          if (
            category &&
            !this.allowed(permissions, category, permissionPath(change, scope), sub.relationship)
          )
            continue;
          const piece = pieceFor(change, scope);
          if (!piece) continue;
          if (piece.kind === 'diff') {
            pieces.push({ data: piece.data, list: piece.list, change: index });
            continue;
          }
          // A resource subscription gets the resource's whole current value.
          const value =
            target === 'properties'
              ? await this.stateAt(tx, actorId, piece.path, states)
              : wrap(change.path.slice(scope.length), change.newValue);
          pieces.push({ data: value === undefined ? DELETED : value, list: false, change: index });
        }
        diffs = combinePieces(pieces);
        memo.set(memoKey, diffs);
      }
      for (const diff of diffs) planned.push({ sub, data: diff.data, changes: diff.changes, sequence: 0 });
    }
    return planned;
  }

  /**
   * Which diffs get a callback: for each peer and change, the most specific of
   * the peer's callback subscriptions that carries it ("Subscription Scope and Overlap": one callback per
   * peer, to the most specific subscription). Ties go to the oldest subscription.
   */
  private callbacks(
    stored: readonly PlannedDiff[],
    timestamp: string,
    json: Map<unknown, string>,
  ): Delivery[] {
    const best = new Map<string, PlannedDiff>();
    for (const diff of stored) {
      if (diff.sub.granularity === 'none') continue;
      for (const change of diff.changes) {
        const key = `${diff.sub.peerId}\u0000${change}`;
        const current = best.get(key);
        if (!current || moreSpecific(diff.sub, current.sub)) best.set(key, diff);
      }
    }
    const chosen = new Set(best.values());
    const deliveries: Delivery[] = [];
    for (const diff of stored) {
      if (!chosen.has(diff)) continue;
      const sub = diff.sub;
      deliveries.push({
        actorId: sub.actorId,
        peerId: sub.peerId,
        subscriptionId: sub.subscriptionId,
        target: sub.target,
        subtarget: sub.subtarget,
        resource: sub.resource,
        granularity: sub.granularity === 'low' ? 'low' : 'high',
        sequence: diff.sequence,
        timestamp,
        type: 'diff',
        data: diff.data,
        dataBytes: Buffer.byteLength(json.get(diff.data) ?? 'null', 'utf8'),
        baseuri: sub.baseuri,
        secret: sub.secret,
        acceptEncoding: sub.acceptEncoding,
      });
    }
    return deliveries;
  }

  /** Effective permissions of the subscriber (trust type's base merged with the override), per write. */
  private effective(sub: InboundWithTrust, cache: Map<string, Permissions | null>): Permissions | null {
    const key = `${sub.relationship}\u0001${JSON.stringify(sub.override)}`;
    if (cache.has(key)) return cache.get(key)!;
    let permissions: Permissions | null;
    try {
      permissions = mergePermissions(this.trustTypes.get(sub.relationship)?.permissions ?? {}, sub.override);
    } catch (err) {
      this.logger.warn(`Permissions of ${sub.peerId} could not be evaluated, hiding diffs: ${String(err)}`);
      permissions = null;
    }
    cache.set(key, permissions);
    return permissions;
  }

  /**
   * Read permission as for `GET`: only a deny hides (for a relationship without
   * a configured trust type, also `not_found`: least privilege); a failure
   * hides (fail closed).
   */
  private allowed(
    permissions: Permissions | null,
    category: PermissionCategory,
    path: string,
    relationship: string,
  ): boolean {
    if (!permissions) return false;
    const decision = evaluatePermission(permissions, category, path, 'read');
    return leastPrivilege(decision, this.trustTypes.has(relationship)) !== 'denied';
  }

  private async stateAt(
    tx: Transaction<AwDatabase>,
    actorId: string,
    path: readonly string[],
    cache: Map<string, unknown>,
  ): Promise<unknown> {
    const key = path.join('\u0000');
    if (cache.has(key)) return cache.get(key);
    const stored = await this.properties.get(actorId, path[0], tx);
    const value = stored === null ? undefined : getAt(JSON.parse(stored), path.slice(1));
    cache.set(key, value);
    return value;
  }
}

function moreSpecific(a: InboundWithTrust, b: InboundWithTrust): boolean {
  const sa = scopePath(a).length;
  const sb = scopePath(b).length;
  if (sa !== sb) return sa > sb;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.subscriptionId < b.subscriptionId;
}

function toInput(change: PropertyChange): ChangeInput {
  return {
    path: change.path,
    operation: change.operation,
    oldValue: change.oldValue,
    newValue: change.newValue,
    listDiff: change.listDiff,
  };
}

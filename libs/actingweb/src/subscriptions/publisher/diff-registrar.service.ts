import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { getAt } from '../../common/json-path.js';
import { PropertyChangeFeed, type PropertyChange } from '../../properties/property-change.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { PropertyRepository } from '../../storage/property.repository.js';
import { SubscriptionRepository, type SubscriptionGroup } from '../../storage/subscription.repository.js';
import {
  evaluatePermission,
  leastPrivilege,
  mergePermissions,
} from '../../permissions/permission-evaluator.js';
import type { PermissionCategory, Permissions } from '../../common/permissions.types.js';
import { TrustTypeRegistry } from '../../permissions/trust-type-registry.service.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import { CallbackOutbox } from './callback-outbox.service.js';
import { selectCallbacks } from './callback-selection.js';
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
  group: SubscriptionGroup;
  data: unknown;
  changes: number[];
  /** The group's sequence of the stored change. */
  sequence: number;
}

/** The callbacks of a write, to hand to {@link DiffRegistrar.send} once it committed. */
export interface WriteCallbacks {
  readonly deliveries: Delivery[];
  /** PostgreSQL: the write's `callback_work` record. */
  readonly workId?: number;
}

const NONE: WriteCallbacks = { deliveries: [] };

/**
 * Publisher side of "Getting Subscription Updates" (ActingWeb spec): turns the
 * change records of a write into diffs, **in the write's transaction** (a write
 * and its diffs commit or roll back together). Subscriptions with the same
 * scope and permissions get the same diffs, so one change is stored per such
 * group, whatever the number of subscribers; each subscription numbers its
 * group's changes itself.
 * After commit it hands the callbacks to {@link CallbackDelivery}: for each
 * peer and change, only the most specific of that peer's subscriptions gets a
 * callback ("Subscription Scope and Overlap"); the others' diffs stay pollable.
 * On PostgreSQL the write also records them for every instance
 * ({@link CallbackOutbox}), in its transaction.
 */
@Injectable()
export class DiffRegistrar implements OnModuleInit {
  private readonly logger = new Logger('SubscriptionDiffs');
  /** Deliveries of a write between its transaction and its commit, keyed by the write's change list. */
  private readonly staged = new WeakMap<readonly PropertyChange[], WriteCallbacks>();

  constructor(
    @Inject(PropertyChangeFeed) private readonly feed: PropertyChangeFeed,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
    @Inject(TrustTypeRegistry) private readonly trustTypes: TrustTypeRegistry,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
    @Inject(CallbackOutbox) private readonly outbox: CallbackOutbox,
  ) {}

  onModuleInit(): void {
    this.feed.onChangeInTransaction((tx, changes, facts) => {
      if (facts.propertySubscriptions === false) return; // the write saw no subscriber: nothing to look up
      const subscribed = facts.propertySubscriptions === true;
      return this.register(tx, changes[0].actorId, 'properties', changes.map(toInput), subscribed).then(
        (callbacks) => {
          if (callbacks.deliveries.length > 0) this.staged.set(changes, callbacks);
        },
      );
    });
    this.feed.onChangeCommitted((changes) => {
      const callbacks = this.staged.get(changes);
      if (!callbacks) return;
      this.staged.delete(changes);
      this.send(callbacks);
    });
  }

  /** After the write's commit: sends its callbacks. */
  send(callbacks: WriteCallbacks): void {
    if (callbacks.workId !== undefined) this.outbox.adopt(callbacks.workId, callbacks.deliveries);
    else this.delivery.enqueue(callbacks.deliveries);
  }

  /**
   * Registers the diffs of `changes` (paths below `target`) for every inbound
   * subscription of `actorId` on `target`, inside `tx`. Returns the callbacks
   * to {@link send} once `tx` has committed. `subscribed`: the write saw
   * subscriptions on `target` in `tx` (one statement less on PostgreSQL).
   */
  async register(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    changes: readonly ChangeInput[],
    subscribed = false,
  ): Promise<WriteCallbacks> {
    if (changes.length === 0) return NONE;
    // Takes the actor's subscription lock when it has subscribers on `target`.
    const groups = await this.subscriptions.groupsForWrite(tx, actorId, target, subscribed);
    if (groups.length === 0) return NONE;
    const live = groups.some((g) => g.suspensions)
      ? await this.notSuspended(tx, actorId, target, changes)
      : changes.map((change, index) => ({ change, index }));
    if (live.length === 0) return NONE;

    const planned = await this.plan(tx, actorId, target, groups, live);
    if (planned.length === 0) return NONE;

    const timestamp = new Date().toISOString();
    const json = new Map<unknown, string>();
    const changed = planned.map((p) => {
      let text = json.get(p.data);
      if (text === undefined) {
        text = JSON.stringify(p.data ?? null);
        json.set(p.data, text);
      }
      return { groupId: p.group.id, data: text };
    });
    const sequences = await this.subscriptions.appendChanges(tx, changed, timestamp);
    planned.forEach((p, i) => (p.sequence = sequences[i]));
    // Group gone meanwhile: not stored. No member wants callbacks: nothing to send.
    const stored = planned.filter((p) => p.sequence > 0 && p.group.callbacks);
    if (stored.length === 0) return NONE;
    const members = await this.subscriptions.callbackMembers(tx, [...new Set(stored.map((p) => p.group.id))]);
    const deliveries = selectCallbacks(
      stored.map((p) => ({
        actorId: p.group.actorId,
        groupId: p.group.id,
        sequence: p.sequence,
        changes: p.changes,
        json: json.get(p.data)!,
        timestamp,
      })),
      members,
    );
    if (deliveries.length === 0 || !this.outbox.enabled) return { deliveries };
    const workId = await this.outbox.record(
      tx,
      actorId,
      stored.map((p) => [p.group.id, p.sequence, p.changes]),
    );
    return { deliveries, workId };
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

  /** Each group's diffs, shaped for its level and filtered by its members' permissions. */
  private async plan(
    tx: Transaction<AwDatabase>,
    actorId: string,
    target: string,
    groups: readonly SubscriptionGroup[],
    changes: ReadonlyArray<{ change: ChangeInput; index: number }>,
  ): Promise<PlannedDiff[]> {
    const category = PERMISSION_CATEGORY[target];
    const permissionsByKey = new Map<string, Permissions | null>();
    const states = new Map<string, unknown>();
    const planned: PlannedDiff[] = [];

    for (const group of groups) {
      const scope = scopePath(group);
      const permissions = category ? this.effective(group, permissionsByKey) : null;
      const pieces: Array<{ data: unknown; list: boolean; change: number }> = [];
      for (const { change, index } of changes) {
        if (
          category &&
          !this.allowed(permissions, category, permissionPath(change, scope), group.relationship)
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
      for (const diff of combinePieces(pieces))
        planned.push({ group, data: diff.data, changes: diff.changes, sequence: 0 });
    }
    return planned;
  }

  /** Effective permissions of a group's subscribers (trust type's base merged with the override), per write. */
  private effective(group: SubscriptionGroup, cache: Map<string, Permissions | null>): Permissions | null {
    const key = `${group.relationship}\u0001${JSON.stringify(group.override)}`;
    if (cache.has(key)) return cache.get(key)!;
    let permissions: Permissions | null;
    try {
      permissions = mergePermissions(
        this.trustTypes.get(group.relationship)?.permissions ?? {},
        group.override,
      );
    } catch (err) {
      this.logger.warn(
        `Permissions of a ${group.relationship} subscriber could not be evaluated, hiding diffs: ${String(err)}`,
      );
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

function toInput(change: PropertyChange): ChangeInput {
  return {
    path: change.path,
    operation: change.operation,
    oldValue: change.oldValue,
    newValue: change.newValue,
    listDiff: change.listDiff,
  };
}

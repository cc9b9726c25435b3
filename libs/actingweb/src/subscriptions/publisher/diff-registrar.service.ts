import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { getAt } from '../../common/json-path.js';
import { PropertyChangeFeed, type PropertyChange } from '../../properties/property-change.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { PropertyRepository } from '../../storage/property.repository.js';
import {
  SubscriptionRepository,
  type CallbackMember,
  type SubscriptionGroup,
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
  group: SubscriptionGroup;
  data: unknown;
  changes: number[];
  /** The group's sequence of the stored change. */
  sequence: number;
}

/** A callback candidate: one member's share of one stored change. */
interface MemberDiff {
  member: CallbackMember;
  diff: PlannedDiff;
  sequence: number;
}

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
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
  ) {}

  onModuleInit(): void {
    this.feed.onChangeInTransaction(async (tx, changes, facts) => {
      if (facts.propertySubscriptions === false) return; // the write saw no subscriber: nothing to look up
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
    // Takes the actor's subscription lock when it has subscribers on `target`.
    const groups = await this.subscriptions.groupsForWrite(tx, actorId, target);
    if (groups.length === 0) return [];
    const live = groups.some((g) => g.suspensions)
      ? await this.notSuspended(tx, actorId, target, changes)
      : changes.map((change, index) => ({ change, index }));
    if (live.length === 0) return [];

    const planned = await this.plan(tx, actorId, target, groups, live);
    if (planned.length === 0) return [];

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
    const stored = planned.filter((p) => p.sequence > 0); // group gone meanwhile
    const withCallbacks = new Set(stored.filter((p) => p.group.callbacks).map((p) => p.group.id));
    if (withCallbacks.size === 0) return [];
    const members = await this.subscriptions.callbackMembers(tx, [...withCallbacks]);
    return this.callbacks(stored, members, timestamp, json);
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

  /**
   * Which diffs get a callback: for each peer and change, the most specific of
   * the peer's callback subscriptions that carries it ("Subscription Scope and
   * Overlap": one callback per peer, to the most specific subscription). Ties go
   * to the oldest subscription.
   */
  private callbacks(
    stored: readonly PlannedDiff[],
    members: readonly CallbackMember[],
    timestamp: string,
    json: Map<unknown, string>,
  ): Delivery[] {
    const byGroup = new Map<number, PlannedDiff[]>();
    for (const diff of stored) byGroup.set(diff.group.id, [...(byGroup.get(diff.group.id) ?? []), diff]);
    const candidates: MemberDiff[] = [];
    for (const member of members)
      for (const diff of byGroup.get(member.groupId) ?? [])
        candidates.push({ member, diff, sequence: diff.sequence - member.groupOffset });
    const chosen = mostSpecific(candidates, members);
    const bytes = new Map<unknown, number>();
    for (const [data, text] of json) bytes.set(data, Buffer.byteLength(text, 'utf8'));
    const deliveries: Delivery[] = [];
    for (const candidate of candidates) {
      if (chosen && !chosen.has(candidate)) continue;
      const { member, diff } = candidate;
      deliveries.push({
        actorId: diff.group.actorId,
        peerId: member.peerId,
        subscriptionId: member.subscriptionId,
        target: member.target,
        subtarget: member.subtarget,
        resource: member.resource,
        granularity: member.granularity,
        sequence: candidate.sequence,
        timestamp,
        type: 'diff',
        data: diff.data,
        dataBytes: bytes.get(diff.data),
        dataJson: json.get(diff.data),
        baseuri: member.baseuri,
        secret: member.secret,
        acceptEncoding: member.acceptEncoding,
      });
    }
    return deliveries;
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

/**
 * For each peer and change, the candidate of the peer's most specific
 * subscription; null when every peer has one subscription among `members`
 * (the usual case, and every candidate is chosen).
 */
function mostSpecific(
  candidates: readonly MemberDiff[],
  members: readonly CallbackMember[],
): Set<MemberDiff> | null {
  if (new Set(members.map((m) => m.peerId)).size === members.length) return null;
  const best = new Map<string, MemberDiff>();
  for (const candidate of candidates) {
    for (const change of candidate.diff.changes) {
      const key = `${candidate.member.peerId}\u0000${change}`;
      const current = best.get(key);
      if (!current || moreSpecific(candidate.member, current.member)) best.set(key, candidate);
    }
  }
  return new Set(best.values());
}

function moreSpecific(a: CallbackMember, b: CallbackMember): boolean {
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

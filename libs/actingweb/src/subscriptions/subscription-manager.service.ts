import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import {
  SubscriptionRepository,
  type DiffRecord,
  type Granularity,
  type SubscriptionFilter,
  type SubscriptionRecord,
} from '../storage/subscription.repository.js';
import { ChangeNotifications } from './publisher/change-notifications.service.js';
import {
  InboundSubscriptions,
  type SubscriptionWithDiffs,
} from './publisher/inbound-subscriptions.service.js';
import { OutboundSubscriptions } from './subscriber/outbound-subscriptions.service.js';
import {
  SubscriptionSync,
  type PeerSyncResult,
  type SubscriptionSyncResult,
} from './subscriber/subscription-sync.service.js';
import { SubscriptionLifecycle } from './subscription-lifecycle.service.js';
import type { SubscriptionRequest } from './subscription-scope.js';

export type { SubscriptionRecord, Granularity, DiffRecord } from '../storage/subscription.repository.js';
export type { SubscriptionWithDiffs } from './publisher/inbound-subscriptions.service.js';
export type { PeerSyncResult, SubscriptionSyncResult } from './subscriber/subscription-sync.service.js';
export type { SubscriptionRequest } from './subscription-scope.js';
export { subscriptionView } from './subscription.view.js';

/**
 * Subscriptions (ActingWeb spec, "/subscriptions - Subscriptions"), both
 * sides: peers subscribing to our actors (the publisher side, `publisher/`:
 * diffs, polling, clearing, callbacks) and our actors subscribing to peers
 * (the subscriber side, `subscriber/`: creating, sync, cancelling). Usable
 * from hooks and application code; every peer call is async and bounded by
 * the configured timeout.
 *
 * Lifecycle hooks: `subscription_created` and `subscription_deleted`, with
 * `peerId`, `subscriptionId`, `subscriptionData`, `outbound` and `initiatedByPeer`.
 *
 * @publicApi
 */
@Injectable()
export class SubscriptionManager {
  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(InboundSubscriptions) private readonly inbound: InboundSubscriptions,
    @Inject(ChangeNotifications) private readonly changes: ChangeNotifications,
    @Inject(OutboundSubscriptions) private readonly outbound: OutboundSubscriptions,
    @Inject(SubscriptionSync) private readonly sync: SubscriptionSync,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
  ) {}

  // ------------------------------------------------------------ listing

  /** Every subscription of the actor, both directions, optionally filtered. */
  list(actorId: string, filter: SubscriptionFilter = {}): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, filter);
  }

  /** Peers' subscriptions to this actor. */
  listInbound(
    actorId: string,
    filter: Omit<SubscriptionFilter, 'outbound'> = {},
  ): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, { ...filter, outbound: false });
  }

  /** This actor's subscriptions to peers. */
  listOutbound(
    actorId: string,
    filter: Omit<SubscriptionFilter, 'outbound'> = {},
  ): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, { ...filter, outbound: true });
  }

  getInbound(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.subscriptions.get(actorId, peerId, subscriptionId, false);
  }

  getOutbound(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.subscriptions.get(actorId, peerId, subscriptionId, true);
  }

  // ------------------------------------------------------------ publisher side

  /**
   * A peer subscribes to `actor`. The caller must be that peer; it needs read
   * permission on what it subscribes to. Fires `subscription_created`.
   */
  createInbound(
    actor: ActorHandle,
    caller: Caller,
    peerId: string,
    request: SubscriptionRequest,
  ): Promise<SubscriptionRecord> {
    return this.inbound.create(actor, caller, peerId, request);
  }

  /** Pending diffs of an inbound subscription. */
  getWithDiffs(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionWithDiffs> {
    return this.inbound.withDiffs(actorId, peerId, subscriptionId);
  }

  /** One pending diff; NotFoundError when cleared or unknown. */
  getDiff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
  ): Promise<SubscriptionWithDiffs & { diff: DiffRecord }> {
    return this.inbound.diff(actorId, peerId, subscriptionId, sequence);
  }

  /** Clears every diff with sequence ≤ `upTo`. */
  clearDiffs(actorId: string, peerId: string, subscriptionId: string, upTo: number): Promise<number> {
    return this.inbound.clearDiffs(actorId, peerId, subscriptionId, upTo);
  }

  /** Clears one diff; NotFoundError when there is none. */
  deleteDiff(actorId: string, peerId: string, subscriptionId: string, sequence: number): Promise<void> {
    return this.inbound.deleteDiff(actorId, peerId, subscriptionId, sequence);
  }

  /**
   * Registers a change of an application-defined target (anything but
   * `properties`, whose changes are registered automatically) for every
   * subscription on it, and sends the callbacks. `data` is the new state at
   * `target/subtarget/resource`.
   */
  notifySubscribers(
    actor: ActorHandle,
    target: string,
    data: unknown,
    options: { subtarget?: string; resource?: string } = {},
  ): Promise<number> {
    return this.changes.notify(actor, target, data, options);
  }

  /** Stops registering diffs for `target[/subtarget]` (e.g. around a bulk import). True when newly suspended. */
  suspend(actor: ActorHandle, target: string, subtarget = ''): Promise<boolean> {
    return this.changes.suspend(actor, target, subtarget);
  }

  /**
   * Resumes a suspended target: every inbound subscription it covers gets a
   * new sequence number and a `resync` callback pointing at the current state
   * (tag `subscriptionresync`). Returns how many resync callbacks were queued.
   */
  resume(actor: ActorHandle, target: string, subtarget = ''): Promise<number> {
    return this.changes.resume(actor, target, subtarget);
  }

  /** Ends a peer's subscription to `actor`: tells the peer, then deletes ours. False when there was none. */
  revokePeerSubscription(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    return this.inbound.revoke(actor, peerId, subscriptionId);
  }

  // ------------------------------------------------------------ subscriber side

  /**
   * Subscribes `actor` to a peer it trusts: `POST <peer>/subscriptions/<me>`,
   * then stores the outbound subscription. Fires `subscription_created`. No
   * trust with the peer, the peer unreachable or answering anything but 201
   * with a `subscriptionid` → PeerRequestFailedError (408), saying what failed.
   */
  subscribeToPeer(
    actor: ActorHandle,
    peerId: string,
    target: string,
    subtarget = '',
    resource = '',
    granularity: Granularity = 'high',
  ): Promise<SubscriptionRecord> {
    return this.outbound.subscribe(actor, peerId, target, subtarget, resource, granularity);
  }

  /** The subscription's URL at the publisher (the `Location` of its 201). */
  remoteUrl(trustBaseuri: string, actorId: string, subscriptionId: string): string {
    return this.outbound.remoteUrl(trustBaseuri, actorId, subscriptionId);
  }

  /** Base URI of the trust with `peerId` (for Location headers). */
  peerBaseuri(actorId: string, peerId: string): Promise<string> {
    return this.outbound.peerBaseuri(actorId, peerId);
  }

  /** Cancels an outbound subscription: tells the publisher, then deletes ours. False when there was none. */
  unsubscribe(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    return this.outbound.unsubscribe(actor, peerId, subscriptionId);
  }

  /** Pulls what is pending on one outbound subscription and passes it to the hooks, in order. */
  syncSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionSyncResult> {
    return this.sync.syncSubscription(actor, peerId, subscriptionId);
  }

  /** {@link syncSubscription} for every outbound subscription to `peerId`: a subscriber that was down catches up. */
  syncPeer(actor: ActorHandle, peerId: string): Promise<PeerSyncResult> {
    return this.sync.syncPeer(actor, peerId);
  }

  // ------------------------------------------------------------ either side

  /**
   * Deletes a subscription in either direction. With `notifyPeer`, the peer is
   * told first (a publisher calls `<sub>/subscriptions/<me>/<subid>`, a
   * subscriber `<pub>/callbacks/subscriptions/<me>/<subid>`). NotFoundError
   * when there is no such subscription.
   */
  deleteSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
    options: { notifyPeer: boolean; initiatedByPeer: boolean },
  ): Promise<void> {
    return this.lifecycle.deleteSubscription(actor, peerId, subscriptionId, options);
  }
}

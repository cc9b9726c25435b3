import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import { CallbackDelivery, type DeliveryStats } from '../../subscriptions/publisher/callback-delivery.service.js';
import {
  SubscriptionManager,
  type Granularity,
  type SubscriptionRecord,
} from '../../subscriptions/subscription-manager.service.js';
import { TrustManager } from '../../trust/trust-manager.service.js';
import { assertPeerAnswers } from './peer-check.js';

/** A peer's subscription to the actor, with the changes it has not acknowledged yet. */
export interface InboundSubscription extends SubscriptionRecord {
  /** Diffs still stored for it: not yet delivered (high), or not yet fetched and cleared (low, none). */
  readonly waiting: number;
}

/** Everything the subscriptions page shows. */
export interface SubscriptionsOverview {
  readonly inbound: readonly InboundSubscription[];
  readonly outbound: readonly SubscriptionRecord[];
  readonly delivery: DeliveryStats;
  /** Every trust of the actor (to name the peers, and to subscribe to one). */
  readonly trusts: readonly TrustRecord[];
}

/**
 * Subscriptions for the owner console, through SubscriptionManager: both
 * directions with their last sequence, delivery health (diffs waiting per
 * subscription, and the server's callback delivery counters), subscribing to
 * a trusted peer, and ending a subscription. Ending one tells the peer; when
 * the peer does not answer, nothing changes (502) unless the owner ends it
 * here only.
 */
@Injectable()
export class ConsoleSubscriptions {
  constructor(
    @Inject(SubscriptionManager) private readonly subscriptions: SubscriptionManager,
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
  ) {}

  async overview(actorId: string): Promise<SubscriptionsOverview> {
    const inbound = await this.subscriptions.listInbound(actorId);
    const withWaiting = await Promise.all(
      inbound.map(async (s) => ({
        ...s,
        waiting: (await this.subscriptions.getWithDiffs(actorId, s.peerId, s.subscriptionId)).diffs.length,
      })),
    );
    return {
      inbound: withWaiting,
      outbound: await this.subscriptions.listOutbound(actorId),
      delivery: this.delivery.stats(),
      trusts: await this.trust.getRelationships(actorId),
    };
  }

  /** Subscribes to a trusted peer (`POST <peer>/subscriptions/<me>`); a failed request changes nothing. */
  subscribe(
    actor: ActorHandle,
    peerId: string,
    target: string,
    subtarget: string,
    granularity: Granularity,
  ): Promise<SubscriptionRecord> {
    return this.subscriptions.subscribeToPeer(actor, peerId, target, subtarget, '', granularity);
  }

  /** Ends a subscription in either direction; `hereOnly` does not tell the peer. */
  async end(actor: ActorHandle, peerId: string, subscriptionId: string, hereOnly: boolean): Promise<void> {
    await this.find(actor.id, peerId, subscriptionId);
    const trust = await this.trust.getRelationship(actor.id, peerId);
    if (!hereOnly && trust) await assertPeerAnswers(this.trust, trust.baseuri);
    await this.subscriptions.deleteSubscription(actor, peerId, subscriptionId, {
      notifyPeer: !hereOnly,
      initiatedByPeer: false,
    });
  }

  async find(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord> {
    const record =
      (await this.subscriptions.getOutbound(actorId, peerId, subscriptionId)) ??
      (await this.subscriptions.getInbound(actorId, peerId, subscriptionId));
    if (!record) throw new NotFoundError('There is no such subscription', 'subscription_not_found');
    return record;
  }
}

import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { logPrefix } from '../common/request-context.js';
import { ActingWebError, NotFoundError } from '../errors/actingweb.errors.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { AwProxy } from '../peers/aw-proxy.service.js';
import { SubscriptionRepository, type SubscriptionRecord } from '../storage/subscription.repository.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { TrustEvents, type TrustDeletion } from '../trust/trust-events.js';
import { subscriptionView } from './subscription.view.js';

/** How a subscription ends: whether the peer is told, and whether the peer ended it. */
export interface EndOptions {
  notifyPeer: boolean;
  initiatedByPeer: boolean;
}

/**
 * What both directions share: the `subscription_created` and
 * `subscription_deleted` lifecycle hooks, and ending a subscription, by
 * either side or with its trust (ActingWeb spec, "Initiating and Enumerating
 * Subscriptions").
 */
@Injectable()
export class SubscriptionLifecycle implements OnModuleInit {
  private readonly logger = new Logger('SubscriptionManager');

  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(TrustEvents) private readonly trustEvents: TrustEvents,
  ) {}

  onModuleInit(): void {
    this.trustEvents.onDeletion((deletion) => this.trustDeleting(deletion));
  }

  /**
   * `DELETE /subscriptions/<peer>/<subid>`, whichever way it runs. The peer
   * deleting it is not told; the creator (trustee, admin) deleting it tells the peer.
   */
  deleteAsRequested(
    actor: ActorHandle,
    caller: Caller,
    peerId: string,
    subscriptionId: string,
  ): Promise<void> {
    const byPeer = caller.kind === 'peer' && caller.peerId === peerId;
    return this.deleteSubscription(actor, peerId, subscriptionId, {
      notifyPeer: !byPeer,
      initiatedByPeer: byPeer,
    });
  }

  /**
   * Deletes a subscription in either direction. With `notifyPeer`, the peer is
   * told first, on the route the reference uses: a publisher calls
   * `<sub>/subscriptions/<me>/<subid>`, a subscriber
   * `<pub>/callbacks/subscriptions/<me>/<subid>`. 404 when there is no such subscription.
   */
  async deleteSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
    options: EndOptions,
  ): Promise<void> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId);
    if (!record) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    await this.end(actor, record, options);
  }

  /** Ends one subscription: tells the peer (when asked), deletes it, fires `subscription_deleted`. */
  async end(actor: ActorHandle, record: SubscriptionRecord, options: EndOptions): Promise<void> {
    if (options.notifyPeer) await this.tellPeer(actor, record);
    const deleted = await this.subscriptions.delete(actor.id, record.peerId, record.subscriptionId);
    if (deleted) await this.fire('subscription_deleted', actor, deleted, options.initiatedByPeer);
  }

  async fire(
    event: 'subscription_created' | 'subscription_deleted',
    actor: ActorHandle,
    record: SubscriptionRecord,
    initiatedByPeer: boolean,
  ): Promise<void> {
    await this.hooks.runLifecycle({
      event,
      actor,
      peerId: record.peerId,
      subscriptionId: record.subscriptionId,
      subscriptionData: subscriptionView(record),
      outbound: record.outbound,
      initiatedByPeer,
    });
  }

  /** A trust's subscriptions go with it; `subscription_deleted` fires for each once the trust is gone. */
  private async trustDeleting({
    actor,
    peerId,
    initiatedByPeer,
  }: TrustDeletion): Promise<() => Promise<void>> {
    const doomed = await this.subscriptions.list(actor.id, { peerId });
    return async () => {
      for (const record of doomed) await this.fire('subscription_deleted', actor, record, initiatedByPeer);
    };
  }

  /** Best effort: the local delete happens whatever the peer answers. */
  private async tellPeer(actor: ActorHandle, record: SubscriptionRecord): Promise<void> {
    const trust = await this.trusts.get(actor.id, record.peerId);
    if (!trust) return;
    const path = record.outbound
      ? `callbacks/subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(record.subscriptionId)}`
      : `subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(record.subscriptionId)}`;
    try {
      const answer = await this.proxy.deleteResource({ baseuri: trust.baseuri, secret: trust.secret }, path);
      if (answer.status >= 300 && answer.status !== 404)
        this.logger.warn(
          `${logPrefix()}Peer ${record.peerId} answered ${answer.status} to the subscription delete`,
        );
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      this.logger.warn(
        `${logPrefix()}Could not tell ${record.peerId} about the deleted subscription: ${err.message}`,
      );
    }
  }
}

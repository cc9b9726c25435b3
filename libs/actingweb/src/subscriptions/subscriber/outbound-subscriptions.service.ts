import { Inject, Injectable } from '@nestjs/common';
import { isPlainObject } from '../../common/json.js';
import { ActingWebError, PeerRequestFailedError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { AwProxy, type PeerResponse } from '../../peers/aw-proxy.service.js';
import {
  SubscriptionRepository,
  type Granularity,
  type SubscriptionRecord,
} from '../../storage/subscription.repository.js';
import { TrustRepository } from '../../storage/trust.repository.js';
import { requireTrust } from '../../trust/require-trust.js';
import type { InitiateSubscriptionDto } from '../dto/subscription.dto.js';
import { CALLBACK_ENCODINGS_WE_ACCEPT } from '../publisher/callback-encoding.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import { validateScope } from '../subscription-scope.js';

/**
 * Our actors' subscriptions to peers (ActingWeb spec, "Initiating and
 * Enumerating Subscriptions"): asking the publisher, storing the outbound
 * subscription, cancelling it.
 */
@Injectable()
export class OutboundSubscriptions {
  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
  ) {}

  /** `POST /<me>/subscriptions` by the creator: subscribes, and returns the subscription's URL at the peer. */
  async initiate(actor: ActorHandle, dto: InitiateSubscriptionDto): Promise<string> {
    const record = await this.subscribe(
      actor,
      dto.peerid,
      dto.target,
      dto.subtarget ?? '',
      dto.resource ?? '',
      dto.granularity ?? 'none',
    );
    return this.remoteUrl(await this.peerBaseuri(actor.id, record.peerId), actor.id, record.subscriptionId);
  }

  /**
   * `POST <peer>/subscriptions/<me>`, then stores the outbound subscription
   * and fires `subscription_created`. No trust with the peer (step `trust`),
   * the peer unreachable or answering anything but 201 with a
   * `subscriptionid` (step `subscription_request`) → PeerRequestFailedError
   * (408), saying what failed.
   */
  async subscribe(
    actor: ActorHandle,
    peerId: string,
    target: string,
    subtarget = '',
    resource = '',
    granularity: Granularity = 'high',
  ): Promise<SubscriptionRecord> {
    const scope = validateScope({ target, subtarget, resource, granularity }, 'high');
    // As in the reference, no trust means no remote subscription can be made: 408 too.
    const trust = await this.trusts.get(actor.id, peerId);
    if (!trust)
      throw new PeerRequestFailedError(
        'trust',
        `Could not create the subscription at peer ${peerId}: there is no trust with it`,
      );
    let answer: PeerResponse<Record<string, unknown>>;
    try {
      answer = await this.proxy.createResource<Record<string, unknown>>(
        { baseuri: trust.baseuri, secret: trust.secret },
        `subscriptions/${encodeURIComponent(actor.id)}`,
        { id: actor.id, ...scope, accept_encoding: CALLBACK_ENCODINGS_WE_ACCEPT },
      );
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: ${err.message}`,
      );
    }
    const body = answer.data;
    if (answer.status !== 201)
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: it answered ${answer.status}`,
        answer.status,
      );
    if (!isPlainObject(body) || typeof body.subscriptionid !== 'string' || !body.subscriptionid)
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: its answer has no subscriptionid`,
        answer.status,
      );
    const sequence =
      typeof body.sequence === 'number' && Number.isSafeInteger(body.sequence) ? body.sequence : 0;
    const record: SubscriptionRecord = {
      actorId: actor.id,
      peerId,
      subscriptionId: body.subscriptionid,
      outbound: true,
      ...scope,
      sequence: Math.max(0, sequence),
      acceptEncoding: [...CALLBACK_ENCODINGS_WE_ACCEPT],
      createdAt: new Date().toISOString(),
    };
    await this.subscriptions.insert(record);
    await this.lifecycle.fire('subscription_created', actor, record, false);
    return record;
  }

  /** The subscription's URL at the publisher (the `Location` of its 201). */
  remoteUrl(trustBaseuri: string, actorId: string, subscriptionId: string): string {
    return `${trustBaseuri.replace(/\/+$/, '')}/subscriptions/${actorId}/${subscriptionId}`;
  }

  /** Base URI of the trust with `peerId`; 404 without one. */
  async peerBaseuri(actorId: string, peerId: string): Promise<string> {
    return (await requireTrust(this.trusts, actorId, peerId)).baseuri;
  }

  /** Cancels an outbound subscription: tells the publisher, then deletes ours. False when there was none. */
  async unsubscribe(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId, true);
    if (!record) return false;
    await this.lifecycle.end(actor, record, { notifyPeer: true, initiatedByPeer: false });
    return true;
  }
}

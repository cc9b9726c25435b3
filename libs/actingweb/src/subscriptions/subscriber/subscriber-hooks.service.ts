import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../../common/caller.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { HookInvoker } from '../../hooks/hook-invoker.service.js';
import type { SubscriptionRecord } from '../../storage/subscription.repository.js';
import type { TrustRecord } from '../../storage/trust.repository.js';

/** What the application's hooks get for one processed diff (or resync) of an outbound subscription. */
@Injectable()
export class SubscriberHooks {
  constructor(@Inject(HookInvoker) private readonly hooks: HookInvoker) {}

  /** `@SubscriptionHook`s for the target (then `*`), then the `subscription` `@CallbackHook`s. */
  async diff(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    sequence: number,
    data: unknown,
    type: 'diff' | 'resync',
  ): Promise<void> {
    await this.hooks.runSubscription({
      actor,
      peerId: sub.peerId,
      subscriptionId: sub.subscriptionId,
      target: sub.target,
      subtarget: sub.subtarget || null,
      resource: sub.resource || null,
      sequence,
      data,
      type,
    });
    await this.callback(actor, sub, trust, { data, sequence, type });
  }

  /** The `subscription` `@CallbackHook`s: `{peerid, subscription, data, sequence?, type}`. */
  async callback(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    payload: { data: unknown; sequence?: number; type: 'diff' | 'resync' | 'opaque' },
  ): Promise<void> {
    const caller: Caller = {
      kind: 'peer',
      peerId: trust.peerId,
      relationship: trust.relationship,
      approved: trust.approved,
    };
    await this.hooks.runCallback({
      actor,
      name: 'subscription',
      data: {
        peerid: sub.peerId,
        subscription: {
          subscriptionid: sub.subscriptionId,
          target: sub.target,
          subtarget: sub.subtarget,
          resource: sub.resource,
          granularity: sub.granularity,
        },
        ...payload,
      },
      caller,
      httpMethod: 'POST',
    });
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { logPrefix } from '../../common/request-context.js';
import { ServiceUnavailableError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { SubscriptionRecord } from '../../storage/subscription.repository.js';
import { TrustRepository } from '../../storage/trust.repository.js';
import { requireTrust } from '../../trust/require-trust.js';
import { decideCallback } from './callback-sequencing.js';
import { PublisherClient } from './publisher-client.service.js';
import { isOpaque, parseCallback, type ReceivedCallback } from './received-callback.js';
import { SubscriberHooks } from './subscriber-hooks.service.js';
import { MAX_RACES, SubscriptionSync } from './subscription-sync.service.js';

/**
 * Callbacks on our outbound subscriptions (ActingWeb spec, "Getting
 * Subscription Updates" and "Callback Delivery Semantics") go through
 * sequence tracking: duplicates are dropped, the next one is processed, a gap
 * makes us poll the publisher and process what is pending in order
 * ({@link SubscriptionSync}), a resync fetches the current state. The
 * `@SubscriptionHook`s and the `subscription` `@CallbackHook`s get each diff
 * once, in order.
 */
@Injectable()
export class CallbackReceiver {
  private readonly logger = new Logger('SubscriptionCallbacks');

  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(SubscriptionSync) private readonly sync: SubscriptionSync,
    @Inject(PublisherClient) private readonly publisher: PublisherClient,
    @Inject(SubscriberHooks) private readonly hooks: SubscriberHooks,
  ) {}

  /**
   * `POST /<me>/callbacks/subscriptions/<peer>/<subid>`: unknown subscription →
   * 404; a malformed body → 400; a gap we cannot fill now (publisher
   * unreachable) → 503, so the publisher keeps the diff. A JSON object with
   * none of the callback fields is not a diff: the `subscription` callback
   * hooks get it as it is (`type: 'opaque'`), the sequence does not move.
   */
  async receive(actor: ActorHandle, peerId: string, subscriptionId: string, body: unknown): Promise<void> {
    const sub = await this.sync.requireOutbound(actor.id, peerId, subscriptionId);
    if (isOpaque(body)) {
      this.logger.warn(
        `${logPrefix()}Callback from ${peerId} on subscription ${subscriptionId} carries no diff; passed to the hooks as it is`,
      );
      const trust = await requireTrust(this.trusts, actor.id, peerId);
      await this.hooks.callback(actor, sub, trust, { data: body, type: 'opaque' });
      return;
    }
    const callback = parseCallback(body);
    await this.sync.inOrder(sub, () => this.process(actor, sub, callback));
  }

  private async process(
    actor: ActorHandle,
    initial: SubscriptionRecord,
    callback: ReceivedCallback,
  ): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const sub = await this.sync.requireOutbound(actor.id, initial.peerId, initial.subscriptionId);
      const trust = await requireTrust(this.trusts, actor.id, sub.peerId);
      switch (decideCallback(sub.sequence, callback.sequence, callback.type)) {
        case 'duplicate':
          return;
        case 'gap':
          await this.sync.catchUp(actor, sub, trust);
          return;
        case 'resync': {
          const state = await this.publisher.state(sub, trust);
          if (!(await this.sync.claim(sub, callback.sequence))) continue;
          await this.hooks.diff(actor, sub, trust, callback.sequence, state, 'resync');
          await this.publisher.clear(sub, trust, callback.sequence);
          return;
        }
        case 'next': {
          const low = !callback.hasData;
          let data = callback.data;
          if (low) {
            const fetched = await this.publisher.diff(sub, trust, callback.sequence);
            if (fetched === undefined) {
              // Cleared or never stored: the poll tells what is really pending.
              await this.sync.catchUp(actor, sub, trust);
              return;
            }
            data = fetched;
          }
          if (!(await this.sync.claim(sub, callback.sequence))) continue;
          await this.hooks.diff(actor, sub, trust, callback.sequence, data, 'diff');
          if (low) await this.publisher.clear(sub, trust, callback.sequence);
          return;
        }
      }
    }
    throw new ServiceUnavailableError(
      'Subscription is being processed elsewhere; retry',
      'sequence_contended',
    );
  }
}

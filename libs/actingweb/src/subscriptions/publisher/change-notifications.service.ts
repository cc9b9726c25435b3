import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import type { Delivery } from './callback-delivery.service.js';
import { CallbackOutbox } from './callback-outbox.service.js';
import { resyncDelivery } from './callback-selection.js';
import { DiffRegistrar, type WriteCallbacks } from './diff-registrar.service.js';

/**
 * What the application tells subscribers itself: changes of its own targets
 * (property changes are registered by {@link DiffRegistrar} as they commit),
 * and suspending a target around a bulk change, then resuming it with a
 * resync (ActingWeb spec, "Resync Callback").
 */
@Injectable()
export class ChangeNotifications {
  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(DiffRegistrar) private readonly registrar: DiffRegistrar,
    @Inject(CallbackOutbox) private readonly outbox: CallbackOutbox,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
  ) {}

  /** Registers a change of `target/subtarget/resource` for every subscription on it and sends the callbacks. */
  async notify(
    actor: ActorHandle,
    target: string,
    data: unknown,
    options: { subtarget?: string; resource?: string } = {},
  ): Promise<number> {
    const path = [options.subtarget, ...(options.resource ?? '').split('/')].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const callbacks = await this.database.transaction((tx) =>
      this.registrar.register(tx, actor.id, target, [{ path, operation: 'put', newValue: data }]),
    );
    this.registrar.send(callbacks);
    return callbacks.deliveries.length;
  }

  /** Stops registering diffs for `target[/subtarget]`. True when newly suspended. */
  suspend(actor: ActorHandle, target: string, subtarget = ''): Promise<boolean> {
    return this.subscriptions.suspend(actor.id, target, subtarget);
  }

  /**
   * Resumes a suspended target: every inbound subscription it covers gets a
   * new sequence number and a `resync` callback pointing at the current state
   * (tag `subscriptionresync`). Returns how many resync callbacks were queued.
   * One transaction ends the suspension and numbers the resyncs; on PostgreSQL
   * with the outbox it records them too, so another instance sends them if
   * this one stops first (docs/subscriptions.md, "Delivery across instances").
   * It holds the actor's subscription lock until it commits: writes to the
   * actor that have subscribers wait for it.
   */
  async resume(actor: ActorHandle, target: string, subtarget = ''): Promise<number> {
    const timestamp = new Date().toISOString();
    const callbacks = await this.database.transaction(async (tx): Promise<WriteCallbacks> => {
      await this.subscriptions.resume(actor.id, target, subtarget, tx);
      const deliveries: Delivery[] = [];
      for (const sub of await this.subscriptions.inboundWithTrust(actor.id, target, tx)) {
        if (subtarget && sub.subtarget && sub.subtarget !== subtarget) continue;
        const sequence = await this.subscriptions.allocateOne(actor.id, sub.peerId, sub.subscriptionId, tx);
        const delivery = sequence === null ? null : resyncDelivery(actor.id, sub, sequence, timestamp);
        if (delivery) deliveries.push(delivery);
      }
      if (!this.outbox.enabled || deliveries.length === 0) return { deliveries };
      const workId = await this.outbox.recordResync(tx, actor.id, {
        target,
        timestamp,
        callbacks: deliveries.map((d) => [d.peerId, d.subscriptionId, d.sequence]),
      });
      return { deliveries, workId };
    });
    this.registrar.send(callbacks);
    return callbacks.deliveries.length;
  }
}

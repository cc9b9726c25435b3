import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import { DiffRegistrar } from './diff-registrar.service.js';

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
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
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
   */
  async resume(actor: ActorHandle, target: string, subtarget = ''): Promise<number> {
    await this.subscriptions.resume(actor.id, target, subtarget);
    const subs = await this.subscriptions.inboundWithTrust(actor.id, target, this.database.db);
    const deliveries: Delivery[] = [];
    for (const sub of subs) {
      if (subtarget && sub.subtarget && sub.subtarget !== subtarget) continue;
      const sequence = await this.subscriptions.allocateOne(actor.id, sub.peerId, sub.subscriptionId);
      if (sequence === null || sub.granularity === 'none') continue;
      deliveries.push({
        actorId: actor.id,
        peerId: sub.peerId,
        subscriptionId: sub.subscriptionId,
        target: sub.target,
        subtarget: sub.subtarget,
        resource: sub.resource,
        granularity: sub.granularity === 'low' ? 'low' : 'high',
        sequence,
        timestamp: new Date().toISOString(),
        type: 'resync',
        baseuri: sub.baseuri,
        secret: sub.secret,
        acceptEncoding: sub.acceptEncoding,
      });
    }
    this.delivery.enqueue(deliveries);
    return deliveries.length;
  }
}

import { Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { Access, Actor, Caller } from '../../auth/access.decorators.js';
import { ActorController } from '../../auth/actor-controller.decorator.js';
import { ValidBody } from '../../http/valid-body.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import type { ActorRecord } from '../../storage/actor.repository.js';
import { ClearDiffsDto } from '../dto/subscription.dto.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import { subscriptionWithDiffsView } from '../subscription.view.js';
import { InboundSubscriptions } from './inbound-subscriptions.service.js';

const PEER_ROUTE = ['subscriptions/<id>', { peerParam: 'peerId' }] as const;

/**
 * One subscription, `/<id>/subscriptions/<peer>/<subid>` (ActingWeb spec,
 * "Getting Subscription Updates"): its pending diffs, polled and cleared by
 * the subscriber, and deleting it.
 */
@ActorController('subscriptions/:peerId/:subscriptionId')
export class SubscriptionController {
  constructor(
    @Inject(InboundSubscriptions) private readonly inbound: InboundSubscriptions,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** The subscription with its pending diffs and current `sequence`. */
  @Get()
  @Access(...PEER_ROUTE)
  async get(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') id: string,
  ) {
    const { subscription, diffs } = await this.inbound.withDiffs(actor.id, peerId, id);
    return subscriptionWithDiffsView(actor.id, subscription, diffs);
  }

  /** `{"sequence": N}` clears every diff ≤ N. */
  @Put()
  @Access(...PEER_ROUTE)
  @HttpCode(204)
  async clear(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') id: string,
    @ValidBody(ClearDiffsDto) dto: ClearDiffsDto,
  ): Promise<void> {
    await this.inbound.clearDiffs(actor.id, peerId, id, dto.sequence);
  }

  /** Deletes the subscription, whichever way it runs; the creator deleting it also tells the peer. */
  @Delete()
  @Access(...PEER_ROUTE)
  @HttpCode(204)
  async delete(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') id: string,
  ): Promise<void> {
    await this.lifecycle.deleteAsRequested(this.handles.create(actor), caller, peerId, id);
  }
}

import { Delete, Get, HttpCode, Inject, Param } from '@nestjs/common';
import { Access, Actor } from '../../auth/access.decorators.js';
import { ActorController } from '../../auth/actor-controller.decorator.js';
import type { ActorRecord } from '../../storage/actor.repository.js';
import { diffView } from '../subscription.view.js';
import { InboundSubscriptions } from './inbound-subscriptions.service.js';
import { SequencePipe } from './sequence.pipe.js';

const PEER_ROUTE = ['subscriptions/<id>', { peerParam: 'peerId' }] as const;

/** One pending diff, `/<id>/subscriptions/<peer>/<subid>/<n>`: the URL a low-granularity callback points at. */
@ActorController('subscriptions/:peerId/:subscriptionId/:sequence')
export class SubscriptionDiffController {
  constructor(@Inject(InboundSubscriptions) private readonly inbound: InboundSubscriptions) {}

  /** One pending diff (the low-granularity URL); 404 once cleared. */
  @Get()
  @Access(...PEER_ROUTE)
  async getDiff(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') id: string,
    @Param('sequence', SequencePipe) sequence: number,
  ) {
    const { subscription, diff } = await this.inbound.diff(actor.id, peerId, id, sequence);
    return diffView(actor.id, subscription, diff);
  }

  /** Clears one diff: 204, or 404 when there is none. */
  @Delete()
  @Access(...PEER_ROUTE)
  @HttpCode(204)
  async deleteDiff(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') id: string,
    @Param('sequence', SequencePipe) sequence: number,
  ): Promise<void> {
    await this.inbound.deleteDiff(actor.id, peerId, id, sequence);
  }
}

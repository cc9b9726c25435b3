import { Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../../auth/access.decorators.js';
import { ActorController } from '../../auth/actor-controller.decorator.js';
import { ValidBody } from '../../http/valid-body.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import type { ActorRecord } from '../../storage/actor.repository.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import { subscriptionFilter, type QueryValues } from '../dto/subscription-filter.js';
import { CreateSubscriptionDto, InitiateSubscriptionDto } from '../dto/subscription.dto.js';
import { OutboundSubscriptions } from '../subscriber/outbound-subscriptions.service.js';
import { createdSubscriptionView, subscriptionListView } from '../subscription.view.js';
import { InboundSubscriptions } from './inbound-subscriptions.service.js';

/** `/<id>/subscriptions[/<peer>]` (ActingWeb spec, "/subscriptions - Subscriptions"): listing and subscribing. */
@ActorController('subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(InboundSubscriptions) private readonly inbound: InboundSubscriptions,
    @Inject(OutboundSubscriptions) private readonly outbound: OutboundSubscriptions,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** Both directions (`callback: true` = this actor subscribed), filtered by `peerid`, `target`, `subtarget`, `resource`. */
  @Get()
  @Access('subscriptions')
  async list(@Actor() actor: ActorRecord, @Query() query: QueryValues) {
    return subscriptionListView(
      actor.id,
      await this.subscriptions.list(actor.id, subscriptionFilter(query, true)),
    );
  }

  /**
   * The creator asks this actor to subscribe to a peer it trusts: 204 with
   * `Location` = the subscription's URL at the peer, no body (as the
   * reference). The peer unreachable or refusing → 408.
   */
  @Post()
  @Access('subscriptions')
  @HttpCode(204)
  async initiate(
    @Actor() actor: ActorRecord,
    @ValidBody(InitiateSubscriptionDto) dto: InitiateSubscriptionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    reply.header('location', await this.outbound.initiate(this.handles.create(actor), dto));
  }

  /** Subscriptions with one peer, both directions; for the peer itself, the creator or admin. */
  @Get(':peerId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async listPeer(@Actor() actor: ActorRecord, @Param('peerId') peerId: string, @Query() query: QueryValues) {
    const records = await this.subscriptions.list(actor.id, { ...subscriptionFilter(query, false), peerId });
    return subscriptionListView(actor.id, records, peerId);
  }

  /** The peer subscribes: 201, `Location: <me>/subscriptions/<peer>/<subid>`, body with `subscriptionid`. */
  @Post(':peerId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async create(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('peerId') peerId: string,
    @ValidBody(CreateSubscriptionDto) dto: CreateSubscriptionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const handle = this.handles.create(actor);
    const record = await this.inbound.subscribe(handle, caller, peerId, dto);
    reply.status(201).header('location', `${handle.url}/subscriptions/${peerId}/${record.subscriptionId}`);
    return createdSubscriptionView(record);
  }
}

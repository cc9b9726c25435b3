import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute } from '../../auth/actor-route.js';
import { ActorRouter } from '../../auth/actor-router.js';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import { subscriptionFilter, type QueryValues } from '../dto/subscription-filter.js';
import {
  ClearDiffsDto,
  CreateSubscriptionDto,
  InitiateSubscriptionDto,
  parseSequence,
} from '../dto/subscription.dto.js';
import { OutboundSubscriptions } from '../subscriber/outbound-subscriptions.service.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import {
  createdSubscriptionView,
  diffView,
  subscriptionListView,
  subscriptionWithDiffsView,
} from '../subscription.view.js';
import { InboundSubscriptions } from './inbound-subscriptions.service.js';

const LIST = '/:actorId/subscriptions';
const PEER = `${LIST}/:peerId`;
const ONE = `${PEER}/:subscriptionId`;
const DIFF = `${ONE}/:sequence`;
/** Every route below `<peer>`: one access key, `owner` rules compare the caller with `:peerId`. */
const PEER_ACCESS = { access: 'subscriptions/<id>', peerParam: 'peerId' } as const;

/**
 * `/<id>/subscriptions[/<peer>[/<subid>[/<n>]]]` (ActingWeb spec,
 * "/subscriptions - Subscriptions"): listing and subscribing; one
 * subscription (spec, "Getting Subscription Updates"), its pending diffs,
 * polled and cleared by the subscriber, and deleting it; one pending diff, the
 * URL a low-granularity callback points at.
 */
@Injectable()
export class SubscriptionsRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(InboundSubscriptions) private readonly inbound: InboundSubscriptions,
    @Inject(OutboundSubscriptions) private readonly outbound: OutboundSubscriptions,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  onModuleInit(): void {
    const { subscriptions, inbound, outbound, lifecycle, handles } = this;
    this.router.install([
      /** Both directions (`callback: true` = this actor subscribed), filtered by `peerid`, `target`, `subtarget`, `resource`. */
      actorRoute({
        method: 'GET',
        url: LIST,
        access: 'subscriptions',
        handle: async ({ actor, query }) =>
          subscriptionListView(
            actor.id,
            await subscriptions.list(actor.id, subscriptionFilter(query as QueryValues, true)),
          ),
      }),
      /**
       * The creator asks this actor to subscribe to a peer it trusts: 204 with
       * `Location` = the subscription's URL at the peer, no body (as the
       * reference). The peer unreachable or refusing → 408.
       */
      actorRoute({
        method: 'POST',
        url: LIST,
        access: 'subscriptions',
        body: InitiateSubscriptionDto,
        status: 204,
        handle: async ({ actor, body, reply }) => {
          reply.header('location', await outbound.initiate(handles.create(actor), body));
        },
      }),
      /** Subscriptions with one peer, both directions; for the peer itself, the creator or admin. */
      actorRoute({
        method: 'GET',
        url: PEER,
        ...PEER_ACCESS,
        handle: async ({ actor, params, query }) => {
          const filter = { ...subscriptionFilter(query as QueryValues, false), peerId: params.peerId };
          return subscriptionListView(actor.id, await subscriptions.list(actor.id, filter), params.peerId);
        },
      }),
      /** The peer subscribes: 201, `Location: <me>/subscriptions/<peer>/<subid>`, body with `subscriptionid`. */
      actorRoute({
        method: 'POST',
        url: PEER,
        ...PEER_ACCESS,
        body: CreateSubscriptionDto,
        status: 201,
        handle: async ({ actor, caller, params, body, reply }) => {
          const handle = handles.create(actor);
          const record = await inbound.subscribe(handle, caller, params.peerId, body);
          reply.header('location', `${handle.url}/subscriptions/${params.peerId}/${record.subscriptionId}`);
          return createdSubscriptionView(record);
        },
      }),
      /** The subscription with its pending diffs and current `sequence`. */
      actorRoute({
        method: 'GET',
        url: ONE,
        ...PEER_ACCESS,
        handle: async ({ actor, params }) => {
          const { subscription, diffs } = await inbound.withDiffs(
            actor.id,
            params.peerId,
            params.subscriptionId,
          );
          return subscriptionWithDiffsView(actor.id, subscription, diffs);
        },
      }),
      /** `{"sequence": N}` clears every diff ≤ N. */
      actorRoute({
        method: 'PUT',
        url: ONE,
        ...PEER_ACCESS,
        body: ClearDiffsDto,
        status: 204,
        handle: async ({ actor, params, body }) => {
          await inbound.clearDiffs(actor.id, params.peerId, params.subscriptionId, body.sequence);
        },
      }),
      /** Deletes the subscription, whichever way it runs; the creator deleting it also tells the peer. */
      actorRoute({
        method: 'DELETE',
        url: ONE,
        ...PEER_ACCESS,
        status: 204,
        handle: async ({ actor, caller, params }) => {
          await lifecycle.deleteAsRequested(
            handles.create(actor),
            caller,
            params.peerId,
            params.subscriptionId,
          );
        },
      }),
      /** One pending diff (the low-granularity URL); 404 once cleared. */
      actorRoute({
        method: 'GET',
        url: DIFF,
        ...PEER_ACCESS,
        handle: async ({ actor, params }) => {
          const sequence = sequenceParam(params.sequence);
          const { subscription, diff } = await inbound.diff(
            actor.id,
            params.peerId,
            params.subscriptionId,
            sequence,
          );
          return diffView(actor.id, subscription, diff);
        },
      }),
      /** Clears one diff: 204, or 404 when there is none. */
      actorRoute({
        method: 'DELETE',
        url: DIFF,
        ...PEER_ACCESS,
        status: 204,
        handle: async ({ actor, params }) => {
          const sequence = sequenceParam(params.sequence);
          await inbound.deleteDiff(actor.id, params.peerId, params.subscriptionId, sequence);
        },
      }),
    ]);
  }
}

/** A `:sequence` route parameter: a non-negative integer, 400 otherwise. */
function sequenceParam(raw: string): number {
  const sequence = parseSequence(raw);
  if (sequence === null)
    throw new BadRequestError('The sequence must be a non-negative integer', 'invalid_sequence');
  return sequence;
}

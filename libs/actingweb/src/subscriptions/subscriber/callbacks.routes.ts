import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorRoute, type ActorCall, type ActorRoute } from '../../auth/actor-route.js';
import { ActorRouter } from '../../auth/actor-router.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import { answerFromHooks, type HookAnswerRule, type HookStatusTable } from '../../http/hook-answer.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import { ApplicationCallbacks } from './application-callbacks.service.js';
import { CallbackReceiver } from './callback-receiver.service.js';
import { PermissionCallbacks } from './permission-callbacks.service.js';

const SUBSCRIPTION = '/:actorId/callbacks/subscriptions/:peerId/:subscriptionId';
const FROM_PEER = { access: 'callbacks/subscriptions/<id>', peerParam: 'peerId' } as const;

/** Application callbacks, every method: a plain object the hooks return is the 200 answer, another truthy result 204, none 404. */
const ANSWER: HookAnswerRule = {
  status: 200,
  body: 'objectOr204',
  unanswered: () => new NotFoundError('No such callback', 'callback_not_found'),
};
const STATUS: HookStatusTable = { GET: ANSWER, POST: ANSWER, PUT: ANSWER, DELETE: ANSWER };

/** One call of an application callback, `/<id>/callbacks/<name>`. */
interface CallbackCall {
  /** `GET`, `POST`, `PUT` or `DELETE` (after a `_method` override). */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly name: string;
  /** What the hooks get: the body, or without one the query. */
  readonly input: unknown;
}

/** The {@link CallbackCall} of a request to a `/callbacks/*` route. */
function callbackCallOf(request: FastifyRequest): CallbackCall {
  return {
    method: request.method as CallbackCall['method'],
    name: (request.params as Record<string, string | undefined>)['*'] ?? '',
    input: request.body ?? request.query ?? {},
  };
}

/**
 * `/<id>/callbacks/...` (ActingWeb spec, "/callbacks"): the protocol's
 * callbacks, from publishers we subscribed to and permission callbacks from
 * peers that granted us something, and `/<id>/callbacks/<name>` for the
 * application's `@CallbackHook`s. Fastify's router prefers a static segment
 * to the wildcard whatever the order of registration, so
 * `subscriptions/<peer>/<subid>` and `permissions/<peer>` are the protocol's
 * for the methods it serves; other methods there, and any other path (e.g.
 * `subscriptions/<peer>`), go to the application's hooks.
 */
@Injectable()
export class CallbacksRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(CallbackReceiver) private readonly receiver: CallbackReceiver,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
    @Inject(PermissionCallbacks) private readonly permissionCallbacks: PermissionCallbacks,
    @Inject(ApplicationCallbacks) private readonly callbacks: ApplicationCallbacks,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  onModuleInit(): void {
    this.router.install([...this.protocolRoutes(), ...this.applicationRoutes()]);
  }

  private protocolRoutes(): ActorRoute[] {
    const { receiver, lifecycle, permissionCallbacks, handles } = this;
    /** A publisher's callback on one of our subscriptions: 204 once processed (or a duplicate). */
    const subscriptionCallback = async ({ actor, params, body }: ActorCall) => {
      await receiver.receive(handles.create(actor), params.peerId, params.subscriptionId, body);
    };
    return [
      actorRoute({
        method: 'POST',
        url: SUBSCRIPTION,
        ...FROM_PEER,
        status: 204,
        handle: subscriptionCallback,
      }),
      // The Python reference treats PUT like POST here.
      actorRoute({
        method: 'PUT',
        url: SUBSCRIPTION,
        ...FROM_PEER,
        status: 204,
        handle: subscriptionCallback,
      }),
      /** The peer ended the subscription, whichever way it ran (as the reference does): delete ours, 204 or 404. */
      actorRoute({
        method: 'DELETE',
        url: SUBSCRIPTION,
        ...FROM_PEER,
        status: 204,
        handle: async ({ actor, params }) => {
          await lifecycle.deleteSubscription(handles.create(actor), params.peerId, params.subscriptionId, {
            notifyPeer: false,
            initiatedByPeer: true,
          });
        },
      }),
      /** The peer's full permission grant to us (ActingWeb spec, "Permission Callback"): cached, older ones ignored; 204. */
      actorRoute({
        method: 'POST',
        url: '/:actorId/callbacks/permissions/:peerId',
        access: 'callbacks/permissions/<id>',
        peerParam: 'peerId',
        status: 204,
        handle: async ({ actor, caller, params, body }) => {
          await permissionCallbacks.receive(handles.create(actor), caller, params.peerId, body);
        },
      }),
    ];
  }

  /** The application's callbacks: the hooks' answer sets the status (200, 204), or none is 404. */
  private applicationRoutes(): ActorRoute[] {
    const { callbacks, handles } = this;
    return (['GET', 'POST', 'PUT', 'DELETE'] as const).map((method) =>
      actorRoute({
        method,
        url: '/:actorId/callbacks/*',
        access: 'callbacks',
        handle: async ({ actor, caller, request, reply }) => {
          const call = callbackCallOf(request);
          const outcome = await callbacks.run(
            handles.create(actor),
            caller,
            call.method,
            call.name,
            call.input,
          );
          return answerFromHooks(reply, STATUS, call.method, call.name, outcome);
        },
      }),
    );
  }
}

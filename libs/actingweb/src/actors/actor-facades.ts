import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { SubscriptionManager } from '../subscriptions/subscription-manager.service.js';
import { TrustManager } from '../trust/trust-manager.service.js';

/** The public methods of `T` whose first parameter is a `First`. */
type MethodsTaking<T, First> = {
  [K in keyof T]: T[K] extends (first: First, ...rest: never[]) => unknown ? K : never;
}[keyof T];

/** A method without its first parameter. */
type WithoutFirst<F> = F extends (first: never, ...rest: infer A) => infer R ? (...args: A) => R : never;

/** The methods `K` of `T`, each with its first parameter bound. */
type Bound<T, K extends keyof T> = { readonly [P in K]: WithoutFirst<T[P]> };

/*
 * What the facades bind: the calls an application makes for its own actor.
 * Left out are the protocol steps a peer drives over HTTP (answering a trust
 * request, a peer's approval notice, a peer subscribing or polling its diffs),
 * the wire views and the helpers; they stay on the managers. The lists are
 * checked against the managers' signatures: a method in the wrong list does
 * not compile.
 */
const TRUST_BY_ID = [
  'getRelationship',
  'getRelationships',
  'setPermissions',
  'deletePermissions',
] as const satisfies readonly MethodsTaking<TrustManager, string>[];
const TRUST_BY_ACTOR = [
  'createReciprocalTrust',
  'approve',
  'modifyAndNotify',
  'refreshPeerApproval',
  'deleteRelationship',
  'deletePeerTrust',
] as const satisfies readonly MethodsTaking<TrustManager, ActorHandle>[];
const SUBSCRIPTIONS_BY_ID = [
  'list',
  'listInbound',
  'listOutbound',
  'getInbound',
  'getOutbound',
] as const satisfies readonly MethodsTaking<SubscriptionManager, string>[];
const SUBSCRIPTIONS_BY_ACTOR = [
  'subscribeToPeer',
  'unsubscribe',
  'revokePeerSubscription',
  'deleteSubscription',
  'notifySubscribers',
  'suspend',
  'resume',
  'syncSubscription',
  'syncPeer',
] as const satisfies readonly MethodsTaking<SubscriptionManager, ActorHandle>[];

/** The `TrustManager` methods on `actor.trust`. @publicApi */
export type ActorTrustMethod = (typeof TRUST_BY_ID)[number] | (typeof TRUST_BY_ACTOR)[number];
/** The `SubscriptionManager` methods on `actor.subscriptions`. @publicApi */
export type ActorSubscriptionsMethod =
  (typeof SUBSCRIPTIONS_BY_ID)[number] | (typeof SUBSCRIPTIONS_BY_ACTOR)[number];

// The members of the facade types the hook types declare empty (they may not import the managers).
// Merging needs an interface, so these extend rather than alias.
/* eslint-disable @typescript-eslint/no-empty-object-type */
declare module '../hooks/actor-handle.js' {
  interface ActorTrust extends Bound<TrustManager, ActorTrustMethod> {}
  interface ActorSubscriptions extends Bound<SubscriptionManager, ActorSubscriptionsMethod> {}
}
/* eslint-enable @typescript-eslint/no-empty-object-type */

/** `manager`'s `byId` methods called with the actor's id first, its `byActor` methods with the actor. */
export function bindToActor<T extends object, K extends keyof T>(
  manager: T,
  actor: ActorHandle,
  byId: readonly K[],
  byActor: readonly K[],
): Bound<T, K> {
  const facade: Partial<Record<K, unknown>> = {};
  const bind = (key: K, first: unknown) => {
    const method = manager[key] as (...args: unknown[]) => unknown;
    facade[key] = (...args: unknown[]) => method.call(manager, first, ...args);
  };
  for (const key of byId) bind(key, actor.id);
  for (const key of byActor) bind(key, actor);
  return Object.freeze(facade) as Bound<T, K>;
}

/**
 * Supplies `actor.trust` and `actor.subscriptions` to every actor handle. It
 * lives here, above `trust/` and `subscriptions/`, because the handles are
 * built in `properties/`, below them.
 */
@Injectable()
export class ActorFacades implements OnModuleInit {
  constructor(
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(TrustManager) private readonly trustManager: TrustManager,
    @Inject(SubscriptionManager) private readonly subscriptionManager: SubscriptionManager,
  ) {}

  onModuleInit(): void {
    this.handles.bindFacades({
      trust: (actor) => bindToActor(this.trustManager, actor, TRUST_BY_ID, TRUST_BY_ACTOR),
      subscriptions: (actor) =>
        bindToActor(this.subscriptionManager, actor, SUBSCRIPTIONS_BY_ID, SUBSCRIPTIONS_BY_ACTOR),
    });
  }
}

import { describe, expect, it } from '@jest/globals';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { ActorFacadeBinders, ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { SubscriptionManager } from '../subscriptions/subscription-manager.service.js';
import type { TrustManager } from '../trust/trust-manager.service.js';
import { ActorFacades } from './actor-facades.js';

/** A manager stand-in that records each call as `[method, ...args]`. */
function recorder(calls: unknown[][]): object {
  return new Proxy(
    {},
    {
      get:
        (_target, method) =>
        (...args: unknown[]) =>
          calls.push([method, ...args]),
    },
  );
}

describe('ActorFacades', () => {
  const actor = { id: 'a1' } as ActorHandle;
  const calls: unknown[][] = [];
  let binders!: ActorFacadeBinders;
  const factory = { bindFacades: (b: ActorFacadeBinders) => (binders = b) } as unknown as ActorHandleFactory;
  new ActorFacades(
    factory,
    recorder(calls) as TrustManager,
    recorder(calls) as SubscriptionManager,
  ).onModuleInit();

  /** Calls every facade method with `('x')` and returns what reached the manager. */
  function callAll(facade: object): unknown[][] {
    calls.length = 0;
    for (const method of Object.keys(facade)) (facade as Record<string, (x: string) => void>)[method]('x');
    return [...calls];
  }

  it('binds the trust methods an application uses, with the actor or its id first', () => {
    expect(callAll(binders.trust(actor))).toEqual([
      ['getRelationship', 'a1', 'x'],
      ['getRelationships', 'a1', 'x'],
      ['setPermissions', 'a1', 'x'],
      ['deletePermissions', 'a1', 'x'],
      ['createReciprocalTrust', actor, 'x'],
      ['approve', actor, 'x'],
      ['modifyAndNotify', actor, 'x'],
      ['refreshPeerApproval', actor, 'x'],
      ['deleteRelationship', actor, 'x'],
      ['deletePeerTrust', actor, 'x'],
    ]);
  });

  it('binds the subscription methods an application uses, with the actor or its id first', () => {
    expect(callAll(binders.subscriptions(actor))).toEqual([
      ['list', 'a1', 'x'],
      ['listInbound', 'a1', 'x'],
      ['listOutbound', 'a1', 'x'],
      ['getInbound', 'a1', 'x'],
      ['getOutbound', 'a1', 'x'],
      ['subscribeToPeer', actor, 'x'],
      ['unsubscribe', actor, 'x'],
      ['revokePeerSubscription', actor, 'x'],
      ['deleteSubscription', actor, 'x'],
      ['notifySubscribers', actor, 'x'],
      ['suspend', actor, 'x'],
      ['resume', actor, 'x'],
      ['syncSubscription', actor, 'x'],
      ['syncPeer', actor, 'x'],
    ]);
  });

  it('returns frozen facades', () => {
    expect(Object.isFrozen(binders.trust(actor))).toBe(true);
    expect(Object.isFrozen(binders.subscriptions(actor))).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { ActionHook, type ActionHookContext } from '@actingweb/nestjs';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { newActor, SubscriberLog, type TestActor } from './support/subscriptions.js';

/**
 * Calls `actor.trust.<method>(...args)` or `actor.subscriptions.<method>(...args)`
 * from a hook, as an application would.
 */
@Injectable()
class FacadeCalls {
  @ActionHook('call')
  async call({ actor, data }: ActionHookContext) {
    const {
      facade,
      method,
      args = [],
    } = data as { facade: 'trust' | 'subscriptions'; method: string; args?: unknown[] };
    const target = actor[facade] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const result = await target[method](...args);
    return { result: result === undefined ? 'undefined' : result };
  }

  /** The types say which methods exist: these compile only if the facades carry the managers' signatures. */
  @ActionHook('typed')
  async typed({ actor, data }: ActionHookContext) {
    const { peerId } = data as { peerId: string };
    const relationships = await actor.trust.getRelationships({ relationship: 'friend' });
    const outbound = await actor.subscriptions.listOutbound({ peerId });
    // @ts-expect-error answering a peer's trust request is a protocol step, not on the facade
    void actor.trust.createVerifiedTrust;
    return {
      peers: relationships.map((r) => r.peerId),
      subscriptions: outbound.map((s) => s.subscriptionId),
    };
  }
}

/** `actor.trust` and `actor.subscriptions`: the managers' methods bound to the actor, over real HTTP between actors. */
describe.each(STORAGES)('trust and subscription facades of actor handles on $name', (storage) => {
  let server: TestServer;
  let log: SubscriberLog;
  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [FacadeCalls, SubscriberLog] });
    log = server.app.get(SubscriberLog);
  });
  afterAll(() => server.close());

  const facade = async (
    actor: TestActor,
    which: 'trust' | 'subscriptions',
    method: string,
    ...args: unknown[]
  ) => {
    const res = await call(`${actor.url}/actions/call`, {
      method: 'POST',
      headers: actor.auth,
      body: { facade: which, method, args },
    });
    return { status: res.status, result: res.json?.result, message: res.json?.message };
  };

  it('runs the trust handshake, a subscription and its teardown from hooks', async () => {
    const a = await newActor(server, 'a@example.com');
    const b = await newActor(server, 'b@example.com');

    // a asks b for a friend trust; b has not approved yet.
    const asked = await facade(a, 'trust', 'createReciprocalTrust', { url: b.url, relationship: 'friend' });
    expect(asked.status).toBe(201);
    expect(asked.result).toMatchObject({ actorId: a.id, peerId: b.id, approved: true, peerApproved: false });
    const pendingAtB = await call(`${b.url}/trust/friend/${a.id}`, { headers: b.auth });
    expect(pendingAtB.json).toMatchObject({ approved: false, peer_approved: true });

    // b approves: a is told, and its record says so.
    expect((await facade(b, 'trust', 'approve', a.id)).result).toMatchObject({
      approved: true,
      peerApproved: true,
    });
    expect((await call(`${a.url}/trust/friend/${b.id}`, { headers: a.auth })).json).toMatchObject({
      approved: true,
      peer_approved: true,
    });
    const relationships = await facade(a, 'trust', 'getRelationships');
    expect(relationships.result.map((r: { peerId: string }) => r.peerId)).toEqual([b.id]);
    expect((await facade(a, 'trust', 'getRelationship', b.id)).result).toMatchObject({
      relationship: 'friend',
    });

    // a subscribes to b's notes; b's inbound and a's outbound lists agree with HTTP.
    const subscribed = await facade(
      a,
      'subscriptions',
      'subscribeToPeer',
      b.id,
      'properties',
      'notes',
      '',
      'none',
    );
    expect(subscribed.status).toBe(201);
    const subscriptionId = subscribed.result.subscriptionId as string;
    expect((await facade(a, 'subscriptions', 'listOutbound')).result).toEqual([
      expect.objectContaining({ peerId: b.id, subscriptionId, outbound: true, subtarget: 'notes' }),
    ]);
    expect((await facade(b, 'subscriptions', 'listInbound')).result).toEqual([
      expect.objectContaining({ peerId: a.id, subscriptionId, outbound: false }),
    ]);
    const overHttp = await call(`${b.url}/subscriptions`, { headers: b.auth });
    expect(overHttp.json.data.map((s: { subscriptionid: string }) => s.subscriptionid)).toEqual([
      subscriptionId,
    ]);
    const typed = await call(`${a.url}/actions/typed`, {
      method: 'POST',
      headers: a.auth,
      body: { peerId: b.id },
    });
    expect(typed.json).toEqual({ peers: [b.id], subscriptions: [subscriptionId] });

    // b changes its notes; a pulls the pending diffs into its subscription hooks.
    expect(
      (await call(`${b.url}/properties/notes`, { method: 'POST', headers: b.auth, body: 'hi' })).status,
    ).toBe(201);
    const synced = await facade(a, 'subscriptions', 'syncSubscription', b.id, subscriptionId);
    expect(synced.result).toMatchObject({ subscriptionId, success: true, diffsProcessed: 1 });
    expect(log.seen(a.id, subscriptionId)).toEqual([
      [1, { list: 'notes', operation: 'append', length: 1, item: 'hi', index: 0 }],
    ]);

    // Teardown: the subscription at both ends, then the trust at both ends.
    expect((await facade(a, 'subscriptions', 'unsubscribe', b.id, subscriptionId)).result).toBe(true);
    expect((await facade(b, 'subscriptions', 'listInbound')).result).toEqual([]);
    expect((await facade(a, 'trust', 'deletePeerTrust', b.id)).status).toBe(201);
    expect((await call(`${b.url}/trust`, { headers: b.auth })).json).toEqual([]);
    expect((await facade(a, 'trust', 'getRelationship', b.id)).result).toBeNull();
  });

  it('answers with the managers’ errors, for this actor only', async () => {
    const a = await newActor(server, 'c@example.com');
    const stranger = await newActor(server, 'd@example.com');
    expect((await facade(a, 'trust', 'approve', stranger.id)).status).toBe(404);
    const subscribed = await facade(a, 'subscriptions', 'subscribeToPeer', stranger.id, 'properties');
    expect(subscribed.status).toBe(408);
    expect((await facade(a, 'subscriptions', 'list')).result).toEqual([]);
  });
});

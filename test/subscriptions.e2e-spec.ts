import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActorService, SubscriptionManager } from '@actingweb/nestjs';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import {
  bearer,
  befriend,
  newActor,
  startSwitchProxy,
  subscribe,
  SubscriberLog,
  waitFor,
  type SwitchProxy,
  type TestActor,
} from './support/subscriptions.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Subscriptions between real servers over HTTP (ActingWeb spec,
 * "/subscriptions - Subscriptions"): three servers, every granularity and target shape, polling,
 * clearing, catch-up after downtime, resync, deletion.
 */
describe.each(STORAGES)('subscriptions between servers on $name', (storage) => {
  let s1: TestServer;
  let s2: TestServer;
  let s3: TestServer;
  let proxy: SwitchProxy;

  const options = { autoApprove: ['friend'], subscriptions: { callbackTimeoutMs: 2000 } };
  const logOf = (server: TestServer) => server.app.get(SubscriberLog);
  const idle = (...servers: TestServer[]) =>
    Promise.all(servers.map((s) => s.app.get(CallbackDelivery).whenIdle()));

  beforeAll(async () => {
    proxy = await startSwitchProxy();
    [s1, s2, s3] = await Promise.all([
      startFreshServer(storage, options, { providers: [SubscriberLog] }),
      startFreshServer(storage, options, { providers: [SubscriberLog] }),
      // s3 is reached through a proxy, so the tests can take it off the network.
      startFreshServer(storage, { ...options, baseUrl: proxy.url }, { providers: [SubscriberLog] }),
    ]);
    proxy.target = s3.url;
  });
  afterAll(async () => {
    await Promise.all([s1.close(), s2.close(), s3.close()]);
    await proxy.close();
  });

  /** GET of an inbound subscription at the publisher, as the subscriber. */
  const poll = (pub: TestActor, subscriberId: string, secret: string, subId: string, suffix = '') =>
    call(`${pub.url}/subscriptions/${subscriberId}/${subId}${suffix}`, { headers: bearer(secret) });

  it('every granularity and target shape: each subscriber hook sees exactly its diffs, in order', async () => {
    const b = await newActor(s2); // the publisher
    const wide = await newActor(s1); // properties, high
    const test = await newActor(s1); // properties/test, low
    const res = await newActor(s3, 'third@example.com'); // properties/test/var1 (a resource), high
    const list = await newActor(s3, 'third@example.com'); // properties/notes (a list), high
    const poller = await newActor(s1); // properties, none
    const secrets = new Map<string, string>();
    for (const a of [wide, test, res, list, poller]) secrets.set(a.id, await befriend(a, b));
    const subWide = await subscribe(wide, b);
    const subTest = await subscribe(test, b, { subtarget: 'test', granularity: 'low' });
    const subRes = await subscribe(res, b, { subtarget: 'test', resource: 'var1' });
    const subList = await subscribe(list, b, { subtarget: 'notes' });
    const subPoll = await subscribe(poller, b, { granularity: 'none' });

    const write = async (method: string, path: string, body?: unknown) => {
      const r = await call(`${b.url}/properties${path}`, { method, headers: b.auth, body });
      expect(r.status).toBeLessThan(300);
    };
    await write('PUT', '/test', { var1: 'hey' });
    await write('PUT', '/test/var1', 'change2');
    await write('PUT', '/test/resource', 'r');
    await write('DELETE', '/test/resource');
    await write('POST', '', { a: '1', b: { c: 'd' } });
    await write('POST', '/notes', 'first note');
    await write('PUT', '/other', 5);
    await write('DELETE', '/test');

    const appended = { list: 'notes', operation: 'append', length: 1, item: 'first note', index: 0 };
    const expectedWide: Array<[number, unknown]> = [
      [1, { test: { var1: 'hey' } }],
      [2, { test: { var1: 'change2' } }],
      [3, { test: { resource: 'r' } }],
      [4, { test: { resource: '' } }],
      [5, { a: '1', b: { c: 'd' } }],
      [6, { notes: appended }],
      [7, { other: 5 }],
      [8, { test: '' }],
    ];
    const expectedTest: Array<[number, unknown]> = [
      [1, { var1: 'hey' }],
      [2, { var1: 'change2' }],
      [3, { resource: 'r' }],
      [4, { resource: '' }],
      [5, ''],
    ];
    const expectedRes: Array<[number, unknown]> = [
      [1, 'hey'],
      [2, 'change2'],
      [3, ''],
    ];
    await waitFor(
      () =>
        logOf(s1).seen(wide.id).length === 8 &&
        logOf(s1).seen(test.id).length === 5 &&
        logOf(s3).seen(res.id).length === 3 &&
        logOf(s3).seen(list.id).length === 1,
      'every subscriber to see its diffs',
    );
    await idle(s1, s2, s3);
    expect(logOf(s1).seen(wide.id, subWide)).toEqual(expectedWide);
    expect(logOf(s1).seen(test.id, subTest)).toEqual(expectedTest);
    expect(logOf(s3).seen(res.id, subRes)).toEqual(expectedRes);
    expect(logOf(s3).seen(list.id, subList)).toEqual([[1, appended]]); // a bare list diff
    // The `subscription` callback hooks got the same diffs, once each.
    expect(
      logOf(s1)
        .callbacks.filter((c) => c.actor.id === wide.id)
        .map((c) => (c.data as any).sequence),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The granularity `none` subscriber got nothing ...
    expect(logOf(s1).seen(poller.id)).toEqual([]);
    // ... but can poll all eight diffs.
    const polled = await poll(b, poller.id, secrets.get(poller.id)!, subPoll);
    expect(polled.status).toBe(200);
    expect(polled.json).toMatchObject({
      id: b.id,
      subscriptionid: subPoll,
      target: 'properties',
      sequence: 8,
    });
    expect(polled.json.data.map((d: any) => [d.sequence, d.data])).toEqual(expectedWide);
    for (const d of polled.json.data) expect(d.timestamp).toMatch(ISO_UTC);

    // High: each 2xx cleared its diff. Low: the subscriber fetched and cleared them.
    for (const [a, sub, seq] of [
      [wide, subWide, 8],
      [test, subTest, 5],
      [res, subRes, 3],
    ] as const) {
      const left = await poll(b, a.id, secrets.get(a.id)!, sub);
      expect(left.json).toMatchObject({ sequence: seq, data: [] });
    }
  });

  it('polling: repeated reads are identical, PUT clears ≤ N, one diff can be read and deleted', async () => {
    const b = await newActor(s2);
    const a = await newActor(s1);
    const secret = await befriend(a, b);
    const sub = await subscribe(a, b, { granularity: 'none' });
    for (let i = 1; i <= 5; i++)
      await call(`${b.url}/properties/n`, { method: 'PUT', headers: b.auth, body: i });

    const first = await poll(b, a.id, secret, sub);
    const second = await poll(b, a.id, secret, sub);
    expect(second.json).toEqual(first.json);
    expect(first.json.data.map((d: any) => d.sequence)).toEqual([1, 2, 3, 4, 5]);
    const one = await poll(b, a.id, secret, sub, '/2');
    expect(one.status).toBe(200);
    expect(one.json).toEqual({
      id: b.id,
      peerid: a.id,
      subscriptionid: sub,
      target: 'properties',
      subtarget: '',
      resource: '',
      timestamp: first.json.data[1].timestamp,
      sequence: 2,
      data: { n: 2 },
    });
    expect((await poll(b, a.id, secret, sub, '/2')).json).toEqual(one.json);

    const clear = (body: unknown) =>
      call(`${b.url}/subscriptions/${a.id}/${sub}`, { method: 'PUT', headers: bearer(secret), body });
    expect((await clear({ sequence: 3 })).status).toBe(204);
    expect((await poll(b, a.id, secret, sub)).json.data.map((d: any) => d.sequence)).toEqual([4, 5]);
    expect((await poll(b, a.id, secret, sub, '/3')).status).toBe(404);
    expect((await poll(b, a.id, secret, sub, '/1')).status).toBe(404);
    expect((await clear({ sequence: 'x' })).status).toBe(400);
    expect((await clear({})).status).toBe(400);
    // One diff: DELETE, then 404; the method override works too.
    expect(
      (
        await call(`${b.url}/subscriptions/${a.id}/${sub}/4?_method=DELETE`, {
          method: 'POST',
          headers: bearer(secret),
        })
      ).status,
    ).toBe(204);
    expect((await poll(b, a.id, secret, sub, '/4')).status).toBe(404);
    expect((await poll(b, a.id, secret, sub)).json).toMatchObject({ sequence: 5, data: [{ sequence: 5 }] });
    expect((await poll(b, a.id, secret, sub, '/x')).status).toBe(400);
    // Unknown subscription → 404.
    expect((await poll(b, a.id, secret, 'nope')).status).toBe(404);
    expect(
      (
        await call(`${b.url}/subscriptions/${a.id}/nope`, {
          method: 'PUT',
          headers: bearer(secret),
          body: { sequence: 1 },
        })
      ).status,
    ).toBe(404);
    // The sequence keeps counting after clears.
    await call(`${b.url}/properties/n`, { method: 'PUT', headers: b.auth, body: 6 });
    expect((await poll(b, a.id, secret, sub)).json.data.map((d: any) => d.sequence)).toEqual([5, 6]);
  });

  it('peer creates a subscription directly: 201 + Location + body; 403, 401, 400', async () => {
    const b = await newActor(s2);
    const a = await newActor(s1);
    const other = await newActor(s1);
    const secret = await befriend(a, b);
    const otherSecret = await befriend(other, b);
    const url = `${b.url}/subscriptions/${a.id}`;

    const created = await call(url, {
      method: 'POST',
      headers: bearer(secret),
      body: { target: 'properties' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(
      `${b.url}/subscriptions/${a.id}/${created.json.subscriptionid}`,
    );
    expect(created.json).toEqual({
      subscriptionid: expect.stringMatching(/^[0-9a-f]{32}$/),
      target: 'properties',
      subtarget: '',
      resource: '',
      granularity: 'none', // no granularity → none
      sequence: 0,
    });
    // Callbacks are supported: high and low are accepted, never 501.
    for (const granularity of ['high', 'low'])
      expect(
        (
          await call(url, {
            method: 'POST',
            headers: bearer(secret),
            body: { target: 'properties', granularity },
          })
        ).status,
      ).toBe(201);

    expect(
      (await call(url, { method: 'POST', headers: bearer(otherSecret), body: { target: 'properties' } }))
        .status,
    ).toBe(403);
    expect((await call(url, { method: 'POST', body: { target: 'properties' } })).status).toBe(401);
    expect(
      (await call(url, { method: 'POST', headers: bearer(secret), body: { subtarget: 'x' } })).status,
    ).toBe(400);
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: { target: 'properties', granularity: 'x' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: { target: 'properties', id: other.id },
        })
      ).status,
    ).toBe(403);
    // The creator cannot create a subscription in a peer's name.
    expect(
      (await call(url, { method: 'POST', headers: b.auth, body: { target: 'properties' } })).status,
    ).toBe(403);
    // Read permission on the target is required: friends may not read private/*.
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: { target: 'properties', subtarget: 'private' },
        })
      ).status,
    ).toBe(403);

    // An unapproved peer gets 403: a relationship s2 does not auto-approve.
    const pending = await newActor(s1);
    const res = await call(`${pending.url}/trust`, {
      method: 'POST',
      headers: pending.auth,
      body: { url: b.url, relationship: 'associate' },
    });
    expect(res.json.peer_approved).toBe(false);
    expect(
      (
        await call(`${b.url}/subscriptions/${pending.id}`, {
          method: 'POST',
          headers: bearer(res.json.secret),
          body: { target: 'properties' },
        })
      ).status,
    ).toBe(403);
  });

  it('the creator asks its actor to subscribe; listings and filters', async () => {
    const b = await newActor(s2);
    const a = await newActor(s1);
    const other = await newActor(s3, 'third@example.com');
    const secret = await befriend(a, b);
    const otherSecret = await befriend(other, b);

    expect((await call(`${b.url}/subscriptions`, { headers: b.auth })).json).toEqual({ id: b.id, data: [] });
    const asked = await call(`${a.url}/subscriptions`, {
      method: 'POST',
      headers: a.auth,
      body: { peerid: b.id, target: 'properties', subtarget: 'test', granularity: 'high' },
    });
    // The spec and the reference: 204, no body, Location = the subscription at the peer.
    expect(asked.status).toBe(204);
    expect(asked.text).toBe('');
    const location = asked.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${b.url}/subscriptions/${a.id}/[0-9a-f]{32}$`));
    const subId = location.split('/').at(-1)!;
    expect(
      (
        await call(`${a.url}/subscriptions`, {
          method: 'POST',
          headers: a.auth,
          body: { target: 'properties' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(`${a.url}/subscriptions`, { method: 'POST', headers: a.auth, body: { peerid: b.id } }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(`${a.url}/subscriptions`, {
          method: 'POST',
          headers: a.auth,
          body: { peerid: 'f'.repeat(32), target: 'properties' },
        })
      ).status,
    ).toBe(408); // no trust with that peer: as the reference, 408
    await call(`${b.url}/subscriptions/${other.id}`, {
      method: 'POST',
      headers: bearer(otherSecret),
      body: { target: 'properties' },
    });

    const entry = {
      peerid: a.id,
      subscriptionid: subId,
      target: 'properties',
      subtarget: 'test',
      resource: '',
      granularity: 'high',
      sequence: 0,
    };
    const all = await call(`${b.url}/subscriptions`, { headers: b.auth });
    expect(all.json.id).toBe(b.id);
    expect(all.json.data).toHaveLength(2);
    expect(all.json.data).toContainEqual({ ...entry, callback: false });
    expect((await call(`${a.url}/subscriptions`, { headers: a.auth })).json.data).toEqual([
      { ...entry, peerid: b.id, callback: true },
    ]);
    expect((await call(`${b.url}/subscriptions?subtarget=test`, { headers: b.auth })).json.data).toHaveLength(
      1,
    );
    expect(
      (await call(`${b.url}/subscriptions?peerid=${other.id}`, { headers: b.auth })).json.data[0].peerid,
    ).toBe(other.id);
    expect((await call(`${b.url}/subscriptions?target=resources`, { headers: b.auth })).json.data).toEqual(
      [],
    );
    // Per peer, for that peer; another peer's token → 403; the list itself needs the creator.
    const mine = await call(`${b.url}/subscriptions/${a.id}`, { headers: bearer(secret) });
    expect(mine.status).toBe(200);
    expect(mine.json).toEqual({ id: b.id, peerid: a.id, data: [{ ...entry, callback: false }] });
    expect((await call(`${b.url}/subscriptions/${a.id}`, { headers: bearer(otherSecret) })).status).toBe(403);
    expect((await call(`${b.url}/subscriptions`, { headers: bearer(secret) })).status).toBe(403);
    expect((await call(`${b.url}/subscriptions`)).status).toBe(401);
    // Reading someone else's subscription with your own token → 403 (the reference does not check).
    expect(
      (await call(`${b.url}/subscriptions/${a.id}/${subId}`, { headers: bearer(otherSecret) })).status,
    ).toBe(403);

    // Lifecycle hooks on both sides.
    expect(logOf(s1).lifecycle).toContainEqual(
      expect.objectContaining({
        event: 'subscription_created',
        peerId: b.id,
        subscriptionId: subId,
        outbound: true,
      }),
    );
    expect(logOf(s2).lifecycle).toContainEqual(
      expect.objectContaining({
        event: 'subscription_created',
        peerId: a.id,
        subscriptionId: subId,
        outbound: false,
      }),
    );
  });

  it('a subscriber that was down catches up by polling with nothing lost (syncPeer), and by gap detection', async () => {
    const b = await newActor(s2);
    const c = await newActor(s3, 'third@example.com');
    const secret = await befriend(c, b);
    const sub = await subscribe(c, b);
    const put = (n: number) => call(`${b.url}/properties/n`, { method: 'PUT', headers: b.auth, body: n });
    const seen = () => logOf(s3).seen(c.id, sub);

    await put(1);
    await waitFor(() => seen().length === 1, 'the first diff');
    proxy.down = true;
    try {
      for (let n = 2; n <= 4; n++) expect((await put(n)).status).toBe(204);
      await idle(s2);
      // Callbacks failed and were not retried; nothing was lost at the publisher.
      expect(seen()).toHaveLength(1);
      expect((await poll(b, c.id, secret, sub)).json.data.map((d: any) => d.sequence)).toEqual([2, 3, 4]);
    } finally {
      proxy.down = false;
    }
    // Back up: the application pulls what it missed.
    const actor = (await s3.app.get(ActorService).get(c.id))!;
    const result = await s3.app.get(SubscriptionManager).syncPeer(actor, b.id);
    expect(result).toMatchObject({
      peerId: b.id,
      success: true,
      subscriptionsSynced: 1,
      totalDiffsProcessed: 3,
    });
    expect(seen().map(([s]) => s)).toEqual([1, 2, 3, 4]);
    expect((await poll(b, c.id, secret, sub)).json).toMatchObject({ sequence: 4, data: [] });

    // Down again (four failures in a row now: the breaker, at five, stays closed); the next callback
    // after recovery reveals the gap and the subscriber polls.
    proxy.down = true;
    try {
      await put(5);
      await idle(s2);
    } finally {
      proxy.down = false;
    }
    await put(6);
    await waitFor(() => seen().length === 6, 'the gap to be filled');
    expect(seen()).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, { n }]));
    await idle(s2, s3);
    expect((await poll(b, c.id, secret, sub)).json).toMatchObject({ sequence: 6, data: [] });
    // A sync with nothing pending is a no-op.
    expect((await s3.app.get(SubscriptionManager).syncPeer(actor, b.id)).totalDiffsProcessed).toBe(0);
  });

  it('resync: suspend, bulk change, resume sends a resync callback; the subscriber fetches the state', async () => {
    const b = await newActor(s2);
    const a = await newActor(s1);
    const secret = await befriend(a, b);
    const sub = await subscribe(a, b, { subtarget: 'bulk' });
    await call(`${b.url}/properties/bulk`, { method: 'PUT', headers: b.auth, body: { v: 0 } });
    await waitFor(() => logOf(s1).seen(a.id, sub).length === 1, 'the first diff');
    await idle(s2); // the acknowledged diff is cleared after the callback's answer, in batches

    const manager = s2.app.get(SubscriptionManager);
    const publisher = (await s2.app.get(ActorService).get(b.id))!;
    expect(await manager.suspend(publisher, 'properties', 'bulk')).toBe(true);
    for (let v = 1; v <= 3; v++)
      await call(`${b.url}/properties/bulk/v`, { method: 'PUT', headers: b.auth, body: v });
    expect((await poll(b, a.id, secret, sub)).json).toMatchObject({ sequence: 1, data: [] });
    expect(await manager.resume(publisher, 'properties', 'bulk')).toBe(1);
    await waitFor(() => logOf(s1).seen(a.id, sub).length === 2, 'the resync');
    const resync = logOf(s1).diffs.filter((d) => d.subscriptionId === sub)[1];
    expect(resync).toMatchObject({ type: 'resync', sequence: 2, data: { v: 3 } });
    // Diffs flow again after the resync.
    await call(`${b.url}/properties/bulk/v`, { method: 'PUT', headers: b.auth, body: 4 });
    await waitFor(() => logOf(s1).seen(a.id, sub).length === 3, 'the next diff');
    expect(logOf(s1).seen(a.id, sub)[2]).toEqual([3, { v: 4 }]);
  });

  it('both actors on one server (re-entrant callbacks)', async () => {
    const b = await newActor(s1);
    const a = await newActor(s1);
    await befriend(a, b);
    const sub = await subscribe(a, b, { granularity: 'low' });
    await call(`${b.url}/properties/x`, { method: 'PUT', headers: b.auth, body: 'y' });
    await waitFor(() => logOf(s1).seen(a.id, sub).length === 1, 'the diff');
    expect(logOf(s1).seen(a.id, sub)).toEqual([[1, { x: 'y' }]]);
  });

  it('deleting: by the subscriber, by the publisher, a trust, an actor — both sides', async () => {
    const b = await newActor(s2);
    const a = await newActor(s1);
    const secret = await befriend(a, b);
    const list = async (actor: TestActor) =>
      (await call(`${actor.url}/subscriptions`, { headers: actor.auth })).json.data as any[];

    // The subscriber's creator deletes: the publisher is told (DELETE <pub>/callbacks/subscriptions/<me>/<subid>).
    const s1Id = await subscribe(a, b);
    expect(
      (await call(`${a.url}/subscriptions/${b.id}/${s1Id}`, { method: 'DELETE', headers: a.auth })).status,
    ).toBe(204);
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);
    expect((await poll(b, a.id, secret, s1Id)).status).toBe(404);
    expect(
      (await call(`${a.url}/subscriptions/${b.id}/${s1Id}`, { method: 'DELETE', headers: a.auth })).status,
    ).toBe(404);
    expect(logOf(s1).lifecycle).toContainEqual(
      expect.objectContaining({
        event: 'subscription_deleted',
        subscriptionId: s1Id,
        initiatedByPeer: false,
        outbound: true,
      }),
    );
    expect(logOf(s2).lifecycle).toContainEqual(
      expect.objectContaining({
        event: 'subscription_deleted',
        subscriptionId: s1Id,
        initiatedByPeer: true,
        outbound: false,
      }),
    );

    // The publisher's creator deletes: the subscriber is told (DELETE <sub>/subscriptions/<me>/<subid>).
    const s2Id = await subscribe(a, b);
    expect(
      (await call(`${b.url}/subscriptions/${a.id}/${s2Id}`, { method: 'DELETE', headers: b.auth })).status,
    ).toBe(204);
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);

    // The peer deleting through /callbacks (the crossed route the reference uses): 204, then 404.
    const s3Id = await subscribe(a, b);
    const viaCallbacks = `${b.url}/callbacks/subscriptions/${a.id}/${s3Id}`;
    expect((await call(viaCallbacks, { method: 'DELETE', headers: bearer(secret) })).status).toBe(204);
    expect((await call(viaCallbacks, { method: 'DELETE', headers: bearer(secret) })).status).toBe(404);
    await call(`${a.url}/subscriptions/${b.id}/${s3Id}`, { method: 'DELETE', headers: a.auth });

    // Deleting the trust deletes every subscription with that peer, on both sides,
    // and each side's hooks hear about every subscription that went with it.
    const t1 = await subscribe(a, b);
    const t2 = await subscribe(a, b, { subtarget: 'x' });
    await call(`${b.url}/properties/x`, { method: 'PUT', headers: b.auth, body: 1 });
    expect(await list(b)).toHaveLength(2);
    expect((await call(`${a.url}/trust/friend/${b.id}`, { method: 'DELETE', headers: a.auth })).status).toBe(
      204,
    );
    expect(await list(a)).toEqual([]);
    expect(await list(b)).toEqual([]);
    for (const subscriptionId of [t1, t2]) {
      expect(logOf(s1).lifecycle).toContainEqual(
        expect.objectContaining({
          event: 'subscription_deleted',
          subscriptionId,
          initiatedByPeer: false,
          outbound: true,
        }),
      );
      expect(logOf(s2).lifecycle).toContainEqual(
        expect.objectContaining({
          event: 'subscription_deleted',
          subscriptionId,
          initiatedByPeer: true,
          outbound: false,
        }),
      );
    }

    // Deleting the publisher actor: the subscriber's trust and subscriptions go too.
    const b2 = await newActor(s2);
    await befriend(a, b2);
    await subscribe(a, b2);
    expect((await call(b2.url, { method: 'DELETE', headers: b2.auth })).status).toBe(204);
    expect(await list(a)).toEqual([]);
  });
});

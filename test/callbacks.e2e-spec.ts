import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import { CallbackHook, type CallbackHookContext } from '@actingweb/nestjs';
import { PermissionCallbacks } from '../libs/actingweb/src/subscriptions/subscriber/permission-callbacks.service.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { bearer, befriend, newActor, subscribe, SubscriberLog, waitFor } from './support/subscriptions.js';

@Injectable()
class AppCallbacks {
  readonly seen: CallbackHookContext[] = [];

  @CallbackHook('ping')
  ping(ctx: CallbackHookContext) {
    this.seen.push(ctx);
    return { pong: true, method: ctx.httpMethod, data: ctx.data };
  }

  @CallbackHook('actions/done')
  done(ctx: CallbackHookContext) {
    this.seen.push(ctx);
    return true;
  }

  @CallbackHook('permissions')
  permissions(ctx: CallbackHookContext) {
    this.seen.push(ctx);
    return true;
  }
}

/**
 * `/callbacks` on the subscriber side (ActingWeb spec, "/callbacks"): subscription
 * callbacks authenticated as the publishing peer, sequence handling,
 * permission callbacks, and application callbacks through `@CallbackHook`s.
 */
describe.each(STORAGES)('callbacks on $name', (storage) => {
  let s1: TestServer;
  let s2: TestServer;

  beforeAll(async () => {
    [s1, s2] = await Promise.all([
      startFreshServer(storage, { autoApprove: ['friend'] }, { providers: [SubscriberLog, AppCallbacks] }),
      startFreshServer(storage, { autoApprove: ['friend'] }, { providers: [SubscriberLog, AppCallbacks] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([s1.close(), s2.close()]);
  });

  it('subscription callbacks: 401 without auth, 403 for another peer, 404 unknown, 204 processed', async () => {
    const a = await newActor(s1); // subscriber
    const b = await newActor(s2); // publisher
    const c = await newActor(s2); // some other peer of a
    const secret = await befriend(a, b);
    const otherSecret = await befriend(a, c);
    const sub = await subscribe(a, b, { granularity: 'none' });
    const url = (subId: string) => `${a.url}/callbacks/subscriptions/${b.id}/${subId}`;
    const body = (sequence: number, data: unknown = { x: sequence }) => ({
      id: b.id,
      subscriptionid: sub,
      target: 'properties',
      sequence,
      timestamp: new Date().toISOString(),
      granularity: 'high',
      data,
    });

    for (const subId of [sub, 'unknown']) {
      const res = await call(url(subId), { method: 'POST', body: body(1) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    expect(
      (await call(url(sub), { method: 'POST', headers: bearer(otherSecret), body: body(1) })).status,
    ).toBe(403);
    expect(
      (await call(url('unknown'), { method: 'POST', headers: bearer(secret), body: body(1) })).status,
    ).toBe(404);
    expect((await call(url(sub), { method: 'POST', headers: a.auth, body: body(1) })).status).toBe(403);
    expect((await call(url(sub), { method: 'POST', headers: bearer(secret), raw: '{nope' })).status).toBe(
      400,
    );
    expect(
      (await call(url(sub), { method: 'POST', headers: bearer(secret), body: { data: 1 } })).status,
    ).toBe(400);

    const log = s1.app.get(SubscriberLog);
    expect((await call(url(sub), { method: 'POST', headers: bearer(secret), body: body(1) })).status).toBe(
      204,
    );
    // A duplicate is acknowledged and dropped; PUT is treated like POST.
    expect((await call(url(sub), { method: 'PUT', headers: bearer(secret), body: body(1) })).status).toBe(
      204,
    );
    expect((await call(url(sub), { method: 'POST', headers: bearer(secret), body: body(2) })).status).toBe(
      204,
    );
    expect(log.seen(a.id, sub)).toEqual([
      [1, { x: 1 }],
      [2, { x: 2 }],
    ]);
    const hookCall = log.callbacks.find((c) => c.actor.id === a.id);
    expect(hookCall).toMatchObject({
      name: 'subscription',
      data: {
        peerid: b.id,
        subscription: { subscriptionid: sub, target: 'properties' },
        sequence: 1,
        type: 'diff',
      },
      caller: { kind: 'peer', peerId: b.id },
    });
    expect(log.diffs.find((d) => d.actor.id === a.id)).toMatchObject({
      peerId: b.id,
      subscriptionId: sub,
      target: 'properties',
      subtarget: null,
      resource: null,
      type: 'diff',
    });

    // A gap the publisher cannot fill (it has no such diffs): the subscriber resyncs from its state.
    await call(`${b.url}/properties/y`, { method: 'PUT', headers: b.auth, body: 'z' }); // sequence 1 at b
    expect((await call(url(sub), { method: 'POST', headers: bearer(secret), body: body(9) })).status).toBe(
      204,
    );
    // b's real sequence is 1 (< our 2): nothing moves backwards and nothing is replayed.
    expect(log.seen(a.id, sub)).toHaveLength(2);
  });

  it('a callback with no diff fields on a known subscription: 204, the subscription callback hooks get it as it is (warn), the sequence stays', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const c = await newActor(s2);
    const secret = await befriend(a, b);
    const otherSecret = await befriend(a, c);
    const sub = await subscribe(a, b, { granularity: 'none' });
    const url = `${a.url}/callbacks/subscriptions/${b.id}/${sub}`;
    const log = s1.app.get(SubscriberLog);
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      const res = await call(url, { method: 'POST', headers: bearer(secret), body: { test: 'fake' } });
      expect(res.status).toBe(204);
      expect(warn.mock.calls.map((args) => String(args[0]))).toContainEqual(
        expect.stringContaining(`Callback from ${b.id} on subscription ${sub} carries no diff`),
      );
    } finally {
      warn.mockRestore();
    }
    expect(log.callbacks.filter((cb) => cb.actor.id === a.id)).toEqual([
      expect.objectContaining({
        name: 'subscription',
        caller: expect.objectContaining({ kind: 'peer', peerId: b.id }),
        data: {
          peerid: b.id,
          subscription: {
            subscriptionid: sub,
            target: 'properties',
            subtarget: '',
            resource: '',
            granularity: 'none',
          },
          data: { test: 'fake' },
          type: 'opaque',
        },
      }),
    ]);
    // Not a diff: the diff hooks saw nothing and the next expected sequence is still 1.
    expect(log.seen(a.id, sub)).toEqual([]);
    expect((await call(`${a.url}/subscriptions`, { headers: a.auth })).json.data[0].sequence).toBe(0);
    // Authentication and existence are checked as for any callback.
    expect((await call(url, { method: 'POST', body: { test: 'fake' } })).status).toBe(401);
    expect(
      (await call(url, { method: 'POST', headers: bearer(otherSecret), body: { test: 'fake' } })).status,
    ).toBe(403);
    expect(
      (
        await call(`${a.url}/callbacks/subscriptions/${b.id}/unknown`, {
          method: 'POST',
          headers: bearer(secret),
          body: { test: 'fake' },
        })
      ).status,
    ).toBe(404);
    // Bodies that are not a JSON object, or carry callback fields that are wrong, are still 400.
    for (const body of [['test'], 'fake', { sequence: 'x' }, { data: 1 }])
      expect((await call(url, { method: 'POST', headers: bearer(secret), body })).status).toBe(400);
    expect(log.callbacks.filter((cb) => cb.actor.id === a.id)).toHaveLength(1);
  });

  it('a gap makes the subscriber poll; out-of-order arrivals are applied once, in order', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const secret = await befriend(a, b);
    const sub = await subscribe(a, b, { granularity: 'none' }); // no real callbacks: we send them ourselves
    for (let n = 1; n <= 3; n++)
      await call(`${b.url}/properties/n`, { method: 'PUT', headers: b.auth, body: n });
    const url = `${a.url}/callbacks/subscriptions/${b.id}/${sub}`;
    const cb = (sequence: number) => ({
      subscriptionid: sub,
      target: 'properties',
      sequence,
      granularity: 'high',
      data: { n: sequence },
    });
    // 3 arrives first: a polls b and applies 1, 2, 3; then 1 and 2 arrive late and are duplicates.
    expect((await call(url, { method: 'POST', headers: bearer(secret), body: cb(3) })).status).toBe(204);
    expect((await call(url, { method: 'POST', headers: bearer(secret), body: cb(1) })).status).toBe(204);
    expect((await call(url, { method: 'POST', headers: bearer(secret), body: cb(2) })).status).toBe(204);
    const log = s1.app.get(SubscriberLog);
    expect(log.seen(a.id, sub)).toEqual([1, 2, 3].map((n) => [n, { n }]));
    // The poll cleared them at the publisher.
    const left = await call(`${b.url}/subscriptions/${a.id}/${sub}`, { headers: bearer(secret) });
    expect(left.json).toMatchObject({ sequence: 3, data: [] });
  });

  it('resync callback: the subscriber fetches the url state and answers 204', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const secret = await befriend(a, b);
    const sub = await subscribe(a, b, { subtarget: 'profile', granularity: 'none' });
    await call(`${b.url}/properties/profile`, { method: 'PUT', headers: b.auth, body: { name: 'B' } });
    const res = await call(`${a.url}/callbacks/subscriptions/${b.id}/${sub}`, {
      method: 'POST',
      headers: bearer(secret),
      body: {
        subscriptionid: sub,
        target: 'properties',
        subtarget: 'profile',
        sequence: 5,
        type: 'resync',
        url: 'http://evil.example/x',
      },
    });
    expect(res.status).toBe(204);
    const log = s1.app.get(SubscriberLog);
    // Fetched from the publisher's root (never from the url in the body), then continues at 5.
    expect(
      log.diffs.filter((d) => d.subscriptionId === sub).map((d) => [d.type, d.sequence, d.data]),
    ).toEqual([['resync', 5, { name: 'B' }]]);
    expect((await call(`${a.url}/subscriptions`, { headers: a.auth })).json.data[0].sequence).toBe(5);
  });

  it('permission callbacks are cached, older ones ignored; no auth → 401', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const secret = await befriend(a, b);
    const url = `${a.url}/callbacks/permissions/${b.id}`;
    const payload = (timestamp: string, patterns: string[]) => ({
      id: b.id,
      target: 'permissions',
      type: 'permission',
      timestamp,
      data: { properties: { patterns, operations: ['read'] }, methods: null },
    });
    const cache = s1.app.get(PermissionCallbacks);
    expect((await call(url, { method: 'POST', body: payload('2026-01-02T00:00:00Z', ['a/*']) })).status).toBe(
      401,
    );
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: payload('2026-01-02T00:00:00Z', ['a/*']),
        })
      ).status,
    ).toBe(204);
    expect((await cache.get(a.id, b.id))?.data.properties).toEqual({
      patterns: ['a/*'],
      operations: ['read'],
    });
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: payload('2026-01-01T00:00:00Z', ['old/*']),
        })
      ).status,
    ).toBe(204);
    expect((await cache.get(a.id, b.id))?.data.properties).toEqual({
      patterns: ['a/*'],
      operations: ['read'],
    });
    expect(
      (
        await call(url, {
          method: 'POST',
          headers: bearer(secret),
          body: payload('2026-01-03T00:00:00Z', ['new/*']),
        })
      ).status,
    ).toBe(204);
    expect((await cache.get(a.id, b.id))?.data.properties).toEqual({
      patterns: ['new/*'],
      operations: ['read'],
    });
    expect(
      (await call(url, { method: 'POST', headers: bearer(secret), body: { type: 'permission' } })).status,
    ).toBe(400);
    const hooks = s1.app
      .get(AppCallbacks)
      .seen.filter((c) => c.name === 'permissions' && c.actor.id === a.id);
    expect(hooks).toHaveLength(2);
  });

  it('other /callbacks paths go to the application hooks; none → 404', async () => {
    const a = await newActor(s1);
    const hooks = s1.app.get(AppCallbacks);
    const ping = await call(`${a.url}/callbacks/ping`, { method: 'POST', body: { hello: 1 } });
    expect(ping.status).toBe(200);
    expect(ping.json).toEqual({ pong: true, method: 'POST', data: { hello: 1 } });
    expect((await call(`${a.url}/callbacks/ping`, { method: 'GET' })).json.method).toBe('GET');
    expect((await call(`${a.url}/callbacks/actions/done`, { method: 'PUT', body: {} })).status).toBe(204);
    expect((await call(`${a.url}/callbacks/nobody`, { method: 'POST', body: {} })).status).toBe(404);
    expect((await call(`${a.url}/callbacks/subscriptions/x`, { method: 'POST', body: {} })).status).toBe(401);
    expect(hooks.seen.filter((c) => c.actor.id === a.id).map((c) => c.name)).toEqual([
      'ping',
      'ping',
      'actions/done',
    ]);
    expect(
      (await call(`${s1.url}${'0'.repeat(32)}/callbacks/ping`, { method: 'POST', body: {} })).status,
    ).toBe(404);
  });

  it('low granularity end to end: the subscriber fetches the diff and clears it at the publisher', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const secret = await befriend(a, b);
    const sub = await subscribe(a, b, { granularity: 'low' });
    await call(`${b.url}/properties/k`, { method: 'PUT', headers: b.auth, body: [1, 2] });
    const log = s1.app.get(SubscriberLog);
    await waitFor(() => log.seen(a.id, sub).length === 1, 'the low-granularity diff');
    expect(log.seen(a.id, sub)).toEqual([[1, { k: [1, 2] }]]);
    await waitFor(
      async () =>
        (await call(`${b.url}/subscriptions/${a.id}/${sub}/1`, { headers: bearer(secret) })).status === 404,
      'the diff to be cleared',
    );
  });
});

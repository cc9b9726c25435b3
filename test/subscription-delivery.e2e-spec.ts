import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import {
  bearer,
  fakeSubscriber,
  newActor,
  sleep,
  waitFor,
  type FakeSubscriber,
  type TestActor,
} from './support/subscriptions.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ok = { status: 204 };

/**
 * Callback delivery from the publisher's side (ActingWeb spec, "Callback
 * Delivery Semantics" and "Callback Back-Pressure"), against subscribers that
 * misbehave: slow, down, hanging, 429, 503, garbage. Writes are never slowed beyond the bound and diffs are never
 * lost before they are cleared.
 */
describe.each(STORAGES)('subscription callback delivery on $name', (storage) => {
  let pub: TestServer; // at most once, small limits for fast tests
  let retrying: TestServer; // with retries configured
  const fakes: FakeSubscriber[] = [];

  beforeAll(async () => {
    [pub, retrying] = await Promise.all([
      startFreshServer(storage, {
        autoApprove: ['friend'],
        subscriptions: {
          callbackTimeoutMs: 300,
          maxCallbackBytes: 4096,
          maxConcurrentCallbacks: 4,
          breaker: { threshold: 5, cooldownMs: 400 },
          retries: { attempts: 0, baseDelayMs: 300 },
        },
      }),
      startFreshServer(storage, {
        autoApprove: ['friend'],
        subscriptions: { callbackTimeoutMs: 300, retries: { attempts: 2, baseDelayMs: 50 } },
      }),
    ]);
    // One delivered callback per publisher first: the HTTP client compiles its parser on its first
    // connection, which on a busy machine can take a good part of the 300 ms callback timeout.
    for (const server of [pub, retrying]) {
      const b = await newActor(server);
      const f = await fakeSubscriber(b, () => ok);
      await f.subscribe({ target: 'properties', granularity: 'high' });
      await call(`${b.url}/properties/warm`, { method: 'PUT', headers: b.auth, body: 1 });
      await server.app.get(CallbackDelivery).whenIdle();
      expect(f.callbacks()).toHaveLength(1);
      await f.close();
    }
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((f) => f.close()));
  });
  afterAll(async () => {
    await Promise.all([pub.close(), retrying.close()]);
  });

  const fake = async (
    publisher: TestActor,
    answer: Parameters<typeof fakeSubscriber>[1],
    options?: Parameters<typeof fakeSubscriber>[2],
  ) => {
    const f = await fakeSubscriber(publisher, answer, options);
    fakes.push(f);
    return f;
  };
  const idle = (server = pub) => server.app.get(CallbackDelivery).whenIdle();
  const put = (b: TestActor, path: string, body: unknown) =>
    call(`${b.url}/properties/${path}`, { method: 'PUT', headers: b.auth, body });
  const pending = async (b: TestActor, f: FakeSubscriber, sub: string) => {
    const res = await call(`${b.url}/subscriptions/${f.id}/${sub}`, { headers: bearer(f.secret) });
    return (res.json.data as Array<{ sequence: number }>).map((d) => d.sequence);
  };

  it('high: POST to <subscriber>/callbacks/subscriptions/<pub>/<subid> with Bearer and the diff; 2xx clears it', async () => {
    const b = await newActor(pub);
    const f = await fake(b, () => ok);
    const sub = await f.subscribe({ target: 'properties', subtarget: 'test', granularity: 'high' });
    await put(b, 'test', { var1: 'hey' });
    await idle();
    expect(f.peer.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const request = f.peer.requests.find((r) => r.method === 'POST')!;
    expect(request.url).toBe(`/fakeactor/callbacks/subscriptions/${b.id}/${sub}`);
    expect(request.authorization).toBe(`Bearer ${f.secret}`);
    expect(f.headers[0]['content-type']).toMatch(/^application\/json/);
    expect(f.callbacks()[0]).toEqual({
      id: b.id,
      subscriptionid: sub,
      target: 'properties',
      subtarget: 'test',
      sequence: 1,
      timestamp: expect.stringMatching(ISO_UTC),
      granularity: 'high',
      type: 'diff',
      data: { var1: 'hey' },
    });
    expect(await pending(b, f, sub)).toEqual([]);
  });

  it('low: the callback carries a url instead of data; the diff stays until the subscriber clears it', async () => {
    const b = await newActor(pub);
    const f = await fake(b, () => ok);
    const sub = await f.subscribe({ target: 'properties', granularity: 'low' });
    await put(b, 'x', 1);
    await idle();
    const body = f.callbacks()[0];
    expect(body).not.toHaveProperty('data');
    expect(body).toMatchObject({
      granularity: 'low',
      sequence: 1,
      url: `${b.url}/subscriptions/${f.id}/${sub}/1`,
    });
    const fetched = await call(body.url, { headers: bearer(f.secret) });
    expect(fetched.json).toEqual({
      id: b.id,
      peerid: f.id,
      subscriptionid: sub,
      target: 'properties',
      subtarget: '',
      resource: '',
      timestamp: body.timestamp,
      sequence: 1,
      data: { x: 1 },
    });
    expect(await pending(b, f, sub)).toEqual([1]);
  });

  it('5xx and timeouts are not retried by default; the diffs stay pollable', async () => {
    const b = await newActor(pub);
    const failing = await fake(b, () => ({ status: 500, body: 'oops' }));
    const hanging = await fake(b, () => 'hang');
    const subFail = await failing.subscribe({ target: 'properties', granularity: 'high' });
    const subHang = await hanging.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'x', 1);
    await put(b, 'x', 2);
    await idle();
    await sleep(100);
    expect(failing.callbacks().map((c) => c.sequence)).toEqual([1, 2]);
    expect(hanging.callbacks().map((c) => c.sequence)).toEqual([1, 2]);
    expect(await pending(b, failing, subFail)).toEqual([1, 2]);
    expect(await pending(b, hanging, subHang)).toEqual([1, 2]);
  });

  it('overlapping subscriptions of one peer: one callback, to the most specific', async () => {
    const b = await newActor(pub);
    const f = await fake(b, () => ok);
    const other = await fake(b, () => ok);
    const broad = await f.subscribe({ target: 'properties', granularity: 'high' });
    const narrow = await f.subscribe({ target: 'properties', subtarget: 'test', granularity: 'high' });
    const otherSub = await other.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'test/var1', 'x');
    await idle();
    expect(f.callbacks().map((c) => [c.subscriptionid, c.sequence, c.data])).toEqual([
      [narrow, 1, { var1: 'x' }],
    ]);
    expect(other.callbacks().map((c) => c.subscriptionid)).toEqual([otherSub]); // another peer: its own callback
    // The broad subscription still got its diff, for polling.
    expect(await pending(b, f, broad)).toEqual([1]);
    // A change only the broad one covers goes to it.
    await put(b, 'other', 2);
    await idle();
    expect(f.callbacks().map((c) => [c.subscriptionid, c.sequence])).toEqual([
      [narrow, 1],
      [broad, 2],
    ]);
  });

  it('a callback over the size limit goes out as low granularity, sequence still counted', async () => {
    const b = await newActor(pub);
    const f = await fake(b, () => ok);
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'small', 'x');
    await put(b, 'big', 'y'.repeat(8000));
    await idle();
    const [small, big] = f.callbacks();
    expect(small).toMatchObject({ sequence: 1, granularity: 'high', data: { small: 'x' } });
    expect(big).toMatchObject({
      sequence: 2,
      granularity: 'low',
      url: `${b.url}/subscriptions/${f.id}/${sub}/2`,
    });
    expect(big).not.toHaveProperty('data');
    expect(f.headers[1]['x-actingweb-granularity-downgraded']).toBe('true');
    expect(await pending(b, f, sub)).toEqual([2]);
  });

  it('429 with Retry-After pauses that subscription; sequences advance and diffs stay pollable', async () => {
    const b = await newActor(pub);
    const f = await fake(b, (_body, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : ok));
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'x', 1);
    await idle();
    await put(b, 'x', 2); // paused: not sent
    await idle();
    expect(f.callbacks().map((c) => c.sequence)).toEqual([1]);
    expect(await pending(b, f, sub)).toEqual([1, 2]);
    await sleep(1050);
    await put(b, 'x', 3);
    await idle();
    expect(f.callbacks().map((c) => c.sequence)).toEqual([1, 3]);
    expect(await pending(b, f, sub)).toEqual([1, 2]);
  });

  it('circuit breaker: open after 5 consecutive failures, one probe after the cool-down', async () => {
    const b = await newActor(pub);
    let healthy = false;
    const f = await fake(b, () => (healthy ? ok : { status: 500 }));
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    const writeAndSettle = async (n: number) => {
      expect((await put(b, 'n', n)).status).toBe(204);
      await idle();
    };
    for (let n = 1; n <= 5; n++) await writeAndSettle(n);
    expect(f.callbacks()).toHaveLength(5);
    await writeAndSettle(6); // open: not sent
    await writeAndSettle(7);
    expect(f.callbacks()).toHaveLength(5);
    await sleep(450);
    await writeAndSettle(8); // the probe; it fails, so the circuit opens again
    await writeAndSettle(9);
    expect(f.callbacks().map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5, 8]);
    healthy = true;
    await sleep(450);
    await writeAndSettle(10); // the probe succeeds: closed
    await writeAndSettle(11);
    expect(f.callbacks().map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5, 8, 10, 11]);
    expect(await pending(b, f, sub)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('slow, down, hanging, 429, 503 and garbage subscribers never slow writes and lose nothing', async () => {
    const b = await newActor(pub);
    const healthy = await fake(b, () => ok);
    const slow = await fake(b, () => ({ status: 204, delayMs: 40 }));
    const hanging = await fake(b, () => 'hang');
    const limited = await fake(b, () => ({ status: 429, headers: { 'retry-after': '30' } }));
    const unavailable = await fake(b, () => ({ status: 503 }));
    const garbage = await fake(b, () => 'garbage');
    const down = await fake(b, () => ok);
    const subs = new Map<FakeSubscriber, string>();
    for (const f of [healthy, slow, hanging, limited, unavailable, garbage, down])
      subs.set(f, await f.subscribe({ target: 'properties', granularity: 'high' }));
    await down.close();

    const writes = 25;
    const endedBeforeItsWrite: number[] = [];
    for (let n = 1; n <= writes; n++) {
      expect((await put(b, 'n', n)).status).toBe(204);
      // No write waits for its callbacks: the hanging subscriber's callback for this write is still
      // in flight or not yet sent (it ends only by the publisher's 300 ms timeout) when the write returns.
      if (hanging.ended().includes(n)) endedBeforeItsWrite.push(n);
    }
    expect(endedBeforeItsWrite).toEqual([]);
    await idle();

    const all = Array.from({ length: writes }, (_, i) => i + 1);
    expect(healthy.callbacks().map((c) => c.sequence)).toEqual(all);
    expect(slow.callbacks().map((c) => c.sequence)).toEqual(all); // in order, each after the previous answered
    expect(await pending(b, healthy, subs.get(healthy)!)).toEqual([]);
    expect(await pending(b, slow, subs.get(slow)!)).toEqual([]);
    for (const f of [hanging, limited, unavailable, garbage, down])
      expect(await pending(b, f, subs.get(f)!)).toEqual(all);
    // Back-pressure and the breaker kept the misbehaving ones from being hammered: one call, then a
    // 30 s pause, for the 429; for the hanging and the garbage one, five failures in a row open the
    // breaker, and later writes go out only as its probes, so not every write reaches them.
    expect(limited.callbacks()).toHaveLength(1);
    expect(unavailable.callbacks().length).toBeLessThan(writes);
    for (const f of [hanging, garbage]) {
      expect(
        f
          .callbacks()
          .slice(0, 5)
          .map((c) => c.sequence),
      ).toEqual([1, 2, 3, 4, 5]);
      expect(f.callbacks().length).toBeLessThan(writes);
    }
  });

  it('callbacks to many subscribers run concurrently, never more than maxConcurrentCallbacks at once', async () => {
    const b = await newActor(pub);
    // Callback exchanges open at once across all ten subscribers (each answers after 100 ms).
    const inFlight = { now: 0, max: 0 };
    const many: FakeSubscriber[] = [];
    for (let i = 0; i < 10; i++)
      many.push(await fake(b, () => ({ status: 204, delayMs: 100 }), { inFlight }));
    for (const f of many) await f.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'x', 1);
    await idle();
    expect(many.every((f) => f.callbacks().length === 1)).toBe(true);
    // Four at once, never five: they overlap, and the limit holds (10 callbacks take three waves).
    expect(inFlight.max).toBe(4);
  });

  it('with retries configured: a failed callback is retried with back-off, in order (429 Retry-After honoured)', async () => {
    const b = await newActor(retrying);
    const f = await fake(b, (_body, n) =>
      n === 0 ? { status: 500 } : n === 2 ? { status: 429, headers: { 'retry-after': '1' } } : ok,
    );
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'x', 1);
    await put(b, 'x', 2);
    await idle(retrying);
    // 1 failed (500), retried and delivered; 2 got 429, and its retry came after the second the
    // subscriber asked for, not after the 50 ms back-off.
    expect(f.callbacks().map((c) => c.sequence)).toEqual([1, 1, 2, 2]);
    const [, , limited, retried] = f.timeline;
    expect(retried.arrivedAt - limited.answeredAt!).toBeGreaterThanOrEqual(1000);
    expect(await pending(b, f, sub)).toEqual([]);
  });

  it('shutdown waits for the callbacks in flight before the storage closes', async () => {
    const server = await startFreshServer(storage, { autoApprove: ['friend'] });
    const b = await newActor(server);
    const f = await fake(b, () => ({ status: 204, delayMs: 300 }));
    await f.subscribe({ target: 'properties', granularity: 'high' });
    expect((await put(b, 'x', 1)).status).toBe(204);
    await waitFor(() => f.callbacks().length === 1, 'the callback to be in flight');
    await server.close();
    // The subscriber had answered (after its 300 ms delay) before close() returned.
    expect(f.timeline.map((t) => t.answeredAt !== undefined)).toEqual([true]);
  });

  describe('compression (tag callbackcompression)', () => {
    const big = 'z'.repeat(2000);
    const postedCallbacks = (f: FakeSubscriber) => f.peer.requests.filter((r) => r.method === 'POST');

    it('is advertised in /meta', async () => {
      const b = await newActor(pub);
      const supported = await call(`${b.url}/meta/actingweb/supported`);
      expect(supported.text.split(',')).toContain('callbackcompression');
    });

    it.each([
      [['gzip'], 'gzip'],
      [['br', 'gzip'], 'br'],
      [['deflate', 'br'], 'deflate'],
      [['zstd', 'GZIP', 'br'], 'gzip'],
    ])(
      'accept_encoding %j: a callback over 1 KB goes out as %s with Content-Encoding; small ones as they are',
      async (acceptEncoding, encoding) => {
        const b = await newActor(pub);
        const f = await fake(b, () => ok);
        const sub = await f.subscribe({
          target: 'properties',
          granularity: 'high',
          accept_encoding: acceptEncoding,
        });
        await put(b, 'x', big);
        await put(b, 'y', 'small');
        await idle();
        const [large, small] = postedCallbacks(f);
        expect(large.contentEncoding).toBe(encoding);
        expect(f.headers[0]['content-type']).toMatch(/^application\/json/);
        expect(Number(f.headers[0]['content-length'])).toBe(large.raw.length);
        expect(large.raw.length).toBeLessThan(1000);
        // The same callback as uncompressed: content and sequence unchanged.
        expect(f.callbacks()[0]).toMatchObject({ subscriptionid: sub, sequence: 1, data: { x: big } });
        expect(small.contentEncoding).toBeUndefined();
        expect(JSON.parse(small.body)).toMatchObject({ sequence: 2, data: { y: 'small' } });
        // 2xx cleared both diffs, as for plain callbacks.
        expect(await pending(b, f, sub)).toEqual([]);
      },
    );

    it.each([[undefined], [[]], [['identity', 'gzip']], [['zstd', 'compress']]])(
      'accept_encoding %j: callbacks go out uncompressed',
      async (acceptEncoding) => {
        const b = await newActor(pub);
        const f = await fake(b, () => ok);
        await f.subscribe({ target: 'properties', granularity: 'high', accept_encoding: acceptEncoding });
        await put(b, 'x', big);
        await idle();
        const [request] = postedCallbacks(f);
        expect(request.contentEncoding).toBeUndefined();
        expect(JSON.parse(request.body)).toMatchObject({ sequence: 1, data: { x: big } });
      },
    );
  });

  it('permission-filtered: a peer never sees changes it may not read, not even by polling', async () => {
    const b = await newActor(pub);
    const f = await fake(b, () => ok);
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    await put(b, 'private', { pin: 1234 }); // friends may not read private/*
    await put(b, 'private/pin', 4321);
    await put(b, 'public', 'hello');
    await idle();
    expect(f.callbacks().map((c) => [c.sequence, c.data])).toEqual([[1, { public: 'hello' }]]);
    expect(await pending(b, f, sub)).toEqual([]);
  });

  it('a 2xx callback clears the diff; the store keeps everything not acknowledged (waitFor bound)', async () => {
    const b = await newActor(pub);
    let n = 0;
    const f = await fake(b, () => (n++ % 2 === 0 ? ok : { status: 400 }));
    const sub = await f.subscribe({ target: 'properties', granularity: 'high' });
    for (let i = 1; i <= 6; i++) await put(b, 'n', i);
    await waitFor(async () => (await pending(b, f, sub)).length === 3, 'the unacknowledged diffs');
    expect(await pending(b, f, sub)).toEqual([2, 4, 6]);
  });
});

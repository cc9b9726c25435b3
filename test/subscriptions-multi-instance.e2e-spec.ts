import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import {
  call,
  describeOnPostgres,
  startFreshServer,
  startServer,
  type TestServer,
} from './support/test-app.js';
import {
  bearer,
  befriend,
  newActor,
  subscribe,
  SubscriberLog,
  waitFor,
  type TestActor,
} from './support/subscriptions.js';

/**
 * Two instances of the app sharing one PostgreSQL schema serve the same
 * actors: changes made through either are delivered once
 * per subscriber, with no duplicate or skipped sequence numbers. Runs only
 * when TEST_DATABASE_URL is set.
 */
describeOnPostgres('subscriptions across two instances on one $name database', (storage) => {
  let one: TestServer;
  let two: TestServer;
  let subscriber: TestServer;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const shared = await storage.create();
    cleanup = shared.cleanup;
    one = await startServer(shared.options, { autoApprove: ['friend'] });
    two = await startServer(shared.options, { autoApprove: ['friend'] });
    subscriber = await startFreshServer(storage, { autoApprove: ['friend'] }, { providers: [SubscriberLog] });
  });
  afterAll(async () => {
    await Promise.all([one.close(), two.close(), subscriber.close()]);
    await cleanup();
  });

  /** The same actor as served by the other instance. */
  const via = (server: TestServer, actor: TestActor): TestActor => ({ ...actor, url: server.url + actor.id });

  it('concurrent writes through both instances: each subscriber gets every sequence exactly once, in order', async () => {
    const pub = await newActor(one);
    const high = await newActor(subscriber);
    const low = await newActor(subscriber);
    const secretHigh = await befriend(high, pub);
    const secretLow = await befriend(low, pub);
    const subHigh = await subscribe(high, pub);
    const subLow = await subscribe(low, pub, { granularity: 'low' });

    const writes = 40;
    // Interleaved, concurrent: half through each instance, on shared and separate properties.
    await Promise.all(
      Array.from({ length: writes }, async (_, i) => {
        const target = via(i % 2 === 0 ? one : two, pub);
        const name = i % 4 < 2 ? 'shared' : `p${i}`;
        const res = await call(`${target.url}/properties/${name}`, {
          method: 'PUT',
          headers: pub.auth,
          body: i,
        });
        expect(res.status).toBe(204);
      }),
    );

    const log = subscriber.app.get(SubscriberLog);
    const all = Array.from({ length: writes }, (_, i) => i + 1);
    await waitFor(
      () => log.seen(high.id, subHigh).length >= writes && log.seen(low.id, subLow).length >= writes,
      'every diff at both subscribers',
      15_000,
    );
    await Promise.all([one, two, subscriber].map((s) => s.app.get(CallbackDelivery).whenIdle()));
    expect(log.seen(high.id, subHigh).map(([s]) => s)).toEqual(all);
    expect(log.seen(low.id, subLow).map(([s]) => s)).toEqual(all);
    // Both saw the same diffs (the same change for each sequence number).
    expect(log.seen(low.id, subLow).map(([, d]) => d)).toEqual(log.seen(high.id, subHigh).map(([, d]) => d));

    // Nothing left at the publisher, read through either instance.
    for (const server of [one, two]) {
      const left = await call(`${server.url}${pub.id}/subscriptions/${high.id}/${subHigh}`, {
        headers: bearer(secretHigh),
      });
      expect(left.json).toMatchObject({ sequence: writes, data: [] });
    }
    await waitFor(
      async () =>
        (await call(`${two.url}${pub.id}/subscriptions/${low.id}/${subLow}`, { headers: bearer(secretLow) }))
          .json.data.length === 0,
      'the low-granularity diffs to be cleared',
    );
  });

  it('sequence numbers are allocated in SQL: contiguous under concurrent writers on both instances', async () => {
    const pub = await newActor(one);
    const poller = await newActor(subscriber);
    const secret = await befriend(poller, pub);
    const sub = await subscribe(poller, pub, { granularity: 'none' });
    const writes = 60;
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        call(`${via(i % 2 ? one : two, pub).url}/properties/k${i % 5}`, {
          method: 'PUT',
          headers: pub.auth,
          body: i,
        }),
      ),
    );
    const polled = await call(`${two.url}${pub.id}/subscriptions/${poller.id}/${sub}`, {
      headers: bearer(secret),
    });
    expect(polled.json.sequence).toBe(writes);
    expect(polled.json.data.map((d: any) => d.sequence)).toEqual(
      Array.from({ length: writes }, (_, i) => i + 1),
    );
    // Every write is there exactly once.
    const values = polled.json.data
      .map((d: any) => Object.values(d.data)[0])
      .sort((x: number, y: number) => x - y);
    expect(values).toEqual(Array.from({ length: writes }, (_, i) => i));
  });
});

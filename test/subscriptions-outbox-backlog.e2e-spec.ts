import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { call, describeOnPostgres, startFreshServer, type TestServer } from './support/test-app.js';
import { fakeSubscriber, newActor, waitFor } from './support/subscriptions.js';

/**
 * A backlog in the callback outbox (PostgreSQL): while a subscriber holds its
 * first answer, its publisher takes more writes than an instance reads from
 * `callback_work` at once (64) and more than one subscription keeps waiting
 * (100). Once the subscriber answers, every write must get done: the oldest
 * waiting callbacks are skipped (their diffs stay pollable), the rest are sent
 * in order, the newest last, and nothing is left to claim.
 */
const WRITES = 250;

describeOnPostgres('the callback outbox with a backlog on $name', (storage) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startFreshServer(storage, {
      autoApprove: ['friend'],
      subscriptions: { callbackTimeoutMs: 120_000 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const workLeft = async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from callback_work`.execute(
      server.app.get(ActingWebDatabase).db,
    );
    return rows[0].n;
  };

  it(`drains ${WRITES} writes held up behind one callback, to the newest`, async () => {
    const b = await newActor(server);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const f = await fakeSubscriber(b, (_, n) => (n === 0 ? { status: 204, until: released } : { status: 204 }));
    try {
      await f.subscribe({ target: 'properties', granularity: 'high' });
      for (let i = 1; i <= WRITES; i++) {
        const put = await call(`${b.url}/properties/x`, { method: 'PUT', headers: b.auth, body: i });
        expect(put.status).toBe(204);
      }
      await waitFor(() => f.callbacks().length === 1, 'the first callback at the subscriber');
      expect(await workLeft()).toBeGreaterThan(100);

      release();
      await waitFor(
        () => f.callbacks().some((c) => c.sequence === WRITES),
        `the callback of write ${WRITES}`,
        60_000,
      );
      await server.app.get(CallbackDelivery).whenIdle();
      const sequences = f.callbacks().map((c) => c.sequence as number);
      expect(sequences[0]).toBe(1);
      expect(sequences.at(-1)).toBe(WRITES);
      expect(sequences).toEqual([...new Set(sequences)].sort((x, y) => x - y));
      // Only older ones are skipped: the newest 100 (as many as wait per subscription) all arrive.
      const newest = Array.from({ length: 100 }, (_, i) => WRITES - 99 + i);
      expect(sequences.filter((s) => s > WRITES - 100)).toEqual(newest);
      expect(f.callbacks().at(-1)).toMatchObject({ data: { x: WRITES } });
      expect(await workLeft()).toBe(0);
    } finally {
      await f.close();
    }
  }, 90_000);
});

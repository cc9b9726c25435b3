import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { call, describeOnPostgres, startFreshServer, type TestServer } from './support/test-app.js';
import { fakeSubscriber, newActor, waitFor } from './support/subscriptions.js';

/**
 * `subscriptions.outbox: false` on PostgreSQL: each instance sends the callbacks
 * of its own writes in-process, as on SQLite, and claims nothing from the
 * database. The default claims every callback there before sending it
 * (docs/subscriptions.md, "Delivery across instances").
 */
describeOnPostgres('subscriptions.outbox on $name', (storage) => {
  let shared: TestServer;
  let inProcess: TestServer;

  beforeAll(async () => {
    [shared, inProcess] = await Promise.all([
      startFreshServer(storage, { autoApprove: ['friend'] }),
      startFreshServer(storage, { autoApprove: ['friend'], subscriptions: { outbox: false } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([shared.close(), inProcess.close()]);
  });

  /** Callbacks claimed from the database and not settled yet. */
  const claimed = async (server: TestServer) => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from callback_cursors
      where lease_until is not null`.execute(server.app.get(ActingWebDatabase).db);
    return rows[0].n;
  };

  it.each([
    ['default: claimed from the database while in flight', () => shared, 1],
    ['false: sent in-process, nothing claimed', () => inProcess, 0],
  ] as const)('%s', async (_, server, claims) => {
    const b = await newActor(server());
    const f = await fakeSubscriber(b, () => ({ status: 204, delayMs: 1500 }));
    try {
      await f.subscribe({ target: 'properties', granularity: 'high' });
      const put = await call(`${b.url}/properties/x`, { method: 'PUT', headers: b.auth, body: 1 });
      expect(put.status).toBe(204);
      // The subscriber holds its answer: the callback is in flight now.
      await waitFor(() => f.callbacks().length === 1, 'the callback at the subscriber');
      expect(await claimed(server())).toBe(claims);
      await server().app.get(CallbackDelivery).whenIdle();
      expect(f.callbacks()).toEqual([expect.objectContaining({ sequence: 1, data: { x: 1 } })]);
      expect(await claimed(server())).toBe(0);
    } finally {
      await f.close();
    }
  });
});

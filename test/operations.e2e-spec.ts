import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { ActingWebHealth, AwProxy } from '@actingweb/nestjs';
import { AwConfig } from '../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { startFakePeer, type FakePeer } from './support/fake-peer.js';
import { fakeSubscriber, newActor, type FakeSubscriber, type TestActor } from './support/subscriptions.js';
import { STORAGES, call, describeOnPostgres, startFreshServer, type TestServer } from './support/test-app.js';

/** `GET /health`, `GET /ready` and `GET /metrics` (docs/operations.md), on each storage. */

/** The Prometheus text format as `name{labels}` → value (labels as printed). */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

const TOKEN = 'metrics-token-0123456789abcdef';

async function scrape(server: TestServer): Promise<Map<string, number>> {
  const res = await call(`${server.url}metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(res.text);
}

const propertyReads = (status: number) =>
  `actingweb_http_request_duration_seconds_count{method="GET",route="/:actorId/properties/*",status="${status}"}`;

describe.each(STORAGES)('operations on $name', (storage) => {
  describe('by default', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startFreshServer(storage);
    });
    afterAll(() => server.close());

    it('serves none of the three routes (they are the actor routes /health, /ready, /metrics: no such actor)', async () => {
      for (const path of ['health', 'ready', 'metrics']) {
        const res = await call(server.url + path);
        expect(res.status).toBe(404);
        expect(res.json?.status).toBeUndefined();
      }
    });
  });

  describe('health: true', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startFreshServer(storage, { health: true });
    });
    afterAll(() => server.close());

    it('GET /health is live: 200 in the terminus shape, not cached', async () => {
      const res = await call(`${server.url}health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.json).toMatchObject({
        status: 'ok',
        info: { process: { status: 'up' } },
        error: {},
        details: { process: { status: 'up' } },
      });
    });

    it('GET /ready is 200 when the database answers and every migration is applied', async () => {
      const res = await call(`${server.url}ready`);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        status: 'ok',
        info: { database: { status: 'up', dialect: storage.name, migrations: 6 } },
        error: {},
        details: { database: { status: 'up', dialect: storage.name, migrations: 6 } },
      });
    });

    it('GET /ready is 503 while a migration this version knows is not applied, and 200 again after', async () => {
      const { db } = server.app.get(ActingWebDatabase);
      await sql`delete from aw_migrations where name = '0002-trust-secret-index'`.execute(db);
      try {
        const res = await call(`${server.url}ready`);
        expect(res.status).toBe(503);
        expect(res.json).toMatchObject({
          status: 'error',
          info: {},
          error: {
            database: { status: 'down', message: 'migrations not applied: 0002-trust-secret-index' },
          },
        });
      } finally {
        await sql`insert into aw_migrations (name, timestamp) values ('0002-trust-secret-index', ${new Date().toISOString()})`.execute(
          db,
        );
      }
      expect((await call(`${server.url}ready`)).status).toBe(200);
    });

    it('GET /ready is 503 once the application is shutting down, so load balancers drain it first', async () => {
      const health = server.app.get(ActingWebHealth);
      health.beforeApplicationShutdown();
      const res = await call(`${server.url}ready`);
      expect(res.status).toBe(503);
      expect(res.json.error).toEqual({
        shutdown: { status: 'down', message: 'the application is shutting down' },
      });
      expect(res.json.info.database.status).toBe('up');
      // Liveness does not depend on it.
      expect((await call(`${server.url}health`)).status).toBe(200);
    });
  });

  it('GET /ready is 503 when the database is gone (connection closed); /health stays 200', async () => {
    const server = await startFreshServer(storage, { health: { livePath: '/livez', readyPath: '/readyz' } });
    try {
      expect((await call(`${server.url}readyz`)).status).toBe(200);
      // The default paths are not served when others are configured.
      expect((await call(`${server.url}health`)).json?.status).toBeUndefined();
      await server.app.get(ActingWebDatabase).db.destroy();
      const res = await call(`${server.url}readyz`);
      expect(res.status).toBe(503);
      expect(res.json.error.database).toEqual({
        status: 'down',
        dialect: storage.name,
        message: expect.any(String),
      });
      expect((await call(`${server.url}livez`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  describe('metrics with a bearer token', () => {
    let server: TestServer;
    let peer: FakePeer;
    let subscribers: FakeSubscriber[];
    beforeAll(async () => {
      server = await startFreshServer(storage, {
        metrics: { bearerToken: TOKEN },
        autoApprove: ['friend'],
        subscriptions: { breaker: { threshold: 1, cooldownMs: 3_600_000 } },
      });
      peer = await startFakePeer((req, res) => {
        res.writeHead(req.url?.endsWith('/fail') ? 500 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      });
      subscribers = [];
    });
    afterAll(async () => {
      await server.close();
      await Promise.all([peer.close(), ...subscribers.map((s) => s.close())]);
    });

    it('answers 401 without the token or with another one, with a JSON body and a Bearer challenge', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: 'Bearer wrong-token-0123456789abcd' },
        { authorization: `Basic ${TOKEN}` },
      ];
      for (const headers of attempts) {
        const res = await call(`${server.url}metrics`, { headers });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        expect(res.json).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'Bearer token required',
        });
      }
    });

    it('counts requests by method, route template and status, with a latency histogram; not its own scrapes', async () => {
      const actor = await newActor(server);
      const before = await scrape(server);
      const put = await call(`${actor.url}/properties/name`, {
        method: 'PUT',
        headers: actor.auth,
        body: 'Alice',
      });
      expect(put.status).toBe(204);
      for (let i = 0; i < 3; i++)
        expect((await call(`${actor.url}/properties/name`, { headers: actor.auth })).status).toBe(200);
      expect((await call(`${actor.url}/properties/name`)).status).toBe(401);
      expect((await call(`${server.url}no/such/route/at/all`, { method: 'PATCH' })).status).toBe(404);
      const after = await scrape(server);

      const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(delta(propertyReads(200))).toBe(3);
      expect(delta(propertyReads(401))).toBe(1);
      expect(
        delta(
          'actingweb_http_request_duration_seconds_count{method="PUT",route="/:actorId/properties/*",status="204"}',
        ),
      ).toBe(1);
      expect(
        delta('actingweb_http_request_duration_seconds_count{method="PATCH",route="unmatched",status="404"}'),
      ).toBe(1);
      // Every observation lands in the +Inf bucket, and the sum of durations grows.
      expect(
        delta(
          'actingweb_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/:actorId/properties/*",status="200"}',
        ),
      ).toBe(3);
      expect(
        delta(
          'actingweb_http_request_duration_seconds_sum{method="GET",route="/:actorId/properties/*",status="200"}',
        ),
      ).toBeGreaterThan(0);
      expect([...after.keys()].some((k) => k.includes('route="/metrics"'))).toBe(false);
      // Node.js process metrics are on by default.
      expect(after.has('process_cpu_user_seconds_total')).toBe(true);
    });

    it('counts calls to peers by method and outcome', async () => {
      const proxy = server.app.get(AwProxy);
      const before = await scrape(server);
      expect((await proxy.getResource({ baseuri: peer.url }, 'meta')).status).toBe(200);
      expect((await proxy.getResource({ baseuri: peer.url }, 'fail')).status).toBe(500);
      const closed = await startFakePeer(() => undefined);
      await closed.close();
      await expect(proxy.getResource({ baseuri: closed.url }, 'meta')).rejects.toThrow(/unreachable/);
      const after = await scrape(server);
      const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(delta('actingweb_peer_request_duration_seconds_count{method="GET",outcome="2xx"}')).toBe(1);
      expect(delta('actingweb_peer_request_duration_seconds_count{method="GET",outcome="5xx"}')).toBe(1);
      expect(delta('actingweb_peer_request_duration_seconds_count{method="GET",outcome="unreachable"}')).toBe(
        1,
      );
    });

    it('counts subscription callbacks: delivered, failed, and skipped while the breaker is open', async () => {
      const publisher: TestActor = await newActor(server);
      const good = await fakeSubscriber(publisher, () => ({ status: 204 }));
      const bad = await fakeSubscriber(publisher, () => ({ status: 500 }));
      subscribers.push(good, bad);
      for (const s of [good, bad]) await s.subscribe({ target: 'properties', granularity: 'high' });
      const delivery = server.app.get(CallbackDelivery);
      const before = await scrape(server);
      const write = async (n: number) => {
        const res = await call(`${publisher.url}/properties/n`, {
          method: 'PUT',
          headers: publisher.auth,
          body: n,
        });
        expect(res.status).toBe(204);
        await delivery.whenIdle();
      };
      await write(1); // good: delivered; bad: fails, its breaker opens (threshold 1)
      await write(2); // good: delivered; bad: not sent, breaker open
      const after = await scrape(server);
      const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
      expect(delta('actingweb_callbacks_delivered_total')).toBe(2);
      expect(delta('actingweb_callback_attempts_failed_total')).toBe(1);
      expect(delta('actingweb_callbacks_undelivered_total')).toBe(2);
      expect(delta('actingweb_callbacks_breaker_open_total')).toBe(1);
      expect(after.get('actingweb_callback_breakers_open')).toBe(1);
      expect(after.get('actingweb_callbacks_pending')).toBe(0);
      expect(bad.callbacks()).toHaveLength(1);
      expect(good.callbacks()).toHaveLength(2);
    });

    it(
      storage.name === 'postgres'
        ? 'reports the PostgreSQL pool (size, idle and busy connections, waiting queries)'
        : 'has no pool metrics on SQLite',
      async () => {
        const metrics = await scrape(server);
        if (storage.name === 'postgres') {
          expect(metrics.get('actingweb_db_pool_max')).toBe(4); // test storage poolSize
          const idle = metrics.get('actingweb_db_pool_connections{state="idle"}')!;
          const busy = metrics.get('actingweb_db_pool_connections{state="in_use"}')!;
          expect(idle + busy).toBeGreaterThanOrEqual(1);
          expect(idle + busy).toBeLessThanOrEqual(4);
          expect(metrics.get('actingweb_db_pool_waiting')).toBe(0);
        } else {
          expect([...metrics.keys()].some((k) => k.startsWith('actingweb_db_pool'))).toBe(false);
        }
      },
    );
  });

  it('metrics: true serves /metrics without a token; a custom path replaces it', async () => {
    const [open, custom] = await Promise.all([
      startFreshServer(storage, { metrics: true }),
      startFreshServer(storage, { metrics: { path: '/internal/prometheus', defaultMetrics: false } }),
    ]);
    try {
      const res = await call(`${open.url}metrics`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('# TYPE actingweb_http_request_duration_seconds histogram');
      const moved = await call(`${custom.url}internal/prometheus`);
      expect(moved.status).toBe(200);
      expect(moved.text).toContain('# TYPE actingweb_callbacks_delivered_total counter');
      expect(moved.text).not.toContain('process_cpu_user_seconds_total');
      expect((await call(`${custom.url}metrics`)).status).toBe(404);
    } finally {
      await Promise.all([open.close(), custom.close()]);
    }
  });
});

describeOnPostgres('readiness on $name', (storage) => {
  it('GET /ready is 503 when the schema was dropped under the server', async () => {
    const server = await startFreshServer(storage, { health: true });
    try {
      expect((await call(`${server.url}ready`)).status).toBe(200);
      const { schema } = server.app.get(AwConfig).storage as { schema: string };
      await sql`drop schema ${sql.id(schema)} cascade`.execute(server.app.get(ActingWebDatabase).db);
      const res = await call(`${server.url}ready`);
      expect(res.status).toBe(503);
      expect(res.json.error.database).toEqual({
        status: 'down',
        dialect: 'postgres',
        message: expect.stringContaining('aw_migrations'),
      });
    } finally {
      await server.close();
    }
  });
});

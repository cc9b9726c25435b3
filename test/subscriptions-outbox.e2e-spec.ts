import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import type { StorageOptions } from '@actingweb/nestjs';
import { basic, call, describeOnPostgres } from './support/test-app.js';
import { waitFor } from './support/subscriptions.js';

/**
 * Callback delivery shared by three instances on one PostgreSQL schema
 * (docs/subscriptions.md, "Delivery across instances"), each a process of its
 * own so that one can be killed with SIGKILL in the middle of a fan-out. The
 * subscribers hold their answers, so every instance has all its send slots in
 * flight when one is killed; after that every committed diff's callback must
 * have reached its subscriber exactly once, counted by (subscription,
 * sequence), including those the killed instance never claimed. A resync
 * callback recorded by an instance killed before it sent it goes out from
 * another.
 */

const ROOT = process.cwd();
const PUBLISHER = join(ROOT, 'dist', 'bench', 'servers', 'subscriptions-publisher.js');
const BUILD_TIMEOUT_MS = 240_000;
const INSTANCES = 3;
const SLOTS = 4;
const SUBSCRIBERS = 24;
const WRITES = 3;
const LEASE_MS = 1500;

interface Instance {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts the benchmark publisher (built) on `storage`; resolves once it listens. */
async function startInstance(storage: StorageOptions): Promise<Instance> {
  const child = spawn(process.execPath, [PUBLISHER], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_STORAGE: JSON.stringify(storage),
      BENCH_MAX_CONCURRENT_CALLBACKS: String(SLOTS),
      BENCH_SUBSCRIPTIONS: JSON.stringify({ outbox: { leaseMs: LEASE_MS, pollMs: 200 } }),
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('publisher not ready after 30 s')), 30_000);
    exited.then(() => reject(new Error('publisher exited before it was ready')));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { ready?: boolean; port?: number };
        if (message.ready && message.port) {
          clearTimeout(timer);
          resolve(message.port);
        }
      } catch {
        // not a status line
      }
    });
  });
  return { url: `http://127.0.0.1:${port}/`, child, exited };
}

/** Stands in for every subscriber: records each callback, answers at once or holds the answer. */
class Subscribers {
  readonly received = new Map<string, number>();
  /** The callback's `type` per (subscription, sequence). */
  readonly types = new Map<string, string>();
  /** Sequences per subscription, in arrival order. */
  readonly order = new Map<string, number[]>();
  private held: ServerResponse[] = [];
  private holding = true;
  private readonly server: Server = createServer((req, res) => this.handle(req, res));

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  get heldCount(): number {
    return this.held.length;
  }

  get total(): number {
    return [...this.received.values()].reduce((n, c) => n + c, 0);
  }

  /** Answers the held callbacks (those of a killed instance find no one listening) and stops holding. */
  release(): void {
    this.holding = false;
    for (const res of this.held) if (!res.destroyed) res.writeHead(204).end();
    this.held = [];
  }

  /** Holds the answers again, until the next {@link release}. */
  hold(): void {
    this.holding = true;
  }

  async close(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const callback = JSON.parse(body) as { subscriptionid: string; sequence: number; type: string };
      const key = `${callback.subscriptionid}/${callback.sequence}`;
      this.received.set(key, (this.received.get(key) ?? 0) + 1);
      this.types.set(key, callback.type);
      this.order.set(callback.subscriptionid, [
        ...(this.order.get(callback.subscriptionid) ?? []),
        callback.sequence,
      ]);
      if (this.holding) this.held.push(res);
      else res.writeHead(204).end();
    });
  }
}

describeOnPostgres('callback delivery across three instances on one $name database', (storage) => {
  let instances: Instance[] = [];
  let subscribers: Subscribers;
  let db: pg.Client;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    // `npm run build` unless up to date: the instances run the built benchmark publisher.
    await promisify(execFile)(process.execPath, ['scripts/build-if-stale.mjs'], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
    });
    const shared = await storage.create();
    cleanup = shared.cleanup;
    const options = shared.options as Extract<StorageOptions, { type: 'postgres' }>;
    instances = [await startInstance(options)]; // migrates first
    instances.push(...(await Promise.all([startInstance(options), startInstance(options)])));
    db = new pg.Client({
      connectionString: options.connectionString,
      options: options.schema ? `-c search_path=${options.schema}` : undefined,
    });
    await db.connect();
    subscribers = new Subscribers();
  }, BUILD_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    for (const instance of instances) instance.child.kill('SIGKILL');
    await Promise.all(instances.map((i) => i.exited));
    await subscribers?.close();
    await db?.end();
    await cleanup?.();
  });

  let peers: string;

  /** An actor on `instance` with `n` subscribers (granularity high) at the Subscribers server. */
  async function publisherWithSubscribers(instance: Instance, n: number) {
    peers ??= await subscribers.listen();
    const created = await call(instance.url, { method: 'POST', body: { creator: 'pub@example.com' } });
    expect(created.status).toBe(201);
    const actor = created.json.id as string;
    const auth = basic('pub@example.com', created.json.passphrase);
    const subscriptions: string[] = [];
    for (let i = 0; i < n; i++) {
      const peerId = randomBytes(16).toString('hex');
      const secret = randomBytes(20).toString('hex');
      const trust = await call(`${instance.url}${actor}/trust/friend`, {
        method: 'POST',
        body: { id: peerId, baseuri: `${peers}peer${i}`, type: 'urn:test:peer', secret },
      });
      expect(trust.status).toBe(201);
      const sub = await call(`${instance.url}${actor}/subscriptions/${peerId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
        body: { target: 'properties', granularity: 'high' },
      });
      expect(sub.status).toBe(201);
      subscriptions.push(sub.json.subscriptionid as string);
    }
    return { actor, auth, subscriptions };
  }

  const alive = (instance: Instance) =>
    instance.child.exitCode === null && instance.child.signalCode === null;

  it('kill -9 of one instance mid fan-out: every callback reaches its subscriber exactly once', async () => {
    const { actor, auth, subscriptions } = await publisherWithSubscribers(instances[0], SUBSCRIBERS);

    // Writes through every instance; each is one callback per subscriber.
    for (let w = 0; w < WRITES; w++) {
      const res = await call(`${instances[w % INSTANCES].url}${actor}/properties/x`, {
        method: 'PUT',
        headers: { authorization: auth },
        body: w,
      });
      expect(res.status).toBe(204);
    }

    // Every instance has all its slots in flight (received, answer held): the leases say whose.
    const leases = async () =>
      (
        await db.query<{ owner: string; n: number }>(
          `select owner, count(*)::int as n from callback_cursors where lease_until is not null group by owner`,
        )
      ).rows;
    await waitFor(
      async () => subscribers.heldCount === INSTANCES * SLOTS && (await leases()).length === INSTANCES,
      'every instance sending as many callbacks as it has slots',
      15_000,
    );
    const victim = instances[1];
    const victimLeases = (await leases()).find((l) => l.owner.split('/')[1] === String(victim.child.pid));
    expect(victimLeases?.n).toBe(SLOTS);
    const beforeKill = subscribers.total;
    expect(beforeKill).toBe(INSTANCES * SLOTS);

    victim.child.kill('SIGKILL');
    await victim.exited;
    subscribers.release();

    // The others send the rest: what the victim never claimed at once, its subscriptions' next ones after the lease.
    const all = SUBSCRIBERS * WRITES;
    await waitFor(() => subscribers.total >= all, 'every callback at the subscribers', 20_000);
    for (const survivor of instances.filter((i) => i !== victim)) {
      const idle = await call(`${survivor.url}_bench/idle`);
      expect(idle.status).toBe(200);
    }

    const expected = subscriptions.flatMap((id) =>
      Array.from({ length: WRITES }, (_, i) => `${id}/${i + 1}`),
    );
    expect([...subscribers.received.keys()].sort()).toEqual(expected.sort());
    expect([...subscribers.received.values()].every((count) => count === 1)).toBe(true);
    // In order within each subscription, across instances.
    for (const id of subscriptions) expect(subscribers.order.get(id)).toEqual([1, 2, 3]);
    // Nothing left to claim.
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from callback_work');
    expect(rows[0].n).toBe(0);
  }, 60_000);

  it('a resync callback whose instance is killed before sending it is sent by another', async () => {
    const { actor, auth, subscriptions } = await publisherWithSubscribers(instances.filter(alive)[0], 1);
    const [subscription] = subscriptions;
    subscribers.hold();
    const put = await call(`${instances.filter(alive)[0].url}${actor}/properties/x`, {
      method: 'PUT',
      headers: { authorization: auth },
      body: 1,
    });
    expect(put.status).toBe(204);
    // Its diff callback is in flight, answer held, leased by one instance: the victim resumes there,
    // so the resync has to wait behind that callback in the victim's own hands.
    await waitFor(() => subscribers.received.has(`${subscription}/1`), 'the diff callback at the subscriber');
    const { rows: leases } = await db.query<{ owner: string }>(
      'select owner from callback_cursors where subscription_id = $1 and lease_until is not null',
      [subscription],
    );
    expect(leases).toHaveLength(1);
    const victim = instances.find((i) => String(i.child.pid) === leases[0].owner.split('/')[1])!;
    expect(alive(victim)).toBe(true);
    const resync = await call(`${victim.url}_bench/resync/${actor}`, { method: 'POST' });
    expect(resync.status).toBe(201);
    expect(resync.json).toEqual({ queued: 1 });

    victim.child.kill('SIGKILL');
    await victim.exited;
    expect(subscribers.received.has(`${subscription}/2`)).toBe(false);
    subscribers.release();

    await waitFor(() => subscribers.received.has(`${subscription}/2`), 'the resync callback', 20_000);
    for (const survivor of instances.filter(alive))
      expect((await call(`${survivor.url}_bench/idle`)).status).toBe(200);
    expect(subscribers.order.get(subscription)).toEqual([1, 2]);
    expect(subscribers.types.get(`${subscription}/2`)).toBe('resync');
    const { rows } = await db.query<{ n: number }>('select count(*)::int as n from callback_work');
    expect(rows[0].n).toBe(0);
  }, 60_000);
});

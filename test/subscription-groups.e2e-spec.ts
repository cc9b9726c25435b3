import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PropertyChangeFeed } from '../libs/actingweb/src/properties/property-change.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { bearer, newActor, type TestActor } from './support/subscriptions.js';

/**
 * Subscribers that get the same diffs share the stored changes (one per write,
 * whatever their number), yet each still numbers its diffs 1, 2, 3… and polls
 * exactly what it would have alone (ActingWeb spec, "Getting Subscription
 * Updates"), and follows its own permissions when they change.
 */
describe.each(STORAGES)('subscribers sharing stored changes on $name', (storage) => {
  let pub: TestServer;

  beforeAll(async () => {
    pub = await startFreshServer(storage, { autoApprove: ['friend'] });
  });
  afterAll(async () => {
    await pub.close();
  });

  /** A polling peer (granularity none, so nothing is ever sent to it) subscribed to `b`'s properties. */
  async function poller(b: TestActor): Promise<{ id: string; secret: string; sub: string }> {
    const id = randomBytes(16).toString('hex');
    const secret = randomBytes(20).toString('hex');
    const trust = await call(`${b.url}/trust/friend`, {
      method: 'POST',
      body: { id, baseuri: `http://127.0.0.1:9/${id}`, type: 'urn:actingweb:test:poller', secret },
    });
    expect(trust.status).toBe(201);
    const created = await call(`${b.url}/subscriptions/${id}`, {
      method: 'POST',
      headers: bearer(secret),
      body: { target: 'properties', granularity: 'none' },
    });
    expect(created.status).toBe(201);
    return { id, secret, sub: created.json.subscriptionid };
  }

  const put = async (b: TestActor, path: string, body: unknown) =>
    expect((await call(`${b.url}/properties/${path}`, { method: 'PUT', headers: b.auth, body })).status).toBe(
      204,
    );
  const poll = async (b: TestActor, p: { id: string; secret: string; sub: string }) =>
    (await call(`${b.url}/subscriptions/${p.id}/${p.sub}`, { headers: bearer(p.secret) })).json;
  const storedChanges = async (actorId: string) => {
    const row = await pub.app
      .get(ActingWebDatabase)
      .db.selectFrom('subscription_changes as c')
      .innerJoin('subscription_groups as g', 'g.id', 'c.group_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('g.actor_id', '=', actorId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  it('30 polling subscribers: one stored change per write; each polls its own 1..n, a late one from 1', async () => {
    const b = await newActor(pub);
    const pollers = [];
    for (let i = 0; i < 30; i++) pollers.push(await poller(b));
    for (let i = 1; i <= 3; i++) await put(b, 'n', i);
    const late = await poller(b);
    await put(b, 'n', 4);
    await put(b, 'other', { x: 'y' });

    expect(await storedChanges(b.id)).toBe(5);
    const expected = [
      [1, { n: 1 }],
      [2, { n: 2 }],
      [3, { n: 3 }],
      [4, { n: 4 }],
      [5, { other: { x: 'y' } }],
    ];
    for (const p of [pollers[0], pollers[13], pollers[29]]) {
      const polled = await poll(b, p);
      expect(polled.sequence).toBe(5);
      expect(polled.data.map((d: any) => [d.sequence, d.data])).toEqual(expected);
    }
    const fromLate = await poll(b, late);
    expect(fromLate.sequence).toBe(2);
    expect(fromLate.data.map((d: any) => [d.sequence, d.data])).toEqual([
      [1, { n: 4 }],
      [2, { other: { x: 'y' } }],
    ]);

    // Clearing is per subscriber; the store keeps a change until every subscriber cleared it.
    const clear = (p: { id: string; secret: string; sub: string }, sequence: number) =>
      call(`${b.url}/subscriptions/${p.id}/${p.sub}`, {
        method: 'PUT',
        headers: bearer(p.secret),
        body: { sequence },
      });
    expect((await clear(pollers[0], 5)).status).toBe(204);
    expect((await poll(b, pollers[0])).data).toEqual([]);
    expect((await poll(b, pollers[1])).data).toHaveLength(5);
    for (const p of pollers.slice(1)) await clear(p, 3);
    expect(await storedChanges(b.id)).toBe(2);
    await clear(late, 2);
    for (const p of pollers.slice(1)) await clear(p, 5);
    expect(await storedChanges(b.id)).toBe(0);
    await put(b, 'n', 6);
    expect((await poll(b, pollers[7])).data.map((d: any) => d.sequence)).toEqual([6]);
    expect((await poll(b, late)).data.map((d: any) => d.sequence)).toEqual([3]);
  });

  it('a changed permission override applies from the next write; pending diffs and numbering stay', async () => {
    const b = await newActor(pub);
    const narrowed = await poller(b);
    const other = await poller(b);
    await put(b, 'secret', 1);
    const permissions = `${b.url}/trust/friend/${narrowed.id}/permissions`;
    const override = await call(permissions, {
      method: 'PUT',
      headers: b.auth,
      body: { properties: { excluded_patterns: ['secret', 'secret/*'] } },
    });
    expect(override.status).toBeLessThan(300);
    await put(b, 'secret', 2);
    await put(b, 'public', 3);
    expect((await call(permissions, { method: 'DELETE', headers: b.auth })).status).toBeLessThan(300);
    await put(b, 'secret', 4);

    expect((await poll(b, narrowed)).data.map((d: any) => [d.sequence, d.data])).toEqual([
      [1, { secret: 1 }],
      [2, { public: 3 }],
      [3, { secret: 4 }],
    ]);
    expect((await poll(b, other)).data.map((d: any) => [d.sequence, d.data])).toEqual([
      [1, { secret: 1 }],
      [2, { secret: 2 }],
      [3, { public: 3 }],
      [4, { secret: 4 }],
    ]);
  });

  it('a write that rolls back stores no change and takes no sequence number', async () => {
    const b = await newActor(pub);
    const p = await poller(b);
    // Runs after the diffs were registered, in the same transaction.
    pub.app.get(PropertyChangeFeed).onChangeInTransaction(async (_tx, changes) => {
      if (changes.some((c) => c.actorId === b.id && c.path[0] === 'doomed'))
        throw new Error('listener failed');
    });
    await put(b, 'kept', 1);
    const failed = await call(`${b.url}/properties/doomed`, { method: 'PUT', headers: b.auth, body: 2 });
    expect(failed.status).toBe(500);
    await put(b, 'kept', 3);
    const polled = await poll(b, p);
    expect(polled.sequence).toBe(2);
    expect(polled.data.map((d: any) => [d.sequence, d.data])).toEqual([
      [1, { kept: 1 }],
      [2, { kept: 3 }],
    ]);
    expect(await storedChanges(b.id)).toBe(2);
  });
});

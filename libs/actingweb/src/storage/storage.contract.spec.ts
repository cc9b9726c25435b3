import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import { testStorages } from '../testing/internal/test-storage.js';
import { ActingWebDatabase } from './actingweb-database.js';
import { ActorRepository, type ActorRecord } from './actor.repository.js';
import { AttributeRepository } from './attribute.repository.js';
import { TrustPermissionRepository } from './trust-permission.repository.js';
import { TrustRepository, type TrustRecord } from './trust.repository.js';

/**
 * One contract, every backend: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 */
describe.each(testStorages())('storage contract on $name', (backend) => {
  let database: ActingWebDatabase;
  let actors: ActorRepository;
  let trusts: TrustRepository;
  let attributes: AttributeRepository;
  let cleanup: () => Promise<void>;
  let options: Awaited<ReturnType<typeof backend.create>>['options'];

  beforeAll(async () => {
    ({ options, cleanup } = await backend.create());
    database = new ActingWebDatabase(
      resolveConfig({ type: 'urn:actingweb:test:contract', baseUrl: 'http://localhost/', storage: options }),
    );
    await database.migrate();
    actors = new ActorRepository(database);
    trusts = new TrustRepository(database);
    attributes = new AttributeRepository(database);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
    await cleanup();
  });

  const actor = (id: string, creator = 'creator'): ActorRecord => ({
    id,
    creator,
    passphrase: 'p'.repeat(40),
    trusteeRoot: null,
    createdAt: new Date().toISOString(),
  });

  const trust = (actorId: string, peerId: string, secret: string): TrustRecord => ({
    actorId,
    peerId,
    baseuri: `http://peer.example/${peerId}`,
    peerType: 'urn:actingweb:test:peer',
    relationship: 'friend',
    secret,
    description: '',
    approved: true,
    peerApproved: false,
    verified: true,
    verificationToken: null,
    establishedVia: 'trust',
    createdAt: new Date().toISOString(),
  });

  it('applies migrations idempotently', async () => {
    await expect(database.migrate()).resolves.toBeUndefined();
    if (backend.name === 'postgres') {
      // A second instance (as after a restart or scale-out) finds nothing to do.
      const second = new ActingWebDatabase(
        resolveConfig({
          type: 'urn:actingweb:test:contract',
          baseUrl: 'http://localhost/',
          storage: options,
        }),
      );
      await expect(second.migrate()).resolves.toBeUndefined();
      await second.onApplicationShutdown();
    }
  });

  it('stores, finds, updates and deletes actors', async () => {
    await actors.insert({ ...actor('a1', 'alice@example.com'), trusteeRoot: 'http://trustee.example/x' });
    const found = await actors.findById('a1');
    expect(found).toMatchObject({
      id: 'a1',
      creator: 'alice@example.com',
      trusteeRoot: 'http://trustee.example/x',
    });
    expect(await actors.findById('nope')).toBeNull();

    expect(await actors.update('a1', { trusteeRoot: null, creator: 'trustee' })).toBe(true);
    expect(await actors.findById('a1')).toMatchObject({ creator: 'trustee', trusteeRoot: null });
    expect(await actors.update('missing', { creator: 'x' })).toBe(false);

    expect(await actors.delete('a1')).toBe(true);
    expect(await actors.delete('a1')).toBe(false);
    expect(await actors.findById('a1')).toBeNull();
  });

  it('lists actors of a creator lowest id first', async () => {
    await actors.insert(actor('b2', 'bob'));
    await actors.insert(actor('b1', 'bob'));
    expect((await actors.findByCreator('bob')).map((a) => a.id)).toEqual(['b1', 'b2']);
  });

  it('creates at most one actor per creator under concurrency', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => actors.createIfCreatorFree(actor(`u${i}`, 'unique@example.com'))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await actors.findByCreator('unique@example.com')).toHaveLength(1);
  });

  it('round-trips unicode exactly', async () => {
    await actors.insert(actor('uni', 'æøå ÆØÅ 😀'));
    expect((await actors.findById('uni'))?.creator).toBe('æøå ÆØÅ 😀');
  });

  it('resolves a trust secret for its own actor only', async () => {
    await actors.insert(actor('t1'));
    await actors.insert(actor('t2'));
    await trusts.insert(trust('t1', 'peerA', 'secret-a'));
    await trusts.insert({ ...trust('t2', 'peerB', 'secret-b'), approved: false });

    expect(await trusts.findCredential('t1', 'secret-a')).toEqual({
      peerId: 'peerA',
      relationship: 'friend',
      approved: true,
    });
    expect(await trusts.findCredential('t2', 'secret-b')).toEqual({
      peerId: 'peerB',
      relationship: 'friend',
      approved: false,
    });
    // One actor's secret never opens another actor.
    expect(await trusts.findCredential('t2', 'secret-a')).toBeNull();
    expect(await trusts.findCredential('t1', 'wrong')).toBeNull();
  });

  it('never resolves a trust whose peer is the actor itself', async () => {
    await actors.insert(actor('self'));
    await trusts.insert(trust('self', 'self', 'self-secret'));
    expect(await trusts.findCredential('self', 'self-secret')).toBeNull();
  });

  it('keeps at most one trust per peer and one peer per secret', async () => {
    await actors.insert(actor('t3'));
    await trusts.insert(trust('t3', 'peerC', 'secret-c'));
    // Matched on the message: under Jest, better-sqlite3 may raise errors from another realm, which fail `toThrow()`.
    await expect(trusts.insert(trust('t3', 'peerC', 'other'))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/unique|duplicate/i),
    );
    await expect(trusts.insert(trust('t3', 'peerD', 'secret-c'))).rejects.toHaveProperty(
      'message',
      expect.stringMatching(/unique|duplicate/i),
    );
    // Two actors on one server that trust each other share the secret: allowed.
    await actors.insert(actor('t4'));
    await expect(trusts.insert(trust('t4', 't3', 'secret-c'))).resolves.toBeUndefined();
  });

  it('lists and filters trusts', async () => {
    await actors.insert(actor('t5'));
    await trusts.insert(trust('t5', 'p1', 's1'));
    await trusts.insert({ ...trust('t5', 'p2', 's2'), relationship: 'admin' });
    expect((await trusts.list('t5')).map((t) => t.peerId)).toEqual(['p1', 'p2']);
    expect((await trusts.list('t5', { relationship: 'admin' })).map((t) => t.peerId)).toEqual(['p2']);
    expect(await trusts.get('t5', 'p2')).toMatchObject({
      relationship: 'admin',
      approved: true,
      peerApproved: false,
      verified: true,
    });
    expect(await trusts.delete('t5', 'p2')).toBe(true);
    expect(await trusts.get('t5', 'p2')).toBeNull();
  });

  it('deleting an actor removes everything it owns', async () => {
    await actors.insert(actor('gone'));
    await trusts.insert(trust('gone', 'peerX', 'secret-x'));
    const now = new Date().toISOString();
    await database.db
      .insertInto('properties')
      .values({ actor_id: 'gone', name: 'p', value: '"v"', updated_at: now })
      .execute();
    await database.db
      .insertInto('attributes')
      .values({ actor_id: 'gone', bucket: 'b', name: 'n', data: '{}', updated_at: now, expires_at: null })
      .execute();
    await database.db
      .insertInto('subscriptions')
      .values({
        actor_id: 'gone',
        peer_id: 'peerX',
        subscription_id: 's',
        outbound: 0,
        target: 'properties',
        subtarget: '',
        resource: '',
        granularity: 'high',
        sequence: 1,
        accept_encoding: null,
        created_at: now,
      })
      .execute();
    await database.db
      .insertInto('subscription_diffs')
      .values({
        actor_id: 'gone',
        peer_id: 'peerX',
        subscription_id: 's',
        sequence: 1,
        timestamp: now,
        data: '{}',
      })
      .execute();

    expect(await actors.delete('gone')).toBe(true);
    for (const table of [
      'properties',
      'attributes',
      'trusts',
      'subscriptions',
      'subscription_diffs',
    ] as const) {
      const rows = await database.db
        .selectFrom(table)
        .select('actor_id')
        .where('actor_id', '=', 'gone')
        .execute();
      expect({ table, rows: rows.length }).toEqual({ table, rows: 0 });
    }
  });

  it('sorts property names byte-wise', async () => {
    await actors.insert(actor('sort'));
    const now = new Date().toISOString();
    for (const name of ['b', 'B', 'a', 'é', 'Z', '_x', 'list:n-#a0']) {
      await database.db
        .insertInto('properties')
        .values({ actor_id: 'sort', name, value: '1', updated_at: now })
        .execute();
    }
    const rows = await database.db
      .selectFrom('properties')
      .select('name')
      .where('actor_id', '=', 'sort')
      .orderBy('name')
      .execute();
    expect(rows.map((r) => r.name)).toEqual(['B', 'Z', '_x', 'a', 'b', 'list:n-#a0', 'é']);
  });

  describe('attributes', () => {
    beforeAll(async () => {
      await actors.insert(actor('attr'));
      await actors.insert(actor('attr2'));
    });

    it('stores JSON values per actor and bucket', async () => {
      await attributes.set('attr', 'b1', 'k', { n: 1, s: 'æøå', a: [true, null] });
      await attributes.set('attr', 'b1', 'j', 'text');
      await attributes.set('attr2', 'b1', 'k', 'other actor');
      expect((await attributes.get('attr', 'b1', 'k'))?.data).toEqual({ n: 1, s: 'æøå', a: [true, null] });
      expect((await attributes.getBucket('attr', 'b1')).map((a) => [a.name, a.data])).toEqual([
        ['j', 'text'],
        ['k', { n: 1, s: 'æøå', a: [true, null] }],
      ]);
      expect((await attributes.get('attr2', 'b1', 'k'))?.data).toBe('other actor');
      expect(await attributes.get('attr', 'b2', 'k')).toBeNull();
      await attributes.set('attr', 'b1', 'k', 2);
      expect((await attributes.get('attr', 'b1', 'k'))?.data).toBe(2);
      expect(await attributes.delete('attr', 'b1', 'k')).toBe(true);
      expect(await attributes.delete('attr', 'b1', 'k')).toBe(false);
      expect(await attributes.deleteBucket('attr', 'b1')).toBe(1);
      expect(await attributes.getBucket('attr', 'b1')).toEqual([]);
    });

    it('hides expired entries and sweeps them', async () => {
      await attributes.set('attr', 'ttl', 'gone', 1, -1);
      await attributes.set('attr', 'ttl', 'live', 2, 60_000);
      expect(await attributes.get('attr', 'ttl', 'gone')).toBeNull();
      expect((await attributes.getBucket('attr', 'ttl')).map((a) => a.name)).toEqual(['live']);
      expect(await attributes.deleteExpired()).toBeGreaterThanOrEqual(1);
      const rows = await database.db
        .selectFrom('attributes')
        .select('name')
        .where('bucket', '=', 'ttl')
        .execute();
      expect(rows.map((r) => r.name)).toEqual(['live']);
    });

    it('compare-and-swap has exactly one winner', async () => {
      await attributes.set('attr', 'cas', 'counter', 0);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => attributes.compareAndSwap('attr', 'cas', 'counter', 0, i + 1)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await attributes.compareAndSwap('attr', 'cas', 'counter', 0, 99)).toBe(false);
      expect(await attributes.compareAndSwap('attr', 'cas', 'new', undefined, 'created')).toBe(true);
      expect(await attributes.compareAndSwap('attr', 'cas', 'new', undefined, 'again')).toBe(false);
      expect((await attributes.get('attr', 'cas', 'new'))?.data).toBe('created');
    });
  });
  describe('trust permissions', () => {
    let overrides: TrustPermissionRepository;

    beforeAll(async () => {
      overrides = new TrustPermissionRepository(database);
      await actors.insert(actor('perm'));
      await trusts.insert(trust('perm', 'pp1', 'perm-secret-1'));
      await trusts.insert(trust('perm', 'pp2', 'perm-secret-2'));
    });

    it('creates, reads, updates and deletes an override', async () => {
      expect(await overrides.get('perm', 'pp1')).toBeNull();
      const permissions = {
        properties: { patterns: ['notes/*', 'æøå/*'], operations: ['read'], excluded_patterns: ['notes/x'] },
        methods: { allowed: ['get_*'], denied: [] },
      };
      expect(
        await overrides.put('perm', 'pp1', {
          trustType: 'friend',
          permissions,
          createdBy: 'creator',
          notes: 'n1',
        }),
      ).toBe('created');
      const created = await overrides.get('perm', 'pp1');
      expect(created).toEqual({
        trustType: 'friend',
        permissions,
        createdBy: 'creator',
        notes: 'n1',
        updatedAt: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(created!.updatedAt))).toBe(false);
      // Another peer of the same actor is unaffected.
      expect(await overrides.get('perm', 'pp2')).toBeNull();

      expect(
        await overrides.put('perm', 'pp1', {
          trustType: 'viewer',
          permissions: { tools: { denied: ['*'] } },
        }),
      ).toBe('updated');
      expect(await overrides.get('perm', 'pp1')).toMatchObject({
        trustType: 'viewer',
        permissions: { tools: { denied: ['*'] } },
        createdBy: '',
        notes: '',
      });

      expect(await overrides.delete('perm', 'pp1')).toBe(true);
      expect(await overrides.delete('perm', 'pp1')).toBe(false);
      expect(await overrides.get('perm', 'pp1')).toBeNull();
    });

    it('reports exactly one creation among concurrent first writers', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          overrides.put('perm', 'pp2', {
            trustType: 'friend',
            permissions: { methods: { allowed: [`m${i}`] } },
          }),
        ),
      );
      expect(results.filter((r) => r === 'created')).toHaveLength(1);
      expect(results.filter((r) => r === 'updated')).toHaveLength(7);
      expect(await overrides.get('perm', 'pp2')).not.toBeNull();
    });

    it('needs an existing trust', async () => {
      await expect(
        overrides.put('perm', 'no-such-peer', { trustType: 'friend', permissions: {} }),
      ).rejects.toHaveProperty('message', expect.stringMatching(/foreign key/i));
    });

    it('deleting the trust deletes its override', async () => {
      await trusts.insert(trust('perm', 'pp3', 'perm-secret-3'));
      await overrides.put('perm', 'pp3', {
        trustType: 'friend',
        permissions: { prompts: { allowed: ['a'] } },
      });
      expect(await overrides.get('perm', 'pp3')).not.toBeNull();
      expect(await trusts.delete('perm', 'pp3')).toBe(true);
      expect(await overrides.get('perm', 'pp3')).toBeNull();
      const rows = await database.db
        .selectFrom('trust_permissions')
        .select('peer_id')
        .where('actor_id', '=', 'perm')
        .where('peer_id', '=', 'pp3')
        .execute();
      expect(rows).toHaveLength(0);
    });

    it('deleting the actor deletes its overrides', async () => {
      await actors.insert(actor('perm-gone'));
      await trusts.insert(trust('perm-gone', 'pg1', 'perm-gone-secret'));
      await overrides.put('perm-gone', 'pg1', { trustType: 'friend', permissions: {} });
      expect(await actors.delete('perm-gone')).toBe(true);
      expect(await overrides.get('perm-gone', 'pg1')).toBeNull();
    });
  });
});

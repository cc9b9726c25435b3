import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import { testStorages } from '../testing/internal/test-storage.js';
import { ActingWebDatabase } from './actingweb-database.js';
import { ActorRepository } from './actor.repository.js';
import { PropertyRepository } from './property.repository.js';
import { SubscriptionRepository, type SubscriptionRecord } from './subscription.repository.js';
import { TrustPermissionRepository } from './trust-permission.repository.js';
import { TrustRepository } from './trust.repository.js';

/**
 * Subscription diffs stored per group (one change per write and group, each
 * subscription numbering them itself), on every backend: SQLite always,
 * PostgreSQL when TEST_DATABASE_URL is set.
 */
describe.each(testStorages())('subscription groups on $name', (backend) => {
  let database: ActingWebDatabase;
  let subscriptions: SubscriptionRepository;
  let trusts: TrustRepository;
  let overrides: TrustPermissionRepository;
  let actors: ActorRepository;
  let cleanup: () => Promise<void>;
  let actorCount = 0;

  beforeAll(async () => {
    const created = await backend.create();
    cleanup = created.cleanup;
    database = new ActingWebDatabase(
      resolveConfig({
        type: 'urn:actingweb:test:groups',
        baseUrl: 'http://localhost/',
        storage: created.options,
      }),
    );
    await database.migrate();
    subscriptions = new SubscriptionRepository(database);
    trusts = new TrustRepository(database);
    overrides = new TrustPermissionRepository(database);
    actors = new ActorRepository(database);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
    await cleanup();
  });

  const now = () => new Date().toISOString();

  async function newActor(): Promise<string> {
    const id = `actor${++actorCount}`;
    await actors.insert({
      id,
      creator: `c${actorCount}`,
      passphrase: 'p',
      trusteeRoot: null,
      createdAt: now(),
    });
    return id;
  }

  async function peer(actorId: string, peerId: string, relationship = 'friend'): Promise<void> {
    await trusts.insert({
      actorId,
      peerId,
      baseuri: `http://peer.example/${peerId}`,
      peerType: 'urn:actingweb:test:peer',
      relationship,
      secret: `${actorId}-${peerId}-secret`,
      description: '',
      approved: true,
      peerApproved: true,
      verified: true,
      verificationToken: null,
      establishedVia: 'trust',
      createdAt: now(),
    });
  }

  async function subscribe(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    scope: Partial<Pick<SubscriptionRecord, 'subtarget' | 'granularity'>> = {},
  ): Promise<void> {
    await subscriptions.insert({
      actorId,
      peerId,
      subscriptionId,
      outbound: false,
      target: 'properties',
      subtarget: scope.subtarget ?? '',
      resource: '',
      granularity: scope.granularity ?? 'none',
      sequence: 0,
      acceptEncoding: null,
      createdAt: now(),
    });
  }

  /** What a property write does: one change per group of the actor's subscriptions on `properties`. */
  async function write(actorId: string, data: unknown): Promise<number> {
    return database.transaction(async (tx) => {
      const groups = await subscriptions.groupsForWrite(tx, actorId, 'properties');
      const text = JSON.stringify(data);
      await subscriptions.appendChanges(
        tx,
        groups.map((g) => ({ groupId: g.id, data: text })),
        now(),
      );
      return groups.length;
    });
  }

  const sequences = async (actorId: string, peerId: string, subscriptionId: string) =>
    (await subscriptions.diffs(actorId, peerId, subscriptionId)).map((d) => d.sequence);
  const current = async (actorId: string, peerId: string, subscriptionId: string) =>
    (await subscriptions.get(actorId, peerId, subscriptionId))!.sequence;

  async function count(table: 'subscription_changes' | 'subscription_groups' | 'subscription_acks') {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('one change per write for many subscribers with the same scope and permissions; each numbers from 1', async () => {
    const a = await newActor();
    const changesBefore = await count('subscription_changes');
    for (let i = 0; i < 50; i++) {
      await peer(a, `p${i}`);
      await subscribe(a, `p${i}`, `s${i}`);
    }
    expect(await write(a, { n: 1 })).toBe(1);
    expect(await write(a, { n: 2 })).toBe(1);
    expect((await count('subscription_changes')) - changesBefore).toBe(2);
    for (const i of [0, 17, 49]) {
      expect(await subscriptions.diffs(a, `p${i}`, `s${i}`)).toEqual([
        { sequence: 1, timestamp: expect.any(String), data: { n: 1 } },
        { sequence: 2, timestamp: expect.any(String), data: { n: 2 } },
      ]);
      expect(await current(a, `p${i}`, `s${i}`)).toBe(2);
    }
  });

  it('a subscription created later starts at 1 and sees none of the older diffs', async () => {
    const a = await newActor();
    await peer(a, 'early');
    await peer(a, 'late');
    await subscribe(a, 'early', 'e');
    await write(a, 1);
    await write(a, 2);
    await subscribe(a, 'late', 'l');
    expect(await current(a, 'late', 'l')).toBe(0);
    expect(await subscriptions.diffs(a, 'late', 'l')).toEqual([]);
    await write(a, 3);
    expect(await sequences(a, 'early', 'e')).toEqual([1, 2, 3]);
    expect((await subscriptions.diffs(a, 'late', 'l')).map((d) => [d.sequence, d.data])).toEqual([[1, 3]]);
    expect(await subscriptions.diff(a, 'late', 'l', 1)).toMatchObject({ sequence: 1, data: 3 });
    expect(await subscriptions.diff(a, 'late', 'l', 2)).toBeNull();
  });

  it('different scopes and permissions are different groups', async () => {
    const a = await newActor();
    await peer(a, 'friend1');
    await peer(a, 'friend2');
    await peer(a, 'admin1', 'admin');
    await subscribe(a, 'friend1', 'all');
    await subscribe(a, 'friend2', 'all');
    await subscribe(a, 'friend1', 'notes', { subtarget: 'notes' });
    await subscribe(a, 'admin1', 'all');
    expect(await write(a, 'x')).toBe(3);
  });

  it('clearing: up to N (never beyond the current sequence), single diffs in any order', async () => {
    const a = await newActor();
    await peer(a, 'p');
    await subscribe(a, 'p', 's');
    for (let i = 1; i <= 5; i++) await write(a, i);
    expect(await subscriptions.clearDiffs(a, 'p', 's', 2)).toBe(2);
    expect(await sequences(a, 'p', 's')).toEqual([3, 4, 5]);
    // One at a time, out of order: 5 and 4 wait for 3.
    await subscriptions.deleteDiffs([
      { actorId: a, peerId: 'p', subscriptionId: 's', sequence: 5 },
      { actorId: a, peerId: 'p', subscriptionId: 's', sequence: 4 },
    ]);
    expect(await sequences(a, 'p', 's')).toEqual([3]);
    expect(await subscriptions.deleteDiff(a, 'p', 's', 4)).toBe(false);
    expect(await subscriptions.deleteDiff(a, 'p', 's', 3)).toBe(true);
    expect(await sequences(a, 'p', 's')).toEqual([]);
    const acks = await database.db
      .selectFrom('subscription_acks')
      .selectAll()
      .where('actor_id', '=', a)
      .execute();
    expect(acks).toEqual([]);
    // A clear beyond the current sequence does not hide diffs still to come.
    expect(await subscriptions.clearDiffs(a, 'p', 's', 1000)).toBe(0);
    await write(a, 6);
    expect(await sequences(a, 'p', 's')).toEqual([6]);
    expect(await current(a, 'p', 's')).toBe(6);
  });

  it('changes every member cleared are deleted; the group goes with its last member', async () => {
    const a = await newActor();
    await peer(a, 'p1');
    await peer(a, 'p2');
    await subscribe(a, 'p1', 's1');
    await subscribe(a, 'p2', 's2');
    await write(a, 1);
    await write(a, 2);
    const groupId = (await database.db
      .selectFrom('subscriptions')
      .select('group_id')
      .where('actor_id', '=', a)
      .executeTakeFirstOrThrow())!.group_id!;
    const stored = async () =>
      (
        await database.db
          .selectFrom('subscription_changes')
          .select('sequence')
          .where('group_id', '=', groupId)
          .orderBy('sequence')
          .execute()
      ).map((r) => Number(r.sequence));
    await subscriptions.clearDiffs(a, 'p1', 's1', 2);
    expect(await stored()).toEqual([1, 2]); // p2 still has them
    await subscriptions.deleteDiffs([{ actorId: a, peerId: 'p2', subscriptionId: 's2', sequence: 1 }]);
    expect(await stored()).toEqual([2]);
    expect(await sequences(a, 'p2', 's2')).toEqual([2]);
    expect(await subscriptions.delete(a, 'p2', 's2')).not.toBeNull();
    expect(await stored()).toEqual([]);
    expect(await subscriptions.delete(a, 'p1', 's1')).not.toBeNull();
    const group = await database.db
      .selectFrom('subscription_groups')
      .select('id')
      .where('id', '=', groupId)
      .execute();
    expect(group).toEqual([]);
  });

  it('a permission change moves the subscription to its new group: pending diffs kept, numbering continues', async () => {
    const a = await newActor();
    await peer(a, 'p1');
    await peer(a, 'p2');
    await subscribe(a, 'p1', 's1');
    await subscribe(a, 'p2', 's2');
    await write(a, 1);
    await write(a, 2);
    await subscriptions.deleteDiffs([{ actorId: a, peerId: 'p1', subscriptionId: 's1', sequence: 2 }]);

    await overrides.put(a, 'p1', { trustType: 'friend', permissions: { properties: { patterns: ['*'] } } });
    expect(await write(a, 3)).toBe(2);
    expect((await subscriptions.diffs(a, 'p1', 's1')).map((d) => [d.sequence, d.data])).toEqual([
      [1, 1],
      [3, 3],
    ]);
    expect(await current(a, 'p1', 's1')).toBe(3);
    expect(await sequences(a, 'p2', 's2')).toEqual([1, 2, 3]);

    // Back again (override removed), then the relationship changes: each time the numbering goes on.
    await overrides.delete(a, 'p1');
    await write(a, 4);
    await trusts.update(a, 'p1', { relationship: 'admin' });
    await write(a, 5);
    expect(await sequences(a, 'p1', 's1')).toEqual([1, 3, 4, 5]);
    await subscriptions.clearDiffs(a, 'p1', 's1', 4);
    expect(await sequences(a, 'p1', 's1')).toEqual([5]);
    expect(await sequences(a, 'p2', 's2')).toEqual([1, 2, 3, 4, 5]);
  });

  it('a sequence number without a diff (resync) leaves a hole, keeps pending diffs', async () => {
    const a = await newActor();
    await peer(a, 'p1');
    await peer(a, 'p2');
    await subscribe(a, 'p1', 's1');
    await subscribe(a, 'p2', 's2');
    await write(a, 1);
    expect(await subscriptions.allocateOne(a, 'p1', 's1')).toBe(2);
    await write(a, 3);
    expect(await sequences(a, 'p1', 's1')).toEqual([1, 3]);
    expect(await current(a, 'p1', 's1')).toBe(3);
    expect(await sequences(a, 'p2', 's2')).toEqual([1, 2]);
    expect(await subscriptions.allocateOne(a, 'p1', 'nope')).toBeNull();
  });

  it('deleting a trust deletes its subscriptions and their empty group', async () => {
    const a = await newActor();
    await peer(a, 'gone');
    await subscribe(a, 'gone', 's');
    await write(a, 1);
    const groupsBefore = await count('subscription_groups');
    expect(await trusts.delete(a, 'gone')).toBe(true);
    expect(await subscriptions.get(a, 'gone', 's')).toBeNull();
    expect(await count('subscription_groups')).toBe(groupsBefore - 1);
    expect(await write(a, 2)).toBe(0);
  });

  it('concurrent writes and subscriptions: every subscription numbers its diffs 1, 2, 3… without gaps', async () => {
    const a = await newActor();
    for (let i = 0; i < 6; i++) await peer(a, `c${i}`);
    await subscribe(a, 'c0', 's0');
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => write(a, i)),
      ...Array.from({ length: 5 }, (_, i) => subscribe(a, `c${i + 1}`, `s${i + 1}`)),
    ]);
    for (let i = 0; i < 6; i++) {
      const seen = await sequences(a, `c${i}`, `s${i}`);
      expect(seen).toEqual(Array.from({ length: seen.length }, (_, k) => k + 1));
      expect(await current(a, `c${i}`, `s${i}`)).toBe(seen.length);
    }
    expect(await sequences(a, 'c0', 's0')).toHaveLength(20);
  });

  it('a property write tells whether the actor has subscriptions on its properties, and stores the value', async () => {
    const properties = new PropertyRepository(database);
    const a = await newActor();
    const putWatched = (value: string) =>
      database.transaction((tx) => properties.putWatched(a, 'name', value, tx));
    expect(await putWatched('"first"')).toBe(false);
    await peer(a, 'watcher');
    await subscribe(a, 'watcher', 's1', { subtarget: 'other' });
    expect(await putWatched('"second"')).toBe(true);
    expect(await properties.get(a, 'name')).toBe('"second"');
    // Another actor's subscriptions do not count.
    const b = await newActor();
    expect(await database.transaction((tx) => properties.putWatched(b, 'name', '1', tx))).toBe(false);
  });

  it('on SQLite the read before a property write already tells whether anyone subscribes; on PostgreSQL the write does', async () => {
    const properties = new PropertyRepository(database);
    const a = await newActor();
    const forWrite = () => database.transaction((tx) => properties.getForWrite(a, 'name', tx));
    const sqlite = database.dialect === 'sqlite';
    expect((await forWrite()).watched).toBe(sqlite ? false : undefined);
    await peer(a, 'watcher');
    await subscribe(a, 'watcher', 's1', { subtarget: 'other' });
    expect((await forWrite()).watched).toBe(sqlite ? true : undefined);
    // A write given what the read saw stores the value and passes it on.
    const written = await database.transaction(async (tx) => {
      const { watched } = await properties.getForWrite(a, 'name', tx);
      return properties.putWatched(a, 'name', '"third"', tx, watched);
    });
    expect(written).toBe(true);
    expect(await properties.get(a, 'name')).toBe('"third"');
    // What the caller passes is what it gets back: the write then does not look again.
    expect(await database.transaction((tx) => properties.putWatched(a, 'name', '"fourth"', tx, false))).toBe(
      false,
    );
    expect(await properties.get(a, 'name')).toBe('"fourth"');
  });
});

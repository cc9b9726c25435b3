import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Migrator, sql } from 'kysely';
import { resolveConfig } from '../config/aw-config.js';
import { testStorages } from '../testing/internal/test-storage.js';
import { ActingWebDatabase } from './actingweb-database.js';
import { AwMigrationProvider } from './migrations/index.js';
import { SubscriptionRepository } from './subscription.repository.js';

/**
 * Migration 0005 on data stored by the one-diff-per-subscription schema: the
 * stored diffs stay readable and clearable, numbering continues where each
 * subscription was, and the next write reaches every subscription through its
 * group. SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
 */
describe.each(testStorages())('migration 0005 (subscription groups) on $name', (backend) => {
  let database: ActingWebDatabase;
  let subscriptions: SubscriptionRepository;
  let cleanup: () => Promise<void>;
  const at = '2026-01-02T03:04:05.000Z';

  beforeAll(async () => {
    const created = await backend.create();
    cleanup = created.cleanup;
    const options = created.options;
    database = new ActingWebDatabase(
      resolveConfig({ type: 'urn:actingweb:test:migration', baseUrl: 'http://localhost/', storage: options }),
    );
    // The schema as it was before 0005, with the library's own migrations.
    let schema: string | undefined;
    if (options.type === 'postgres') {
      schema = options.schema!;
      await sql`create schema if not exists ${sql.id(schema)}`.execute(database.db);
    }
    const migrator = new Migrator({
      db: database.db,
      provider: new AwMigrationProvider(database.dialect),
      migrationTableName: 'aw_migrations',
      migrationLockTableName: 'aw_migrations_lock',
      migrationTableSchema: schema,
    });
    const before = await migrator.migrateTo('0004-property-lookup-names');
    expect(before.error).toBeUndefined();
    await seedOldData(database);
    await database.migrate();
    subscriptions = new SubscriptionRepository(database);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
    await cleanup();
  });

  it('keeps the stored diffs and the sequence of every inbound subscription', async () => {
    expect(await subscriptions.get('pub', 'friend1', 'a')).toMatchObject({ sequence: 5, outbound: false });
    expect(await subscriptions.diffs('pub', 'friend1', 'a')).toEqual([
      { sequence: 4, timestamp: at, data: { n: 4 } },
      { sequence: 5, timestamp: at, data: { n: 5 } },
    ]);
    expect(await subscriptions.get('pub', 'friend2', 'b')).toMatchObject({ sequence: 2 });
    expect((await subscriptions.diffs('pub', 'friend2', 'b')).map((d) => d.sequence)).toEqual([2]);
    expect(await subscriptions.diff('pub', 'friend1', 'a', 4)).toMatchObject({ data: { n: 4 } });
  });

  it('groups them: same scope and permissions share a group, an override gets its own', async () => {
    const rows = await database.db
      .selectFrom('subscriptions')
      .select(['subscription_id', 'group_id'])
      .where('actor_id', '=', 'pub')
      .where('outbound', '=', 0)
      .orderBy('subscription_id')
      .execute();
    const group = Object.fromEntries(rows.map((r) => [r.subscription_id, r.group_id]));
    expect(group.a).not.toBeNull();
    expect(group.b).toBe(group.a);
    expect(group.c).not.toBeNull();
    expect(group.c).not.toBe(group.a);
  });

  it('the next write continues each numbering; old and new diffs clear together', async () => {
    await database.transaction(async (tx) => {
      const groups = await subscriptions.groupsForWrite(tx, 'pub', 'properties');
      expect(groups).toHaveLength(2);
      await subscriptions.appendChanges(
        tx,
        groups.map((g) => ({ groupId: g.id, data: '{"n":"new"}' })),
        at,
      );
    });
    expect((await subscriptions.diffs('pub', 'friend1', 'a')).map((d) => [d.sequence, d.data])).toEqual([
      [4, { n: 4 }],
      [5, { n: 5 }],
      [6, { n: 'new' }],
    ]);
    expect((await subscriptions.diffs('pub', 'friend2', 'b')).map((d) => d.sequence)).toEqual([2, 3]);
    expect((await subscriptions.diffs('pub', 'special', 'c')).map((d) => d.sequence)).toEqual([1]);
    expect(await subscriptions.clearDiffs('pub', 'friend1', 'a', 5)).toBe(2);
    expect((await subscriptions.diffs('pub', 'friend1', 'a')).map((d) => d.sequence)).toEqual([6]);
    await subscriptions.deleteDiffs([
      { actorId: 'pub', peerId: 'friend2', subscriptionId: 'b', sequence: 2 },
      { actorId: 'pub', peerId: 'friend2', subscriptionId: 'b', sequence: 3 },
    ]);
    expect(await subscriptions.diffs('pub', 'friend2', 'b')).toEqual([]);
  });

  it('leaves outbound subscriptions and ones without a trust as they were', async () => {
    expect(await subscriptions.get('pub', 'friend1', 'out')).toMatchObject({ outbound: true, sequence: 7 });
    expect(await subscriptions.get('pub', 'stranger', 'orphan')).toMatchObject({ sequence: 3 });
    expect((await subscriptions.diffs('pub', 'stranger', 'orphan')).map((d) => d.sequence)).toEqual([3]);
  });
});

/** Rows as the schema of migrations 0001–0003 stored them. */
async function seedOldData(database: ActingWebDatabase): Promise<void> {
  const db = database.db;
  const at = '2026-01-02T03:04:05.000Z';
  await db
    .insertInto('actors')
    .values({ id: 'pub', creator: 'c', passphrase: 'p', trustee_root: null, created_at: at })
    .execute();
  for (const peerId of ['friend1', 'friend2', 'special'])
    await db
      .insertInto('trusts')
      .values({
        actor_id: 'pub',
        peer_id: peerId,
        baseuri: `http://peer.example/${peerId}`,
        peer_type: 'urn:test',
        relationship: 'friend',
        secret: `s-${peerId}`,
        secret_hash: `h-${peerId}`,
        description: '',
        approved: 1,
        peer_approved: 1,
        verified: 1,
        created_at: at,
      })
      .execute();
  await db
    .insertInto('trust_permissions')
    .values({
      actor_id: 'pub',
      peer_id: 'special',
      trust_type: 'friend',
      permissions: '{"properties":{"patterns":["*"]}}',
      created_by: '',
      notes: '',
      updated_at: at,
    })
    .execute();
  const subscription = (peerId: string, id: string, outbound: number, sequence: number) =>
    db
      .insertInto('subscriptions')
      .values({
        actor_id: 'pub',
        peer_id: peerId,
        subscription_id: id,
        outbound,
        target: 'properties',
        subtarget: '',
        resource: '',
        granularity: 'none',
        sequence,
        accept_encoding: null,
        created_at: at,
      })
      .execute();
  await subscription('friend1', 'a', 0, 5);
  await subscription('friend2', 'b', 0, 2);
  await subscription('special', 'c', 0, 0);
  await subscription('friend1', 'out', 1, 7);
  await subscription('stranger', 'orphan', 0, 3);
  const diff = (peerId: string, id: string, sequence: number) =>
    db
      .insertInto('subscription_diffs')
      .values({
        actor_id: 'pub',
        peer_id: peerId,
        subscription_id: id,
        sequence,
        timestamp: at,
        data: JSON.stringify({ n: sequence }),
      })
      .execute();
  await diff('friend1', 'a', 4);
  await diff('friend1', 'a', 5);
  await diff('friend2', 'b', 2);
  await diff('stranger', 'orphan', 3);
}

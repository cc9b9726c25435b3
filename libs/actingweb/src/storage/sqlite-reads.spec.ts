import { afterEach, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import { createTemporaryStorage } from '../testing/temporary-storage.js';
import { ActingWebDatabase } from './actingweb-database.js';
import { ActorRepository } from './actor.repository.js';
import { PropertyRepository } from './property.repository.js';

/**
 * The synchronous SQLite reads outside transactions (PreparedQuery with `read: true`) answer the last
 * committed state, whichever connection serves them: never a value an open transaction wrote.
 */
describe.each(['sqlite', 'sqlite-memory'] as const)('SQLite hot reads on %s', (kind) => {
  let database: ActingWebDatabase | undefined;
  let cleanup: (() => Promise<void>) | undefined;

  async function open(): Promise<{ db: ActingWebDatabase; properties: PropertyRepository }> {
    const storage = await createTemporaryStorage(kind);
    cleanup = storage.cleanup;
    const db = new ActingWebDatabase(
      resolveConfig({
        type: 'urn:actingweb:test:reads',
        baseUrl: 'http://localhost/',
        storage: storage.options,
      }),
    );
    database = db;
    await db.onModuleInit();
    await new ActorRepository(db).insert({
      id: 'a1',
      creator: 'creator',
      passphrase: 'p'.repeat(40),
      trusteeRoot: null,
      createdAt: new Date().toISOString(),
    });
    const properties = new PropertyRepository(db);
    await properties.put('a1', 'name', '"committed"');
    return { db, properties };
  }

  afterEach(async () => {
    await database?.onApplicationShutdown();
    await cleanup?.();
  });

  /** A transaction that writes `value` and stays open until `finish` is called. */
  function openWrite(
    db: ActingWebDatabase,
    properties: PropertyRepository,
    value: string,
    outcome: 'commit' | 'rollback',
  ) {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const done = db
      .transaction(async (tx) => {
        await properties.put('a1', 'name', value, tx);
        written();
        await gate;
        if (outcome === 'rollback') throw new Error('rolled back');
      })
      .catch((err: Error) => err.message);
    return { wrote, finish, done };
  }

  it('a read while a transaction is open never sees what it wrote; after the commit it does', async () => {
    const { db, properties } = await open();
    const write = openWrite(db, properties, '"uncommitted"', 'commit');
    await write.wrote;
    let seen: string | null | undefined;
    const read = properties.get('a1', 'name').then((value) => (seen = value));
    await new Promise((resolve) => setImmediate(resolve));
    if (kind === 'sqlite')
      expect(seen).toBe('"committed"'); // the read-only connection answered
    else expect(seen).toBeUndefined(); // `:memory:` has one connection: the read waits for the commit
    write.finish();
    await write.done;
    await read;
    expect(seen).toBe(kind === 'sqlite' ? '"committed"' : '"uncommitted"');
    expect(await properties.get('a1', 'name')).toBe('"uncommitted"');
  });

  it('a rolled-back write is never read', async () => {
    const { db, properties } = await open();
    const write = openWrite(db, properties, '"discarded"', 'rollback');
    await write.wrote;
    const during = properties.get('a1', 'name');
    write.finish();
    expect(await write.done).toBe('rolled back');
    expect(await during).toBe('"committed"');
    expect(await properties.get('a1', 'name')).toBe('"committed"');
  });

  it('reads follow each committed write, also while the next write is open', async () => {
    const { db, properties } = await open();
    for (let i = 0; i < 5; i++) {
      await db.transaction((tx) => properties.put('a1', 'name', String(i), tx));
      expect(await properties.get('a1', 'name')).toBe(String(i));
      if (kind === 'sqlite-memory') continue; // there a read waits for the open write
      const next = openWrite(db, properties, `"next ${i}"`, 'rollback');
      await next.wrote;
      expect(await properties.get('a1', 'name')).toBe(String(i));
      next.finish();
      await next.done;
    }
  });

  it('outside a transaction, a read does not wait for the connection Kysely holds', async () => {
    const { db, properties } = await open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let taken!: () => void;
    const connectionTaken = new Promise<void>((resolve) => (taken = resolve));
    const holding = db.db.connection().execute(async () => {
      taken();
      await held;
    });
    await connectionTaken;
    // Kysely's one connection is busy but in no transaction: the read runs on it at once.
    let seen: string | null | undefined;
    const read = properties.get('a1', 'name').then((value) => (seen = value));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBe('"committed"');
    release();
    await holding;
    await read;
  });
});

import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createTemporaryStorage, type TemporaryStorageKind } from './temporary-storage.js';

describe('createTemporaryStorage', () => {
  it('gives a SQLite file in a new directory by default, and removes the directory at cleanup', async () => {
    const storage = await createTemporaryStorage();
    expect(storage.options.type).toBe('sqlite');
    const filename = (storage.options as { filename: string }).filename;
    expect(filename).toMatch(/actingweb-test-.*actingweb\.sqlite$/);
    writeFileSync(filename, 'x');
    await storage.cleanup();
    expect(existsSync(dirname(filename))).toBe(false);
  });

  it('gives SQLite in memory', async () => {
    const storage = await createTemporaryStorage('sqlite-memory');
    expect(storage.options).toEqual({ type: 'sqlite', filename: ':memory:' });
    await storage.cleanup();
  });

  it('gives PostgreSQL a schema of its own, different each time', async () => {
    const kind = { type: 'postgres', connectionString: 'postgres://u@127.0.0.1:1/db' } as const;
    const [a, b] = [await createTemporaryStorage(kind), await createTemporaryStorage(kind)];
    expect(a.options).toMatchObject({
      type: 'postgres',
      connectionString: kind.connectionString,
      poolSize: 4,
    });
    const schema = (a.options as { schema: string }).schema;
    expect(schema).toMatch(/^aw_test_\d+_[0-9a-f]{8}$/);
    expect((b.options as { schema: string }).schema).not.toBe(schema);
  });

  it('refuses an unknown kind', async () => {
    await expect(createTemporaryStorage('mysql' as unknown as TemporaryStorageKind)).rejects.toThrow(
      /expected 'sqlite', 'sqlite-memory' or \{ type: 'postgres', connectionString \}/,
    );
  });
});

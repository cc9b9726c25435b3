import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StorageOptions } from '../config/actingweb-options.interface.js';

/**
 * Storage backends for tests: SQLite always, and PostgreSQL when
 * `TEST_DATABASE_URL` is set. Each use gets fresh, empty storage, removed by
 * `cleanup()`: SQLite a file in its own temporary directory, PostgreSQL its own
 * schema, so test files and parallel runs never collide. Not part of the
 * package (the build leaves `testing/` out); the repository's tests use it.
 */
export interface TestStorage {
  readonly name: 'sqlite' | 'postgres';
  /** Fresh, empty storage options plus a cleanup to call when done. */
  create(): Promise<{ options: StorageOptions; cleanup: () => Promise<void> }>;
}

export function testStorages(): TestStorage[] {
  const storages: TestStorage[] = [
    {
      // A real file (WAL, plus the read-only connection for hot reads), as the embedded default runs.
      name: 'sqlite',
      create: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'aw-test-'));
        return {
          options: { type: 'sqlite', filename: join(dir, 'actingweb.sqlite') },
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    storages.push({
      name: 'postgres',
      create: async () => {
        const schema = `aw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
        return {
          options: { type: 'postgres', connectionString: url, schema, poolSize: 4 },
          cleanup: async () => {
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            try {
              await client.query(`drop schema if exists "${schema}" cascade`);
            } finally {
              await client.end();
            }
          },
        };
      },
    });
  }
  return storages;
}

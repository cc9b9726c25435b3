import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';

export type BackendName = 'sqlite' | 'postgres';

/** Fresh, empty storage for one benchmark server, and how to remove it afterwards. */
export interface BenchStorage {
  readonly backend: BackendName;
  readonly options: StorageOptions;
  cleanup(): Promise<void>;
}

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when PostgreSQL answers a query within 3 s. */
export async function postgresAvailable(url = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * SQLite: a new file (WAL, as the embedded default) in a temp directory.
 * PostgreSQL: a new schema (the server's migrations create it), dropped by cleanup().
 */
export async function createStorage(backend: BackendName, label: string): Promise<BenchStorage> {
  if (backend === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), `aw-bench-${label}-`));
    return {
      backend,
      options: { type: 'sqlite', filename: join(dir, 'bench.sqlite') },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const schema = `aw_bench_${process.pid}_${randomBytes(3).toString('hex')}_${label.replace(/\W/g, '_')}`;
  return {
    backend,
    options: { type: 'postgres', connectionString: POSTGRES_URL, schema },
    cleanup: () => dropSchema(schema),
  };
}

/** Drops a PostgreSQL schema of a benchmark, with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

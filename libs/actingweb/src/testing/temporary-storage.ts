import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageOptions } from '../config/actingweb-options.interface.js';
import { loadPg } from '../storage/load-pg.js';

/**
 * Which storage a test gets, always fresh and empty:
 *
 * - `'sqlite'` (the default): a SQLite file in a new temporary directory. This
 *   is the code path of the module's embedded default (WAL, and the second,
 *   read-only connection that serves hot reads while a transaction is open), so
 *   tests run what production runs.
 * - `'sqlite-memory'`: SQLite `:memory:`. Nothing touches the disk, but hot
 *   reads go through the one connection, and wait while a transaction is open
 *   (a second connection to `:memory:` would be another database).
 * - `{ type: 'postgres', connectionString }`: a new schema on that server
 *   (`aw_test_<pid>_<random>`), dropped at cleanup, so test files and
 *   parallel runs never see each other's data. Needs the `pg` package.
 *
 * @publicApi
 */
export type TemporaryStorageKind =
  | 'sqlite'
  | 'sqlite-memory'
  | { readonly type: 'postgres'; readonly connectionString: string; readonly poolSize?: number };

/**
 * Storage options for `ActingWebModule.forRoot({ storage })` and the cleanup
 * that removes what they point at.
 *
 * @publicApi
 */
export interface TemporaryStorage {
  /** Pass these as the module's `storage` option. */
  readonly options: StorageOptions;
  /** Deletes the SQLite directory or drops the PostgreSQL schema. Call it after the application closed. */
  cleanup(): Promise<void>;
}

/**
 * Creates fresh, empty storage for one test application (see
 * {@link TemporaryStorageKind}). `createTestApp` calls this for you; use it
 * directly when you build the Nest testing module yourself.
 *
 * ```ts
 * const storage = await createTemporaryStorage();
 * const moduleRef = await Test.createTestingModule({
 *   imports: [ActingWebModule.forRoot({ type, baseUrl, storage: storage.options })],
 * }).compile();
 * // ... after app.close():
 * await storage.cleanup();
 * ```
 *
 * @publicApi
 */
export async function createTemporaryStorage(
  kind: TemporaryStorageKind = 'sqlite',
): Promise<TemporaryStorage> {
  if (kind === 'sqlite-memory') {
    return { options: { type: 'sqlite', filename: ':memory:' }, cleanup: async () => undefined };
  }
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'actingweb-test-'));
    return {
      options: { type: 'sqlite', filename: join(dir, 'actingweb.sqlite') },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (typeof kind !== 'object' || kind === null || kind.type !== 'postgres' || !kind.connectionString) {
    throw new Error(
      `createTemporaryStorage: expected 'sqlite', 'sqlite-memory' or { type: 'postgres', connectionString }, got ${JSON.stringify(kind)}`,
    );
  }
  const { connectionString } = kind;
  const schema = `aw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    options: { type: 'postgres', connectionString, schema, poolSize: kind.poolSize ?? 4 },
    cleanup: async () => {
      const pg = await loadPg();
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import type { StorageOptions } from '../config/actingweb-options.interface.js';
import { testStorages } from '../testing/internal/test-storage.js';
import { ActingWebDatabase } from './actingweb-database.js';
import { loadPg } from './load-pg.js';

const POSTGRES = testStorages().filter((s) => s.name === 'postgres');
const POSTGRES_SKIPPED = 'PostgreSQL suites skipped: TEST_DATABASE_URL is not set';

/**
 * Several applications (or test runs) share one PostgreSQL database, each in a
 * schema of its own. Starting one must not depend on the others: another
 * schema created and dropped while ours migrates is none of our business.
 */
const suite = POSTGRES.length > 0 ? describe : describe.skip;
suite(`migrations beside other schemas on postgres${POSTGRES.length ? '' : ` (${POSTGRES_SKIPPED})`}`, () => {
  const STARTS = 40;
  let options: StorageOptions;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ options, cleanup } = await POSTGRES[0].create());
  });

  afterAll(async () => {
    await cleanup?.();
  });

  it('migrates its own schema while another schema is dropped again and again', async () => {
    const connectionString = (options as { connectionString: string }).connectionString;
    const churn = startSchemaChurn(connectionString);
    const failures: string[] = [];
    try {
      for (let i = 0; i < STARTS; i++) {
        const database = new ActingWebDatabase(
          resolveConfig({
            type: 'urn:actingweb:test:schemas',
            baseUrl: 'http://localhost/',
            storage: options,
          }),
        );
        try {
          await database.migrate();
        } catch (err) {
          failures.push((err as Error).message);
        } finally {
          await database.onApplicationShutdown();
        }
      }
    } finally {
      await churn.stop();
    }
    // The race is real only if the other schema came and went while we started.
    expect(churn.dropped()).toBeGreaterThan(STARTS);
    expect(failures).toEqual([]);
  }, 180_000); // 40 migrations: minutes on a busy machine

  it("introspection lists our schema's tables, the migrator's own included, and no other schema's", async () => {
    const database = new ActingWebDatabase(
      resolveConfig({ type: 'urn:actingweb:test:schemas', baseUrl: 'http://localhost/', storage: options }),
    );
    const pg = await loadPg();
    const other = new pg.Client({
      connectionString: (options as { connectionString: string }).connectionString,
    });
    const otherSchema = `aw_other_${process.pid}_${randomBytes(4).toString('hex')}`;
    await other.connect();
    try {
      await other.query(
        `create schema "${otherSchema}"; create table "${otherSchema}".actors_elsewhere (id int)`,
      );
      await database.migrate();
      const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
      const ours = (options as { schema: string }).schema;
      expect(new Set(tables.map((t) => t.schema))).toEqual(new Set([ours]));
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining(['actors', 'aw_migrations', 'aw_migrations_lock']),
      );
      const actors = tables.find((t) => t.name === 'actors')!;
      expect(actors.columns.find((c) => c.name === 'id')).toMatchObject({
        isNullable: false,
        isAutoIncrementing: false,
      });
    } finally {
      await other.query(`drop schema if exists "${otherSchema}" cascade`);
      await other.end();
      await database.onApplicationShutdown();
    }
  });
});

/**
 * Another tenant at work: on its own connections, creates a schema with a few
 * tables and drops it, over and over, until stopped.
 */
function startSchemaChurn(connectionString: string): { stop(): Promise<void>; dropped(): number } {
  let stopping = false;
  let dropped = 0;
  const worker = async () => {
    const pg = await loadPg();
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      while (!stopping) {
        const schema = `aw_other_${process.pid}_${randomBytes(4).toString('hex')}`;
        const tables = [1, 2, 3, 4, 5]
          .map((n) => `create table "${schema}".t${n} (id serial primary key, a text, b int);`)
          .join('');
        await client.query(`create schema "${schema}";${tables}`);
        await client.query(`drop schema "${schema}" cascade`);
        dropped++;
      }
    } finally {
      await client.end();
    }
  };
  const workers = [worker(), worker()];
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(workers);
    },
    dropped: () => dropped,
  };
}

import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Kysely, SqliteDialect, sql, type Transaction } from 'kysely';
import { Migrator } from 'kysely';
import { AwConfig } from '../config/aw-config.js';
import type { StorageOptions } from '../config/actingweb-options.interface.js';
import type { AwDatabase } from './database.types.js';
import { AwMigrationProvider } from './migrations/index.js';
import type { SqlDialectName } from './sql-dialect.js';
import { loadPg } from './load-pg.js';
import { OwnSchemaPostgresDialect } from './own-schema-dialect.js';
import {
  openSqlite,
  openSqliteReader,
  type SqliteConnection,
  type SqliteReader,
} from './sqlite-connection.js';
import { storageStartupError } from './storage-startup-error.js';
import { DEFAULT_SQLITE_FILENAME } from '../config/actingweb.constants.js';

/** A database handle or an open transaction; repository methods accept either. */
export type Executor = Kysely<AwDatabase> | Transaction<AwDatabase>;

/** The PostgreSQL pool's connections right now (metrics). */
export interface PoolStats {
  /** Open connections, idle or in use. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  /** `storage.poolSize`. */
  max: number;
}

/**
 * Owns the connection (SQLite file or PostgreSQL pool), applies migrations at
 * startup and closes the connection at shutdown.
 *
 * @publicApi
 */
@Injectable()
export class ActingWebDatabase implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ActingWebDatabase');
  readonly db: Kysely<AwDatabase>;
  readonly dialect: SqlDialectName;
  /** SQLite: synchronous hot reads outside transactions (see PreparedQuery). */
  sqliteReader?: SqliteReader;
  private readonly sqliteConnection?: SqliteConnection;
  private migrated?: Promise<void>;
  private readonly schema?: string;
  private readonly storage: Readonly<StorageOptions>;
  private readonly pool: () => PoolStats | undefined;

  constructor(@Inject(AwConfig) config: AwConfig) {
    // Startup errors name the option to fix (storage-startup-error.ts).
    let created: ReturnType<typeof createKysely>;
    try {
      created = createKysely(config.storage);
    } catch (err) {
      throw storageStartupError(err, config.storage);
    }
    const { db, dialect, pool, sqliteConnection } = created;
    this.db = db;
    this.sqliteConnection = sqliteConnection;
    this.dialect = dialect;
    this.pool = pool;
    this.schema = config.storage.type === 'postgres' ? config.storage.schema : undefined;
    this.storage = config.storage;
  }

  /**
   * Applies pending migrations once. Several instances starting at once are safe:
   * on PostgreSQL the Kysely migrator holds an advisory lock while it runs.
   */
  migrate(): Promise<void> {
    this.migrated ??= this.runMigrations();
    return this.migrated;
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.migrate();
      // Opened after the migrations, so the file and its tables exist.
      if (this.storage.type === 'sqlite' && this.sqliteConnection)
        this.sqliteReader = openSqliteReader(
          this.storage.filename ?? DEFAULT_SQLITE_FILENAME,
          this.sqliteConnection,
        );
    } catch (err) {
      throw storageStartupError(err, this.storage);
    }
  }

  /** PostgreSQL pool usage; undefined on SQLite or before the pool's first use. */
  poolStats(): PoolStats | undefined {
    return this.pool();
  }

  /** Runs `fn` in one transaction: everything it writes commits or rolls back together. */
  transaction<T>(fn: (tx: Transaction<AwDatabase>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * Serialises writers of one logical key (e.g. one actor's property) until the
   * transaction ends. PostgreSQL: a transaction-scoped advisory lock. SQLite:
   * nothing to do, its transactions already run one at a time (no promise then).
   */
  lockInTransaction(tx: Transaction<AwDatabase>, key: string): Promise<void> | undefined {
    if (this.dialect !== 'postgres') return undefined;
    return sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx).then(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.sqliteReader?.close();
    this.sqliteReader = undefined;
    await this.db.destroy();
  }

  private async runMigrations(): Promise<void> {
    // On PostgreSQL the bookkeeping tables live in our schema (the configured one, else the
    // current one), and the migrator looks only there (own-schema-dialect.ts).
    const migrationTableSchema = this.dialect === 'postgres' ? await this.ensureSchema() : undefined;
    const migrator = new Migrator({
      db: this.db,
      provider: new AwMigrationProvider(this.dialect),
      migrationTableName: 'aw_migrations',
      migrationLockTableName: 'aw_migrations_lock',
      migrationTableSchema,
    });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Success') this.logger.log(`Applied migration ${r.migrationName}`);
      if (r.status === 'Error') this.logger.error(`Migration ${r.migrationName} failed`);
    }
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }

  /** Creates the configured schema if needed; returns the schema the tables live in. */
  private async ensureSchema(): Promise<string> {
    if (this.schema) {
      await sql`create schema if not exists ${sql.id(this.schema)}`.execute(this.db);
      return this.schema;
    }
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db);
    return rows[0].schema;
  }
}

function createKysely(storage: Readonly<StorageOptions>): {
  db: Kysely<AwDatabase>;
  dialect: SqlDialectName;
  pool: () => PoolStats | undefined;
  sqliteConnection?: SqliteConnection;
} {
  if (storage.type === 'postgres') {
    let created: { totalCount: number; idleCount: number; waitingCount: number } | undefined;
    const max = storage.poolSize ?? 10;
    const stats = () =>
      created && {
        total: created.totalCount,
        idle: created.idleCount,
        waiting: created.waitingCount,
        max,
      };
    // The pool is created on first use, so `pg` (an optional peer dependency) loads only when selected.
    const pool = async () => {
      const pg = await loadPg();
      return (created = new pg.Pool({
        connectionString: storage.connectionString,
        max,
        // Search path per connection, so every query (and the migrator) lands in the schema.
        options: storage.schema ? `-c search_path=${storage.schema}` : undefined,
        // int8 (bigint, count(*)) as JS numbers: our values stay far below 2^53.
        types: {
          getTypeParser: ((oid: number, format?: string) =>
            oid === 20
              ? (v: string) => Number(v)
              : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
        },
      }));
    };
    return {
      db: new Kysely<AwDatabase>({ dialect: new OwnSchemaPostgresDialect({ pool }) }),
      dialect: 'postgres',
      pool: stats,
    };
  }
  const sqliteConnection = openSqlite(storage.filename ?? DEFAULT_SQLITE_FILENAME);
  return {
    db: new Kysely<AwDatabase>({ dialect: new SqliteDialect({ database: sqliteConnection.kyselyDatabase }) }),
    dialect: 'sqlite',
    pool: () => undefined,
    sqliteConnection,
  };
}

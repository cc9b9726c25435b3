import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** The embedded database's one read-write connection. */
export interface SqliteConnection {
  /** For Kysely's SqliteDialect: `prepare` goes through the statement cache. */
  kyselyDatabase: SqliteDatabase;
  raw: Database.Database;
}

/**
 * Opens the embedded database and wraps it for Kysely with a prepared-statement
 * cache: Kysely asks for `prepare(sql)` on every query, and better-sqlite3 does
 * not cache, so re-preparing would dominate hot reads.
 */
export function openSqlite(filename: string): SqliteConnection {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const raw = new Database(filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');

  // Transaction control and DDL are rare; only cache what repeats.
  const prepare = statementCache(raw, 2000);
  const kyselyDatabase: SqliteDatabase = {
    close: () => raw.close(),
    prepare: (sql: string) => prepare(sql) as unknown as SqliteStatement,
  };
  return { kyselyDatabase, raw };
}

/**
 * Synchronous single-statement reads outside transactions: the hottest reads
 * skip Kysely's async connection queue. `all` answers the last committed state,
 * or undefined when it cannot do so right now (then the caller goes through
 * Kysely, which waits for the open transaction).
 *
 * When the read-write connection is not inside a transaction, the read runs on
 * it. Otherwise, on a file database, it runs on a second, read-only connection
 * (WAL mode: the last committed state, without waiting for the writer). The
 * read-write connection comes first because SQLite empties a connection's page
 * cache whenever another connection has written since its last read: under a
 * write load, a read on the second connection re-reads its pages every time
 * (docs/benchmarks.md, "The SQLite time of a property PUT").
 */
export interface SqliteReader {
  all(sql: string, parameters: readonly unknown[]): unknown[] | undefined;
  close(): void;
}

export function openSqliteReader(filename: string, writer: SqliteConnection): SqliteReader {
  // A second connection to `:memory:` would be another database: there, reads inside a transaction wait.
  const readOnly =
    filename === ':memory:' ? undefined : new Database(filename, { readonly: true, fileMustExist: true });
  readOnly?.pragma('busy_timeout = 5000');
  const onReadOnly = readOnly && statementCache(readOnly, 200);
  // Its own statements on the read-write connection, apart from Kysely's: only the few hot reads
  // come here, so they are never crowded out of a cache, and never busy in a Kysely stream.
  const onWriter = statementCache(writer.raw, 200);
  return {
    all: (sql, parameters) => {
      if (!writer.raw.inTransaction) return onWriter(sql).all(...parameters);
      return onReadOnly?.(sql).all(...parameters);
    },
    close: () => readOnly?.close(),
  };
}

function statementCache(raw: Database.Database, limit: number): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = raw.prepare(sql);
      if (statements.size < limit) statements.set(sql, statement);
    }
    return statement;
  };
}

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Opens the embedded database and wraps it for Kysely with a prepared-statement
 * cache: Kysely asks for `prepare(sql)` on every query, and better-sqlite3 does
 * not cache, so re-preparing would dominate hot reads.
 */
export function openSqlite(filename: string): { kyselyDatabase: SqliteDatabase; raw: Database.Database } {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  const raw = new Database(filename);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');

  const statements = new Map<string, SqliteStatement>();
  const kyselyDatabase: SqliteDatabase = {
    close: () => {
      statements.clear();
      raw.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = raw.prepare(sql) as unknown as SqliteStatement;
        // Transaction control and DDL are rare; only cache what repeats.
        if (statements.size < 2000) statements.set(sql, statement);
      }
      return statement;
    },
  };
  return { kyselyDatabase, raw };
}

/**
 * A second, read-only connection to the same file, for single-statement reads
 * outside transactions. In WAL mode it reads the last committed state without
 * waiting for the writer, synchronously, with its own statement cache: the
 * hottest reads skip Kysely's async connection queue entirely. Not available
 * for `:memory:` databases (a second connection would be another database).
 */
export interface SqliteReader {
  all(sql: string, parameters: readonly unknown[]): unknown[];
  close(): void;
}

export function openSqliteReader(filename: string): SqliteReader | undefined {
  if (filename === ':memory:') return undefined;
  const raw = new Database(filename, { readonly: true, fileMustExist: true });
  raw.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  return {
    all: (sql, parameters) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = raw.prepare(sql);
        if (statements.size < 200) statements.set(sql, statement);
      }
      return statement.all(...parameters);
    },
    close: () => {
      statements.clear();
      raw.close();
    },
  };
}

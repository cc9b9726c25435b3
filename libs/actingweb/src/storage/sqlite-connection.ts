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

import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { ActingWebDatabase, Executor } from './actingweb-database.js';

/**
 * A query compiled once, executed many times with fresh parameters. Kysely
 * builds and compiles a query object on every call; on the hottest reads
 * (actor by id, property by name, trust by secret) that was measurable, so
 * those are compiled at startup with placeholder values that `run` swaps for
 * the real ones. The SQL text stays identical, so SQLite's statement cache
 * (sqlite-connection.ts) hits every time.
 */
export class PreparedQuery<R> {
  private readonly slots: number[];

  constructor(
    private readonly database: ActingWebDatabase,
    private readonly compiled: CompiledQuery<R>,
    placeholders: readonly string[],
    private readonly useReader: boolean,
  ) {
    this.slots = compiled.parameters.map((p) => placeholders.indexOf(p as string));
    for (const name of placeholders) {
      if (!compiled.parameters.includes(name))
        throw new Error(`PreparedQuery: placeholder ${name} is not used`);
    }
  }

  /**
   * `build` receives placeholder values to use where parameters go. `read: true`
   * marks a single-statement read that may run synchronously on SQLite (`SqliteReader`).
   */
  static of<R>(
    database: ActingWebDatabase,
    build: (...placeholders: string[]) => Compilable<R>,
    arity: number,
    options: { read?: boolean } = {},
  ): PreparedQuery<R> {
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0000aw-param-${i}\u0000`);
    return new PreparedQuery(database, build(...placeholders).compile(), placeholders, options.read === true);
  }

  /**
   * Runs the query. Outside a transaction on SQLite, a read runs
   * synchronously on the last committed state (`SqliteReader`; on `:memory:`
   * only while no transaction is open, else it waits through Kysely); inside a
   * transaction, or on PostgreSQL, it goes through Kysely.
   */
  async rows(db: Executor, ...values: unknown[]): Promise<R[]> {
    const parameters = this.compiled.parameters.map((fixed, i) =>
      this.slots[i] >= 0 ? values[this.slots[i]] : fixed,
    );
    const reader = this.database.sqliteReader;
    if (this.useReader && reader && db === this.database.db) {
      const rows = reader.all(this.compiled.sql, parameters);
      if (rows) return rows as R[];
    }
    const result: QueryResult<R> = await db.executeQuery<R>({ ...this.compiled, parameters });
    return result.rows;
  }
}

import type { SqlDialectName } from './sql-dialect.js';

/**
 * The text of a `VALUES` list of `rows` tuples, one placeholder per column:
 * `(?, ?), (?, ?)` on SQLite, `($1, $2), ($3, $4)` on PostgreSQL. A column is
 * a template with one `?` where its placeholder goes (`cast(? as integer)`).
 * For the batched statements of the callback path, which run once per few
 * hundred acknowledgements: Kysely's `sql` template builds several nodes per
 * value, and at ten thousand callbacks a change those were a quarter of the
 * publisher's allocations (docs/benchmarks.md, "Fan-out to 10,000 subscribers").
 */
export function valuesList(
  dialect: SqlDialectName,
  columns: readonly string[],
  rows: number,
  firstParameter = 1,
): string {
  let n = firstParameter;
  const tuples = new Array<string>(rows);
  for (let r = 0; r < rows; r++) {
    let tuple = '(';
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) tuple += ', ';
      const placeholder = dialect === 'postgres' ? `$${n++}` : '?';
      tuple += columns[c].replace('?', () => placeholder);
    }
    tuples[r] = `${tuple})`;
  }
  return tuples.join(', ');
}

/*
 * Preloaded into a benchmark server with `--import` (`--sql-time` in the foundation suite): times
 * every better-sqlite3 statement call (wall time of the synchronous call, which on SQLite is the
 * statement's whole cost) and, when the server stops, prints per statement its mean µs and count to
 * stderr. SQLite only: a PostgreSQL query is a round trip and its time is spent elsewhere.
 */
import Database from 'better-sqlite3';

const MIN_CALLS = 1000;
const stats = new Map<string, { calls: number; ns: bigint }>();

const probe = new Database(':memory:');
const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
  string,
  (this: Database.Statement, ...args: unknown[]) => unknown
>;
probe.close();
for (const method of ['run', 'get', 'all']) {
  const original = statement[method];
  statement[method] = function (this: Database.Statement, ...args: unknown[]) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const key = this.source.replace(/\s+/g, ' ');
      const entry = stats.get(key) ?? { calls: 0, ns: 0n };
      entry.calls++;
      entry.ns += process.hrtime.bigint() - start;
      stats.set(key, entry);
    }
  };
}

function report(): void {
  const rows = [...stats]
    .filter(([, s]) => s.calls >= MIN_CALLS)
    .map(([sql, s]) => ({ sql, calls: s.calls, us: Number(s.ns / BigInt(s.calls)) / 1000 }));
  const total = rows.reduce((sum, r) => sum + r.us * r.calls, 0);
  const script = (process.argv[1] ?? '').split('/').pop();
  const lines = rows.map(
    (r) => `${r.us.toFixed(2).padStart(8)} µs × ${String(r.calls).padStart(8)}  ${r.sql.slice(0, 110)}`,
  );
  process.stderr.write(
    `SQL time in ${script} (statements called ${MIN_CALLS}+ times; ${(total / 1e6).toFixed(2)} s in all):\n${lines.join('\n')}\n`,
  );
}
// Before bench/lib/child.ts's own SIGTERM handler exits the process (this module loads first).
process.once('SIGTERM', report);
process.once('disconnect', report);

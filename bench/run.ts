/*
 * Benchmark entry: `npm run bench -- [--suite foundation|trust|subscriptions|mcp|ops|www|reference|scale] [--metrics] [--duration 10] [--connections 50] [--backend sqlite|postgres|all]`.
 * Every scenario runs a raw Fastify baseline and ActingWeb back to back in the
 * same run and reports the ratio. Results go to bench/results/*.json.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { runFoundation, type FoundationRun } from './foundation.js';
import { POSTGRES_URL, postgresAvailable, type BackendName } from './lib/backends.js';
import { COMPARISON_HEADERS, comparisonRow, type Comparison } from './lib/compare.js';
import { writeResults } from './lib/results.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';

const TARGET_AUTH_GET_RATIO = 0.6;
const TARGET_RSS_MB = 150;
const RESULTS_DIR = new URL('../../bench/results/', import.meta.url);

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    backend: { type: 'string', default: 'all' },
    warmup: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1000' },
    diagnose: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    // Foundation suite: both servers print their SQLite statements' mean time (bench/lib/sql-time.ts).
    'sql-time': { type: 'boolean', default: false },
    suite: { type: 'string', default: 'foundation' },
    // Foundation suite: only the scenarios whose name contains one of these, comma-separated.
    only: { type: 'string', default: '' },
    rounds: { type: 'string', default: '2' },
    // Foundation suite: run the ActingWeb server with `metrics: true` (docs/operations.md).
    metrics: { type: 'boolean', default: false },
    // Reference suite: waitress worker threads of the Python reference.
    'py-threads': { type: 'string', default: '8' },
    // Scale suite: which parts to run, comma-separated (writes, fanout, memory, routes, reference).
    parts: { type: 'string', default: 'writes,fanout,memory,routes,reference' },
  },
});

const settings = {
  duration: positive('duration'),
  connections: positive('connections'),
  warmup: Number(values.warmup),
  seed: positive('seed'),
  diagnose: values.diagnose!,
  cpuProf: values['cpu-prof']!,
  sqlTime: values['sql-time']!,
  awOptions: values.metrics ? { metrics: true } : {},
  only: values.only!.split(',').filter(Boolean),
};
if (!['sqlite', 'postgres', 'all'].includes(values.backend!))
  fail(`--backend must be sqlite, postgres or all`);

const backends: BackendName[] = [];
if (values.backend !== 'postgres') backends.push('sqlite');
if (values.backend !== 'sqlite') {
  if (await postgresAvailable()) backends.push('postgres');
  else if (values.backend === 'postgres') fail(`PostgreSQL does not answer at ${redact(POSTGRES_URL)}`);
  else process.stdout.write(`PostgreSQL does not answer at ${redact(POSTGRES_URL)}; skipping it.\n`);
}

if (
  !['foundation', 'trust', 'subscriptions', 'mcp', 'ops', 'www', 'reference', 'scale'].includes(values.suite!)
)
  fail('--suite must be foundation, trust, subscriptions, mcp, ops, www, reference or scale');
if (values.suite === 'www') {
  // The owner console: the properties page of an actor with 100 properties vs the JSON listing (bench/www.ts).
  const { runWwwSuite } = await import('./www.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  await runWwwSuite({ backends, rounds, resultsDir: RESULTS_DIR });
  process.exit();
}
if (values.suite === 'reference') {
  // An authenticated property GET against the Python reference under waitress (bench/reference.ts).
  const { runReferenceSuite } = await import('./reference.js');
  const rounds = Number(values.rounds);
  const pythonThreads = Number(values['py-threads']);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  if (!Number.isInteger(pythonThreads) || pythonThreads <= 0) fail('--py-threads must be a positive integer');
  await runReferenceSuite({ ...settings, backends, rounds, pythonThreads, resultsDir: RESULTS_DIR }).catch(
    (err: unknown) => fail(err instanceof Error ? err.message : String(err)),
  );
  process.exit();
}
if (values.suite === 'scale') {
  // Writes with 100/1,000 subscribers vs none, fan-out to 10,000, RSS with 100 vs 100,000 actors,
  // hot routes vs raw Fastify, and the Python reference when configured (bench/scale.ts).
  const { runScaleSuite } = await import('./scale.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  const parts = values.parts!.split(',').filter(Boolean);
  const known = ['writes', 'fanout', 'memory', 'routes', 'reference'];
  if (parts.length === 0 || parts.some((p) => !known.includes(p)))
    fail(`--parts must list some of ${known.join(', ')}`);
  const reference = { seed: settings.seed, pythonThreads: positive('py-threads') };
  await runScaleSuite({ ...settings, backends, rounds, parts, reference, resultsDir: RESULTS_DIR });
  process.exit();
}
if (values.suite === 'ops') {
  // The hot-path cost of metrics, request context and JSON logs, variant against variant (bench/ops.ts).
  const { runOpsSuite } = await import('./ops.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  await runOpsSuite({ ...settings, backends, rounds, resultsDir: RESULTS_DIR });
  process.exit();
}
if (values.suite === 'mcp') {
  // tools/call of a trivial tool vs a raw Fastify route calling the same function (bench/mcp.ts).
  const { runMcpSuite } = await import('./mcp.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  await runMcpSuite({ ...settings, backends, rounds, resultsDir: RESULTS_DIR });
  process.exit();
}
if (values.suite === 'subscriptions') {
  // Callback fan-out to N subscribers and write throughput with subscribers (bench/subscriptions.ts).
  const { runSubscriptionSuite } = await import('./subscriptions.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  await runSubscriptionSuite({ ...settings, backends, rounds, resultsDir: RESULTS_DIR });
  process.exit();
}
if (values.suite === 'trust') {
  // Peer fan-out and trust-authenticated reads (bench/trust.ts); each measurement runs --rounds times.
  const { runTrustSuite } = await import('./trust.js');
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds <= 0) fail('--rounds must be a positive integer');
  await runTrustSuite({ ...settings, backends, rounds, resultsDir: RESULTS_DIR });
  process.exit();
}

process.stdout.write(
  `Foundation benchmark${values.metrics ? ' (ActingWeb with metrics: true)' : ''}: ${settings.duration}s x ${settings.connections} connections (+${settings.warmup}s warm-up), ` +
    `backends ${backends.join(', ')}, ${cpus().length} cores, node ${process.version}\n`,
);

const all: Comparison[] = [];
const rssByBackend: Record<string, FoundationRun['serverMaxRssMb']> = {};
for (const backend of backends) {
  const run = await runFoundation(backend, settings);
  all.push(...run.comparisons);
  rssByBackend[backend] = run.serverMaxRssMb;
  if (run.cpuProfileDir) process.stdout.write(`CPU profile of the ActingWeb server: ${run.cpuProfileDir}\n`);
  await writeResults(new URL(`foundation-${backend}${values.metrics ? '-metrics' : ''}.json`, RESULTS_DIR), {
    benchmark: 'foundation',
    backend,
    settings,
    targets: { authGetRatio: TARGET_AUTH_GET_RATIO, maxRssMb: TARGET_RSS_MB },
    serverMaxRssMb: run.serverMaxRssMb,
    comparisons: run.comparisons,
  });
}

process.stdout.write('\n' + markdownTable(COMPARISON_HEADERS, all.map(comparisonRow)) + '\n\n');

for (const [backend, rss] of Object.entries(rssByBackend)) {
  const auth = all.find((c) => c.backend === backend && c.scenario.startsWith('GET /{id} ('));
  const ratioOk = auth !== undefined && auth.ratio >= TARGET_AUTH_GET_RATIO;
  const rssOk = rss.actingweb < TARGET_RSS_MB;
  process.stdout.write(
    `${backend}: authenticated GET ratio ${fmt.ratio(auth?.ratio ?? Number.NaN)} (target >= ${TARGET_AUTH_GET_RATIO}) ${ratioOk ? 'MET' : 'NOT MET'}; ` +
      `ActingWeb max RSS ${fmt.mb(rss.actingweb)} MB (target < ${TARGET_RSS_MB}) ${rssOk ? 'MET' : 'NOT MET'}; raw max RSS ${fmt.mb(rss.raw)} MB\n`,
  );
}
if (all.some((c) => c.baseline.non2xx + c.baseline.errors + c.subject.non2xx + c.subject.errors > 0)) {
  loudWarning('Some runs had non-2xx answers or errors: the numbers above are not valid.');
  process.exitCode = 1;
}

function positive(name: 'duration' | 'connections' | 'seed' | 'py-threads'): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive integer`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(2);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

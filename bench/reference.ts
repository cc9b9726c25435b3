/*
 * Reference benchmark, `npm run bench -- --suite reference`: an authenticated property GET
 * (`GET /{id}/properties/name`, creator Basic auth) on the Python ActingWeb reference and on this
 * library, in the same run, under the same autocannon load. Target: ours ≥ 40 × the reference.
 *
 * The reference runs as its users deploy it: a Flask app with `ActingWebApp` on its PostgreSQL
 * backend (its own Alembic migrations, in a fresh schema dropped afterwards), served by waitress
 * in one process with quiet logging (bench/python/reference_app.py). Ours is the benchmark Nest
 * server (bench/servers/actingweb-server.ts) on each backend. Both seed actors through `POST /`
 * and set the property through `PUT`, and both must answer the GET with 200 and the value.
 * Each round measures every server once, in turn, so machine noise hits all of them alike.
 * Reported: req/s per round, their median, the ratio ours ÷ reference, and server CPU time per
 * request (steadier on a shared machine).
 *
 * None of the reference's code is in this repository. Set (docs/benchmarks.md):
 *   AW_PY_REFERENCE_DIR  a checkout of github.com/actingweb/actingweb (the directory holding `actingweb/`), or
 *   AW_PY_REFERENCE_GIT  a clone or bare mirror to export AW_PY_REFERENCE_REF (default HEAD) from;
 *   AW_PY_PATH           extra PYTHONPATH entries (bench/python/setup-reference.sh prints it);
 *   AW_PY_PYTHON         the interpreter (default /usr/bin/python3).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createStorage,
  dropSchema,
  POSTGRES_URL,
  type BackendName,
  type BenchStorage,
} from './lib/backends.js';
import { measure, type Measurement, type RunSettings, type TargetRequest } from './lib/compare.js';
import { freePort, spawnExternalServer } from './lib/external-server.js';
import { basicAuth, request, seedActors } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { log, writeResults } from './lib/results.js';

export interface ReferenceSuiteOptions extends RunSettings {
  /** Our backends to measure (the reference always runs on PostgreSQL). */
  backends: BackendName[];
  rounds: number;
  /** Actors created through `POST /` on each server before measuring. */
  seed: number;
  /** waitress worker threads (and the reference's connection pool size). */
  pythonThreads: number;
  resultsDir: URL;
}

const TARGET_RATIO = 40;
const CREATOR = 'reference-bench@example.com';
const PROPERTY_VALUE = 'Alice';
const ACTINGWEB_SERVER = new URL('./servers/actingweb-server.js', import.meta.url);
const PYTHON_DIR = fileURLToPath(new URL('../../bench/python/', import.meta.url));
const run = promisify(execFile);

interface Target {
  label: string;
  server: ServerHandle;
  request: TargetRequest;
  rounds: Measurement[];
}

export async function runReferenceSuite(options: ReferenceSuiteOptions): Promise<void> {
  const python = process.env.AW_PY_PYTHON ?? '/usr/bin/python3';
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const reference = await referenceCheckout(cleanups);
    const pythonPath = [
      reference.dir,
      ...(process.env.AW_PY_PATH ?? '').split(delimiter),
      process.env.PYTHONPATH,
    ]
      .filter(Boolean)
      .join(delimiter);
    const versions = await pythonVersions(python, pythonPath);
    process.stdout.write(
      `Reference benchmark: GET /{id}/properties/name, ${options.duration}s x ${options.connections} connections ` +
        `(+${options.warmup}s warm-up), ${options.rounds} rounds, ${options.seed} actors seeded per server, ` +
        `${cpus().length} cores, node ${process.version}\n` +
        `Python reference: ${reference.describe}; ${versions}; waitress threads ${options.pythonThreads}\n`,
    );

    const targets: Target[] = [];
    targets.push(await startReference(python, pythonPath, options, cleanups));
    for (const backend of options.backends) targets.push(await startOurs(backend, options, cleanups));

    for (let round = 0; round < options.rounds; round++) {
      for (const target of targets) {
        const m = await measure(target.server, target.request, options);
        target.rounds.push(m);
        process.stdout.write(
          `round ${round + 1}: ${target.label}: ${fmt.int(m.requestsPerSec)} req/s, ` +
            `CPU ${fmt.int(m.cpuUsPerRequest)} µs/req, p50/p99 ${fmt.ms(m.p50Ms)}/${fmt.ms(m.p99Ms)} ms\n`,
        );
      }
    }
    await report(targets, options, { reference: reference.describe, versions });
    // Let requests the load generator abandoned at the end finish before the servers stop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  } finally {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

/** The reference checkout: AW_PY_REFERENCE_DIR as is, or AW_PY_REFERENCE_GIT exported to a temp dir. */
async function referenceCheckout(
  cleanups: (() => Promise<unknown>)[],
): Promise<{ dir: string; describe: string }> {
  const dir = process.env.AW_PY_REFERENCE_DIR;
  if (dir) return { dir, describe: dir };
  const git = process.env.AW_PY_REFERENCE_GIT;
  if (!git) {
    throw new Error(
      'Set AW_PY_REFERENCE_DIR (a checkout of github.com/actingweb/actingweb) or AW_PY_REFERENCE_GIT ' +
        '(a clone or mirror to export from); see "Against the Python reference" in docs/benchmarks.md.',
    );
  }
  const ref = process.env.AW_PY_REFERENCE_REF ?? 'HEAD';
  const target = await mkdtemp(join(tmpdir(), 'aw-py-reference-'));
  cleanups.push(() => rm(target, { recursive: true, force: true }));
  await run('sh', ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', git, ref, target]);
  const { stdout } = await run('git', ['-C', git, 'describe', '--tags', '--always', ref]);
  return { dir: target, describe: `${git} at ${stdout.trim()}` };
}

/** Imports what the server and the migration need; throws the interpreter's own error if one is missing. */
async function pythonVersions(python: string, pythonPath: string): Promise<string> {
  const script = [
    'import importlib.metadata as m, platform',
    'import actingweb, psycopg, psycopg_pool, flask, waitress, alembic, sqlalchemy',
    'from actingweb.interface import ActingWebApp',
    'v = lambda n: m.version(n)',
    'print(f\'Python {platform.python_version()}, actingweb {actingweb.__version__}, flask {v("flask")}, \'',
    '      f\'werkzeug {v("werkzeug")}, waitress {v("waitress")}, psycopg {v("psycopg")} ({psycopg.pq.__impl__}), \'',
    '      f\'psycopg-pool {v("psycopg-pool")}\')',
  ].join('\n');
  try {
    const { stdout } = await run(python, ['-c', script], { env: { ...process.env, PYTHONPATH: pythonPath } });
    return stdout.trim();
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(
      `The Python reference cannot be imported with ${python} (PYTHONPATH=${pythonPath}):\n${stderr.trim()}\n` +
        'See "Against the Python reference" in docs/benchmarks.md for the packages it needs.',
    );
  }
}

async function startReference(
  python: string,
  pythonPath: string,
  options: ReferenceSuiteOptions,
  cleanups: (() => Promise<unknown>)[],
): Promise<Target> {
  const url = new URL(POSTGRES_URL);
  const schema = `aw_pyref_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env: Record<string, string> = {
    PYTHONPATH: pythonPath,
    PYTHONUNBUFFERED: '1',
    PG_DB_HOST: url.hostname,
    PG_DB_PORT: url.port || '5432',
    PG_DB_NAME: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    PG_DB_USER: decodeURIComponent(url.username) || 'postgres',
    PG_DB_PASSWORD: decodeURIComponent(url.password),
    PG_DB_SCHEMA: schema,
    PG_POOL_MIN_SIZE: String(Math.min(2, options.pythonThreads)),
    PG_POOL_MAX_SIZE: String(options.pythonThreads),
    AW_PY_THREADS: String(options.pythonThreads),
  };
  cleanups.push(() => dropSchema(schema));
  log(`reference: migrating schema ${schema}`);
  try {
    await run(python, [join(PYTHON_DIR, 'migrate_reference.py')], { env: { ...process.env, ...env } });
  } catch (err) {
    throw new Error(
      `The reference's migrations failed:\n${(err as { stderr?: string }).stderr ?? String(err)}`,
    );
  }
  const port = await freePort();
  const server = await spawnExternalServer(python, [join(PYTHON_DIR, 'reference_app.py')], {
    ...env,
    AW_PY_PORT: String(port),
  });
  cleanups.push(() => server.stop());
  return prepare('Python reference (PostgreSQL)', server, options);
}

async function startOurs(
  backend: BackendName,
  options: ReferenceSuiteOptions,
  cleanups: (() => Promise<unknown>)[],
): Promise<Target> {
  const storage: BenchStorage = await createStorage(backend, 'reference');
  cleanups.push(() => storage.cleanup());
  // Extra V8 flags, as in the other suites, e.g. BENCH_NODE_ARGS=--max-semi-space-size=4 (what npm start uses).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const server = await spawnServer(
    ACTINGWEB_SERVER,
    { BENCH_STORAGE: JSON.stringify(storage.options) },
    { nodeArgs },
  );
  cleanups.push(() => server.stop());
  return prepare(`ActingWeb (${backend})`, server, options);
}

/** Seeds actors, sets the property on the first, and checks the measured GET answers it. */
async function prepare(label: string, server: ServerHandle, options: ReferenceSuiteOptions): Promise<Target> {
  log(`${label}: seeding ${options.seed} actors`);
  const [actor] = await seedActors(server.url, options.seed, CREATOR, 8);
  const auth = basicAuth(actor.creator, actor.passphrase);
  const url = `${server.url}${actor.id}/properties/name`;
  const put = await request(url, { method: 'PUT', headers: { authorization: auth }, body: PROPERTY_VALUE });
  if (put.status < 200 || put.status > 299) throw new Error(`${label}: PUT ${url} answered ${put.status}`);
  // The value as stored: JSON "Alice" (the reference), or text/plain Alice (ours, docs/conformance.md).
  const get = await fetch(url, { headers: { authorization: auth }, signal: AbortSignal.timeout(10_000) });
  const body = await get.text();
  if (get.status !== 200 || ![PROPERTY_VALUE, JSON.stringify(PROPERTY_VALUE)].includes(body))
    throw new Error(`${label}: GET ${url} answered ${get.status} ${body}`);
  return { label, server, request: { url, headers: { authorization: auth } }, rounds: [] };
}

async function report(
  targets: Target[],
  options: ReferenceSuiteOptions,
  reference: { reference: string; versions: string },
): Promise<void> {
  const [python, ...ours] = targets;
  const pythonRps = median(python.rounds.map((m) => m.requestsPerSec));
  const pythonCpu = median(python.rounds.map((m) => m.cpuUsPerRequest));
  const rows = targets.map((t) => {
    const rps = median(t.rounds.map((m) => m.requestsPerSec));
    const cpu = median(t.rounds.map((m) => m.cpuUsPerRequest));
    return [
      t.label,
      t.rounds.map((m) => fmt.int(m.requestsPerSec)).join(' / '),
      fmt.int(rps),
      t === python ? '1' : fmt.ratio(rps / pythonRps),
      t.rounds.map((m) => fmt.int(m.cpuUsPerRequest)).join(' / '),
      t === python ? '1' : fmt.ratio(pythonCpu / cpu),
      fmt.int(Math.max(...t.rounds.map((m) => m.p99Ms))),
      fmt.mb(Math.max(...t.rounds.map((m) => m.maxRssMb))),
    ];
  });
  process.stdout.write(
    '\n' +
      markdownTable(
        [
          'Server',
          'req/s (rounds)',
          'median req/s',
          '× reference',
          'CPU µs/req (rounds)',
          '× reference by CPU',
          'max p99 ms',
          'max RSS MB',
        ],
        rows,
      ) +
      '\n\n',
  );
  for (const t of ours) {
    // Per round, against the reference measured in the same round.
    const perRound = t.rounds.map((m, i) => m.requestsPerSec / python.rounds[i].requestsPerSec);
    const ratio = median(perRound);
    process.stdout.write(
      `${t.label}: ${fmt.ratio(ratio)} × the Python reference (per round ${perRound.map(fmt.ratio).join(', ')}; ` +
        `target >= ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}\n`,
    );
  }
  await writeResults(new URL('reference.json', options.resultsDir), {
    benchmark: 'reference',
    settings: {
      duration: options.duration,
      connections: options.connections,
      warmup: options.warmup,
      rounds: options.rounds,
      seed: options.seed,
      pythonThreads: options.pythonThreads,
      nodeArgs: process.env.BENCH_NODE_ARGS ?? '',
    },
    reference,
    target: { ratio: TARGET_RATIO },
    servers: targets.map((t) => ({ label: t.label, rounds: t.rounds })),
  });
  if (targets.some((t) => t.rounds.some((m) => m.non2xx + m.errors > 0))) {
    loudWarning('Some runs had non-2xx answers or errors: the numbers above are not valid.');
    process.exitCode = 1;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

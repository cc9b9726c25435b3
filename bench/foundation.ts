/*
 * Foundation benchmark: actor creation, anonymous /meta, the authenticated
 * actor root and property reads and writes, each against a raw Fastify route
 * doing the same storage work, in the same run, on one backend.
 */
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { compare, type Comparison, type TargetRequest, type RunSettings } from './lib/compare.js';
import { basicAuth, request, seedActors, type SeededActor } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { log } from './lib/results.js';

export interface FoundationSettings extends RunSettings {
  /** Actors created through POST / on each server before the GET scenarios. */
  seed: number;
  /** Also run the diagnostic scenarios (Nest without storage, Nest + storage without the guard). */
  diagnose: boolean;
  /** Only the scenarios whose name contains one of these (all when empty). */
  only?: readonly string[];
  /** Write a CPU profile of the ActingWeb server (into the returned directory). */
  cpuProf: boolean;
  /** Both servers print their SQLite statements' mean time when they stop (bench/lib/sql-time.ts). */
  sqlTime?: boolean;
  /** Extra ActingWebModule options of the ActingWeb server (`--metrics` sets `{ metrics: true }`). */
  awOptions?: Record<string, unknown>;
  /** Rounds of every scenario (default 1): odd rounds measure the raw route first, even rounds ours first. */
  rounds?: number;
  /** V8 flags of both servers (default: BENCH_NODE_ARGS, else none). */
  nodeArgs?: readonly string[];
}

export interface FoundationRun {
  comparisons: Comparison[];
  serverMaxRssMb: { raw: number; actingweb: number };
  cpuProfileDir?: string;
}

export interface Target {
  server: ServerHandle;
  actor: SeededActor;
}

export interface Scenario {
  name: string;
  diagnostic?: boolean;
  raw: (t: Target) => TargetRequest;
  actingweb: (t: Target) => TargetRequest;
}

export const CREATOR = 'bench@example.com';
const createActor = (t: Target): TargetRequest => ({
  url: t.server.url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ creator: CREATOR }),
});
const getMeta = (t: Target): TargetRequest => ({ url: `${t.server.url}${t.actor.id}/meta` });
const getRoot = (t: Target): TargetRequest => ({
  url: `${t.server.url}${t.actor.id}`,
  headers: { authorization: basicAuth(t.actor.creator, t.actor.passphrase) },
});

const auth = (t: Target) => ({ authorization: basicAuth(t.actor.creator, t.actor.passphrase) });
const getProperty =
  (path: string) =>
  (t: Target): TargetRequest => ({
    url: `${t.server.url}${t.actor.id}/properties/${path}`,
    headers: auth(t),
  });
const putProperty =
  (path: string, value: unknown) =>
  (t: Target): TargetRequest => ({
    url: `${t.server.url}${t.actor.id}/properties/${path}`,
    method: 'PUT',
    headers: { ...auth(t), 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });

export const SCENARIOS: Scenario[] = [
  { name: 'POST / (create actor)', raw: createActor, actingweb: createActor },
  { name: 'GET /{id}/meta', raw: getMeta, actingweb: getMeta },
  { name: 'GET /{id} (Basic auth)', raw: getRoot, actingweb: getRoot },
  // Properties, top-level and nested (seeded by seedProperties below).
  { name: 'GET /{id}/properties/name', raw: getProperty('name'), actingweb: getProperty('name') },
  {
    name: 'GET /{id}/properties/loc/lat/min',
    raw: getProperty('loc/lat/min'),
    actingweb: getProperty('loc/lat/min'),
  },
  {
    name: 'PUT /{id}/properties/name',
    raw: putProperty('name', 'Bob'),
    actingweb: putProperty('name', 'Bob'),
  },
  {
    name: 'PUT /{id}/properties/loc/lat/min',
    raw: putProperty('loc/lat/min', 5),
    actingweb: putProperty('loc/lat/min', 5),
  },
  {
    name: 'diag: GET no-op route',
    diagnostic: true,
    raw: (t) => ({ url: `${t.server.url}_bench/noop` }),
    actingweb: (t) => ({ url: `${t.server.url}_bench/noop` }),
  },
  {
    name: 'diag: GET actor, Nest route without guard',
    diagnostic: true,
    raw: getRoot,
    actingweb: (t) => ({ url: `${t.server.url}_bench/actor/${t.actor.id}` }),
  },
  // The property PUT through ActorRouter with the raw route's transaction, and with
  // PropertyDispatcher.write (servers/actingweb-server.ts): where the write path's share goes.
  {
    name: 'diag: PUT name, router + raw write',
    diagnostic: true,
    raw: putProperty('name', 'Bob'),
    actingweb: (t) => putProperty('name', 'Bob')(under('_bench/write-raw/', t)),
  },
  {
    name: 'diag: PUT name, router + raw write with our two statements',
    diagnostic: true,
    raw: putProperty('name', 'Bob'),
    actingweb: (t) => putProperty('name', 'Bob')(under('_bench/write-watched/', t)),
  },
  {
    name: 'diag: PUT name, router + PropertiesService.put',
    diagnostic: true,
    raw: putProperty('name', 'Bob'),
    actingweb: (t) => putProperty('name', 'Bob')(under('_bench/write-service/', t)),
  },
  {
    name: 'diag: PUT name, router + PropertyDispatcher.write',
    diagnostic: true,
    raw: putProperty('name', 'Bob'),
    actingweb: (t) => putProperty('name', 'Bob')(under('_bench/write-dispatcher/', t)),
  },
];

/** The target with its server's URL moved under a diagnostic prefix. */
function under(prefix: string, t: Target): Target {
  return { ...t, server: { ...t.server, url: `${t.server.url}${prefix}` } };
}

const RAW_SERVER = new URL('./servers/raw-fastify-server.js', import.meta.url);
const ACTINGWEB_SERVER = new URL('./servers/actingweb-server.js', import.meta.url);
const SQL_TIME = new URL('./lib/sql-time.js', import.meta.url);

export async function runFoundation(
  backend: BackendName,
  settings: FoundationSettings,
): Promise<FoundationRun> {
  let storage: BenchStorage | undefined;
  const servers: ServerHandle[] = [];
  const maxRss = { raw: Number.NaN, actingweb: Number.NaN };
  const comparisons: Comparison[] = [];
  const cpuProfileDir = settings.cpuProf
    ? join(tmpdir(), `aw-bench-cpuprof-${backend}-${Date.now()}`)
    : undefined;
  try {
    // One storage for both servers, started one after the other: on PostgreSQL the library's
    // migrator (no migrationTableSchema) mistakes another schema's aw_migrations_lock for its own,
    // so a second fresh schema in the same database fails to migrate.
    storage = await createStorage(backend, 'foundation');

    // Extra V8 flags for both servers, e.g. BENCH_NODE_ARGS=--max-semi-space-size=4 (see docs/benchmarks.md).
    const nodeArgs = [
      ...(settings.nodeArgs ?? (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)),
      ...(settings.sqlTime ? ['--import', fileURLToPath(SQL_TIME)] : []),
    ];
    const raw = await spawnServer(
      RAW_SERVER,
      { BENCH_STORAGE: JSON.stringify(storage.options) },
      { nodeArgs },
    );
    servers.push(raw);
    if (cpuProfileDir) await mkdir(cpuProfileDir, { recursive: true });
    const actingweb = await spawnServer(
      ACTINGWEB_SERVER,
      {
        BENCH_STORAGE: JSON.stringify(storage.options),
        BENCH_DIAGNOSTICS: settings.diagnose ? '1' : '0',
        BENCH_AW_OPTIONS: JSON.stringify(settings.awOptions ?? {}),
      },
      {
        nodeArgs: [...nodeArgs, ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [])],
      },
    );
    servers.push(actingweb);

    log(`${backend}: seeding ${settings.seed} actors on each server`);
    const rawTarget: Target = { server: raw, actor: (await seedActors(raw.url, settings.seed, CREATOR))[0] };
    const awTarget: Target = {
      server: actingweb,
      actor: (await seedActors(actingweb.url, settings.seed, CREATOR))[0],
    };

    for (const target of [rawTarget, awTarget]) await seedProperties(target);

    // `only` names scenarios by part of their name; diagnostic ones run only when asked for.
    const scenarios = SCENARIOS.filter(
      (s) =>
        (!s.diagnostic || settings.diagnose) &&
        (!settings.only?.length || settings.only.some((part) => s.name.includes(part))),
    );
    for (let round = 1; round <= (settings.rounds ?? 1); round++) {
      for (const scenario of scenarios) {
        const rawRequest = scenario.raw(rawTarget);
        const awRequest = scenario.actingweb(awTarget);
        await assertAnswers2xx(rawRequest);
        await assertAnswers2xx(awRequest);
        log(`${backend}: ${scenario.name}`);
        const result = await compare(
          scenario.name,
          backend,
          { server: raw, request: rawRequest },
          { server: actingweb, request: awRequest },
          settings,
          round % 2 === 1 ? 'baseline first' : 'subject first',
        );
        log(
          `  raw ${Math.round(result.baseline.requestsPerSec)} req/s, actingweb ${Math.round(result.subject.requestsPerSec)} req/s, ratio ${result.ratio.toFixed(2)}`,
        );
        comparisons.push(result);
      }
    }
  } finally {
    const [raw, actingweb] = await Promise.all(servers.map((s) => s.stop()));
    maxRss.raw = raw?.maxRssMb ?? Number.NaN;
    maxRss.actingweb = actingweb?.maxRssMb ?? Number.NaN;
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
  return { comparisons, serverMaxRssMb: maxRss, cpuProfileDir };
}

/** The properties the property scenarios read and write. */
export async function seedProperties(t: Target): Promise<void> {
  for (const req of [
    putProperty('name', 'Alice')(t),
    putProperty('loc', { name: 'Oslo', lat: { deg: 59, min: 4 } })(t),
  ]) {
    await assertAnswers2xx(req);
  }
}

/** One request before the load, so a broken route fails fast instead of producing a table of errors. */
export async function assertAnswers2xx(req: TargetRequest): Promise<void> {
  const { status } = await request(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body === undefined ? undefined : JSON.parse(req.body),
  });
  if (status < 200 || status > 299)
    throw new Error(`${req.method ?? 'GET'} ${req.url} answered ${status} before the load`);
}

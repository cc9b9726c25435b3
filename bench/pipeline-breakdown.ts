/*
 * Where a hot route's CPU goes, in one process, without the load generator or the network:
 * the raw Fastify baseline (servers/raw-routes.ts), the raw routes registered inside the Nest
 * application's Fastify ("raw in the Nest app"), and the library's route (`ActorRouter`), on one
 * storage. Each answers `inject()` requests in alternating batches, and each batch's CPU time is
 * divided by its requests. The differences are what the layers cost: raw in the Nest app − raw is
 * the global Fastify hooks (Nest's adapter and ours, the body parsers), ours − raw in the Nest app
 * is the library's own work (router, access check, services).
 *
 *   npm run build && node dist/bench/pipeline-breakdown.js            # SQLite
 *   BENCH_BACKEND=postgres node dist/bench/pipeline-breakdown.js      # PostgreSQL at BENCH_DATABASE_URL
 *
 * BENCH_BREAKDOWN_ONLY=PUT keeps the routes whose name contains it, BENCH_BREAKDOWN_VARIANTS=ours
 * the listed variants (for a CPU profile of one: `node --cpu-prof dist/bench/pipeline-breakdown.js`).
 * BENCH_BREAKDOWN_BATCHES (150) and BENCH_BREAKDOWN_PER_BATCH (50) set the sample. On a busy machine
 * the batches that other processes slowed down make the median drift; the 10th percentile (the
 * batches that ran undisturbed) is the steadier figure, so both are printed.
 */
import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import { ActingWebModule } from '../libs/actingweb/src/actingweb.module.js';
import { resolveConfig } from '../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { createStorage, type BackendName } from './lib/backends.js';
import { rawRoutes } from './servers/raw-routes.js';

const BATCHES = Number(process.env.BENCH_BREAKDOWN_BATCHES ?? 150);
const PER_BATCH = Number(process.env.BENCH_BREAKDOWN_PER_BATCH ?? 50);
const backend = (process.env.BENCH_BACKEND ?? 'sqlite') as BackendName;
const CREATOR = 'bench@example.com';
const TYPE = 'urn:actingweb:bench.example:foundation';
const BASE_URL = 'http://127.0.0.1/';

Logger.overrideLogger(['error', 'warn']);
const storage = await createStorage(backend, 'breakdown');

// The Nest application first: its migrations create the schema the raw routes use too.
@Module({ imports: [ActingWebModule.forRoot({ type: TYPE, baseUrl: BASE_URL, storage: storage.options })] })
class BreakdownModule {}
const app = await NestFactory.create<NestFastifyApplication>(BreakdownModule, new FastifyAdapter(), {
  logger: ['error', 'warn'],
});
await app.init();
const nest = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

const config = resolveConfig({ type: TYPE, baseUrl: BASE_URL, storage: storage.options });
const database = new ActingWebDatabase(config);
const raw = Fastify({ logger: false });
rawRoutes(raw, config, database);
// The raw routes once more, inside the Nest application's Fastify: what its global hooks
// (Nest's adapter, ours: request id, shutdown, body parsers) add to a route.
void nest.register(async (scope) => rawRoutes(scope, config, database), { prefix: '/_bench/raw' });
await raw.ready();
await nest.ready();

interface Actor {
  id: string;
  auth: string;
}
async function seed(server: FastifyInstance): Promise<Actor> {
  const created = await server.inject({ method: 'POST', url: '/', payload: { creator: CREATOR } });
  const { id, passphrase } = created.json() as { id: string; passphrase: string };
  const actor = { id, auth: 'Basic ' + Buffer.from(`${CREATOR}:${passphrase}`).toString('base64') };
  await server.inject(put(actor, '', '"Alice"'));
  return actor;
}
const get = (a: Actor, prefix: string, path: string): InjectOptions => ({
  method: 'GET',
  url: `/${prefix}${a.id}${path}`,
  headers: { authorization: a.auth },
});
function put(a: Actor, prefix: string, value: string): InjectOptions {
  return {
    method: 'PUT',
    url: `/${prefix}${a.id}/properties/name`,
    headers: { authorization: a.auth, 'content-type': 'application/json' },
    payload: value,
  };
}

const rawActor = await seed(raw);
const awActor = await seed(nest);
const RAW_IN_NEST = '_bench/raw/';

type Variant = { name: string; server: FastifyInstance; request: InjectOptions };
const ROUTES: Record<string, Variant[]> = {
  'GET /{id} (Basic auth)': [
    { name: 'raw', server: raw, request: get(rawActor, '', '') },
    { name: 'hooks', server: nest, request: get(rawActor, RAW_IN_NEST, '') },
    { name: 'ours', server: nest, request: get(awActor, '', '') },
  ],
  'GET /{id}/properties/name': [
    { name: 'raw', server: raw, request: get(rawActor, '', '/properties/name') },
    { name: 'hooks', server: nest, request: get(rawActor, RAW_IN_NEST, '/properties/name') },
    { name: 'ours', server: nest, request: get(awActor, '', '/properties/name') },
  ],
  'PUT /{id}/properties/name': [
    { name: 'raw', server: raw, request: put(rawActor, '', '"Bob"') },
    { name: 'hooks', server: nest, request: put(rawActor, RAW_IN_NEST, '"Bob"') },
    { name: 'ours', server: nest, request: put(awActor, '', '"Bob"') },
  ],
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;

try {
  process.stdout.write(`Pipeline breakdown on ${backend}: ${BATCHES} batches of ${PER_BATCH} per variant\n`);
  const only = process.env.BENCH_BREAKDOWN_ONLY;
  const variantFilter = process.env.BENCH_BREAKDOWN_VARIANTS?.split(',');
  for (const [route, all] of Object.entries(ROUTES)) {
    if (only && !route.includes(only)) continue;
    const variants = variantFilter ? all.filter((v) => variantFilter.includes(v.name)) : all;
    const cpu = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) for (let i = 0; i < 2000; i++) await v.server.inject(v.request); // warm-up
    for (let batch = 0; batch < BATCHES; batch++) {
      const order = variants.map((_, i) => variants[(i + batch) % variants.length]);
      for (const v of order) {
        const start = process.cpuUsage();
        for (let i = 0; i < PER_BATCH; i++) {
          const res = await v.server.inject(v.request);
          if (res.statusCode >= 300) throw new Error(`${v.name}: ${route} answered ${res.statusCode}`);
        }
        const used = process.cpuUsage(start);
        cpu.get(v.name)!.push((used.user + used.system) / PER_BATCH);
      }
    }
    for (const p of [10, 50]) {
      const m = Object.fromEntries([...cpu].map(([name, values]) => [name, percentile(values, p)]));
      if (variantFilter) {
        process.stdout.write(`${route} (p${p}): ${JSON.stringify(m)}\n`);
        continue;
      }
      process.stdout.write(
        `${route} (p${p}): raw ${m.raw.toFixed(1)}, raw in the Nest app ${m.hooks.toFixed(1)}, ` +
          `ours ${m.ours.toFixed(1)} µs/req: global hooks ${signed(m.hooks - m.raw)}, ` +
          `ours ${signed(m.ours - m.hooks)}; ours ÷ raw ${(m.ours / m.raw).toFixed(2)}\n`,
      );
    }
  }
} finally {
  await app.close();
  await raw.close();
  await database.onApplicationShutdown();
  await storage.cleanup();
}

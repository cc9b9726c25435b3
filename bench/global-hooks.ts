/*
 * What the application-wide Fastify hooks cost a route, in one process: the raw `GET /{id}`
 * (servers/raw-routes.ts, under `/_bench/raw`) served from five Nest applications on one SQLite
 * file, answering `inject()` requests in rotating batches:
 *
 *   empty Nest app          no ActingWebModule (Nest's FastifyAdapter and its own hooks)
 *   ActingWebModule         as applications run it
 *   − request id hook       the module without its `onRequest` hook (X-Request-ID)
 *   − shutdown hook         the module without its `onSend` hook (Connection: close while closing)
 *   − both                  the module without either
 *
 * The hooks are left out by name (`requestIdHook`, `closeOnShutdownHook` in
 * http/http-plumbing.service.ts) when the module adds them. CPU time per request, 10th percentile
 * and median of the batches, and each variant's difference to the empty application.
 *
 *   npm run build && node dist/bench/global-hooks.js
 *
 * BENCH_HOOKS_BATCHES (150) and BENCH_HOOKS_PER_BATCH (50) set the sample.
 */
import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { ActingWebModule } from '../libs/actingweb/src/actingweb.module.js';
import { resolveConfig } from '../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { createStorage } from './lib/backends.js';
import { rawRoutes } from './servers/raw-routes.js';

const BATCHES = Number(process.env.BENCH_HOOKS_BATCHES ?? 150);
const PER_BATCH = Number(process.env.BENCH_HOOKS_PER_BATCH ?? 50);
const CREATOR = 'bench@example.com';
const TYPE = 'urn:actingweb:bench.example:hooks';
const BASE_URL = 'http://127.0.0.1/';

Logger.overrideLogger(['error', 'warn']);
const storage = await createStorage('sqlite', 'hooks');
const options = { type: TYPE, baseUrl: BASE_URL, storage: storage.options };
const config = resolveConfig(options);

@Module({ imports: [ActingWebModule.forRoot(options)] })
class WithModule {}
@Module({})
class Empty {}

/** A Nest application on Fastify with the raw routes; `skip` names hooks left out when added. */
async function application(module: object, skip: string[]): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter();
  const fastify = adapter.getInstance() as unknown as FastifyInstance;
  const addHook = fastify.addHook.bind(fastify) as (...args: unknown[]) => FastifyInstance;
  (fastify as { addHook: unknown }).addHook = (name: string, hook: { name?: string }) =>
    skip.includes(hook.name ?? '') ? fastify : addHook(name, hook);
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: ['error', 'warn'],
  });
  await app.init(); // the module's migrations create the schema the raw routes use
  return app;
}

const variants: Array<{ name: string; app: NestFastifyApplication }> = [];
for (const [name, module, skip] of [
  ['ActingWebModule', WithModule, []],
  ['empty Nest app', Empty, []],
  ['− request id hook', WithModule, ['requestIdHook']],
  ['− shutdown hook', WithModule, ['closeOnShutdownHook']],
  ['− both', WithModule, ['requestIdHook', 'closeOnShutdownHook']],
] as const) {
  variants.push({ name, app: await application(module, [...skip]) });
}
const database = new ActingWebDatabase(config);
const servers = variants.map((v) => v.app.getHttpAdapter().getInstance() as unknown as FastifyInstance);
for (const server of servers) {
  void server.register(async (scope) => rawRoutes(scope, config, database), { prefix: '/_bench/raw' });
  await server.ready();
}

const created = await servers[0].inject({ method: 'POST', url: '/', payload: { creator: CREATOR } });
const { id, passphrase } = created.json() as { id: string; passphrase: string };
const request: InjectOptions = {
  method: 'GET',
  url: `/_bench/raw/${id}`,
  headers: { authorization: 'Basic ' + Buffer.from(`${CREATOR}:${passphrase}`).toString('base64') },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

try {
  process.stdout.write(`Global hooks, raw GET /{id}: ${BATCHES} batches of ${PER_BATCH} per variant\n`);
  const cpu = variants.map(() => [] as number[]);
  for (const server of servers) for (let i = 0; i < 2000; i++) await server.inject(request); // warm-up
  for (let batch = 0; batch < BATCHES; batch++) {
    for (let k = 0; k < servers.length; k++) {
      const v = (k + batch) % servers.length;
      const start = process.cpuUsage();
      for (let i = 0; i < PER_BATCH; i++) {
        const res = await servers[v].inject(request);
        if (res.statusCode !== 200) throw new Error(`${variants[v].name} answered ${res.statusCode}`);
      }
      const used = process.cpuUsage(start);
      cpu[v].push((used.user + used.system) / PER_BATCH);
    }
  }
  for (const p of [10, 50]) {
    const at = cpu.map((values) => percentile(values, p));
    const empty = at[1];
    const parts = variants.map((v, i) => `${v.name} ${at[i].toFixed(1)} (${(at[i] - empty).toFixed(1)})`);
    process.stdout.write(`p${p} µs/req (vs the empty app): ${parts.join(', ')}\n`);
  }
} finally {
  for (const v of variants) await v.app.close();
  await database.onApplicationShutdown();
  await storage.cleanup();
}

/*
 * Two builds of the library in one process, for before/after comparisons that a busy machine cannot
 * spoil: each build's ActingWebModule gets its own Nest application on its own SQLite file, and both
 * answer `inject()` requests in alternating batches (A, B, then B, A, ...), so the machine's drift hits
 * both alike. Reports each route's CPU time per request, after ÷ before.
 *
 *   # build the other tree (e.g. `git archive main | tar -x -C /tmp/before`, node_modules linked, npm run build)
 *   npm run build
 *   BENCH_AB_BEFORE=/tmp/before/dist/libs/actingweb/src/actingweb.module.js node dist/bench/ab-builds.js
 *
 * BENCH_AB_AFTER defaults to this tree's build; BENCH_AB_BATCHES (40) and BENCH_AB_PER_BATCH (200) set
 * the sample; BENCH_AB_WRITES=1 adds `POST /` and a property `PUT`. Give both variables the same
 * build for a control: how far it lands from 1 is the noise.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, InjectOptions } from 'fastify';

interface Build {
  readonly name: string;
  readonly fastify: FastifyInstance;
  readonly app: NestFastifyApplication;
  readonly id: string;
  readonly auth: string;
  readonly dir: string;
}

const before = process.env.BENCH_AB_BEFORE;
if (!before) throw new Error("BENCH_AB_BEFORE must name the other build's actingweb.module.js");
const after =
  process.env.BENCH_AB_AFTER ??
  fileURLToPath(new URL('../libs/actingweb/src/actingweb.module.js', import.meta.url));
const BATCHES = Number(process.env.BENCH_AB_BATCHES ?? 40);
const PER_BATCH = Number(process.env.BENCH_AB_PER_BATCH ?? 200);
const CREATOR = 'ab@example.com';

async function start(name: string, modulePath: string): Promise<Build> {
  const { ActingWebModule } = (await import(modulePath)) as {
    ActingWebModule: { forRoot(options: Record<string, unknown>): unknown };
  };
  const dir = mkdtempSync(join(tmpdir(), `aw-bench-ab-${name}-`));
  const root = ActingWebModule.forRoot({
    type: 'urn:actingweb:bench.example:ab',
    baseUrl: 'http://127.0.0.1/',
    storage: { type: 'sqlite', filename: join(dir, 'actingweb.sqlite') },
  });
  class AbModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    { module: AbModule, imports: [root as never] },
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  await app.init();
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.ready();
  const created = await fastify.inject({ method: 'POST', url: '/', payload: { creator: CREATOR } });
  const { id, passphrase } = created.json() as { id: string; passphrase: string };
  const auth = 'Basic ' + Buffer.from(`${CREATOR}:${passphrase}`).toString('base64');
  const put = await fastify.inject({
    method: 'PUT',
    url: `/${id}/properties/name`,
    headers: { authorization: auth, 'content-type': 'application/json' },
    payload: '"Alice"',
  });
  if (put.statusCode >= 300) throw new Error(`${name}: PUT /properties/name answered ${put.statusCode}`);
  return { name, fastify, app, id, auth, dir };
}

const ROUTES: Record<string, (b: Build) => InjectOptions> = {
  'GET /{id}/meta': (b) => ({ method: 'GET', url: `/${b.id}/meta` }),
  'GET /{id} (Basic auth)': (b) => ({ method: 'GET', url: `/${b.id}`, headers: { authorization: b.auth } }),
  'GET /{id}/properties/name': (b) => ({
    method: 'GET',
    url: `/${b.id}/properties/name`,
    headers: { authorization: b.auth },
  }),
  ...(process.env.BENCH_AB_WRITES === '1' && {
    'POST / (create actor)': () => ({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload: '{"creator":"w@example.com"}',
    }),
    'PUT /{id}/properties/name': (b: Build) => ({
      method: 'PUT',
      url: `/${b.id}/properties/name`,
      headers: { authorization: b.auth, 'content-type': 'application/json' },
      payload: '"Bob"',
    }),
  }),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const builds = [await start('before', before), await start('after', after)];
try {
  process.stdout.write(`A/B in one process: ${BATCHES} batches of ${PER_BATCH} per route and build\n`);
  for (const [route, make] of Object.entries(ROUTES)) {
    const cpu: Record<string, number[]> = { before: [], after: [] };
    for (const b of builds) for (let i = 0; i < 300; i++) await b.fastify.inject(make(b)); // warm-up
    for (let batch = 0; batch < BATCHES; batch++) {
      for (const b of batch % 2 ? [...builds].reverse() : builds) {
        const request = make(b);
        const start = process.cpuUsage();
        for (let i = 0; i < PER_BATCH; i++) {
          const res = await b.fastify.inject(request);
          if (res.statusCode >= 300) throw new Error(`${b.name}: ${route} answered ${res.statusCode}`);
        }
        const used = process.cpuUsage(start);
        cpu[b.name].push((used.user + used.system) / PER_BATCH);
      }
    }
    const [b, a] = [median(cpu.before), median(cpu.after)];
    process.stdout.write(
      `${route}: before ${b.toFixed(1)} µs/req, after ${a.toFixed(1)} µs/req, after ÷ before ${(a / b).toFixed(3)}\n`,
    );
  }
} finally {
  for (const b of builds) {
    await b.app.close();
    rmSync(b.dir, { recursive: true, force: true });
  }
}

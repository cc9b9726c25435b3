/*
 * Owner console benchmark, `npm run bench -- --suite www [--backend sqlite|postgres|all] [--rounds 2]`:
 *
 * The properties page of an actor with 100 properties (`GET /<id>/www/properties`),
 * server time per request, against the JSON listing of the same properties
 * (`GET /<id>/properties`, Basic) in the same run, alternating. Requests are
 * sent one at a time with Fastify's `inject` (no socket, no client), so the
 * time is the server's: routing, the owner check, the storage reads, the
 * template. The page is measured with Basic credentials (the same check as
 * the baseline) and with a sign-in session (a cookie and one session lookup,
 * as browsers use it); the template alone (the page's data already read) is
 * measured too. Target: the page under 10 ms (median).
 */
import { cpus } from 'node:os';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ActingWebModule } from '../libs/actingweb/src/actingweb.module.js';
import { ActorService } from '../libs/actingweb/src/actors/actor.service.js';
import { ConsoleProperties } from '../libs/actingweb/src/www/services/console-properties.service.js';
import { ConsoleViews } from '../libs/actingweb/src/www/views/console-views.service.js';
import { propertiesPageData } from '../libs/actingweb/src/www/views/properties.view.js';
import { createStorage, type BackendName } from './lib/backends.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { log, writeResults } from './lib/results.js';

export interface WwwSuiteOptions {
  backends: BackendName[];
  rounds: number;
  resultsDir: URL;
}

const PROPERTIES = 100;
const WARMUP = 200;
const SAMPLES = 1000;
const TARGET_MS = 10;
const BASE_URL = 'http://bench.invalid/';

/** Median, p95 and mean of one scenario, in ms. */
interface Timing {
  median: number;
  p95: number;
  mean: number;
}

interface BackendResult {
  backend: BackendName;
  round: number;
  json: Timing;
  pageBasic: Timing;
  pageSession: Timing;
  templateOnly: Timing;
  /** Page (Basic) median ÷ JSON median. */
  ratio: number;
  pageBytes: number;
}

export async function runWwwSuite(options: WwwSuiteOptions): Promise<void> {
  log(
    `Owner console benchmark: properties page of an actor with ${PROPERTIES} properties vs the JSON listing, ` +
      `${SAMPLES} sequential requests each (after ${WARMUP} warm-up), ${options.rounds} rounds, ` +
      `on ${options.backends.join(', ')}; ${cpus().length} cores, node ${process.version}`,
  );
  const results: BackendResult[] = [];
  for (const backend of options.backends) {
    for (let round = 1; round <= options.rounds; round++) results.push(await measure(backend, round));
  }
  const headers = [
    'backend',
    'round',
    'JSON /properties',
    'page (Basic)',
    'page (session)',
    'template only',
    'ratio',
    'page',
  ];
  const rows = results.map((r) => [
    r.backend,
    String(r.round),
    timing(r.json),
    timing(r.pageBasic),
    timing(r.pageSession),
    timing(r.templateOnly),
    fmt.ratio(r.ratio),
    `${Math.round(r.pageBytes / 1024)} KiB`,
  ]);
  process.stdout.write('\nmedian / p95, ms per request\n\n' + markdownTable(headers, rows) + '\n\n');
  for (const backend of options.backends) {
    const worst = Math.max(...results.filter((r) => r.backend === backend).map((r) => r.pageSession.median));
    log(
      `${backend}: properties page median ${fmt.ms(worst)} ms (target < ${TARGET_MS} ms) ${worst < TARGET_MS ? 'MET' : 'NOT MET'}`,
    );
    if (worst >= TARGET_MS) loudWarning(`${backend}: the properties page took ${worst.toFixed(1)} ms`);
  }
  await writeResults(new URL('www.json', options.resultsDir), {
    benchmark: 'www',
    properties: PROPERTIES,
    samples: SAMPLES,
    targetMs: TARGET_MS,
    results,
  });
}

async function measure(backend: BackendName, round: number): Promise<BackendResult> {
  const storage = await createStorage(backend, `www${round}`);
  @Module({
    imports: [
      ActingWebModule.forRoot({
        type: 'urn:actingweb:bench.example:www',
        baseUrl: BASE_URL,
        storage: storage.options,
        identity: { rateLimits: { login: { max: 1000, windowSeconds: 60 } } },
      }),
    ],
  })
  class WwwBenchModule {}
  const app = await NestFactory.create<NestFastifyApplication>(WwwBenchModule, new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  try {
    await app.init();
    const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
    await fastify.ready();
    const { actor, passphrase } = await app.get(ActorService).create({ creator: 'bench@example.com' });
    const values: Record<string, unknown> = {};
    for (let i = 0; i < PROPERTIES; i++) {
      values[`property-${String(i).padStart(3, '0')}`] =
        i % 3 === 0
          ? `text value number ${i}`
          : i % 3 === 1
            ? i * 1.5
            : { label: `item ${i}`, tags: ['a', 'b'], done: i % 2 === 0 };
    }
    await actor.properties.setMany(values);
    const basic = {
      authorization: 'Basic ' + Buffer.from(`bench@example.com:${passphrase}`).toString('base64'),
    };
    const session = await signIn(fastify, actor.id, passphrase);

    const json = { method: 'GET' as const, url: `/${actor.id}/properties`, headers: basic };
    const pageBasic = { method: 'GET' as const, url: `/${actor.id}/www/properties`, headers: basic };
    const pageSession = {
      method: 'GET' as const,
      url: `/${actor.id}/www/properties`,
      headers: { cookie: session },
    };
    const first = await fastify.inject(pageSession);
    if (first.statusCode !== 200 || !first.body.includes('property-099'))
      throw new Error(`the properties page answered ${first.statusCode}`);
    const samples = await alternate(fastify, [json, pageBasic, pageSession]);

    const views = app.get(ConsoleViews);
    const entries = await app.get(ConsoleProperties).entries(actor);
    const base = `${BASE_URL}${actor.id}/www`;
    const frame = { title: 'Properties', home: base, nav: [], signOut: null };
    const templateOnly = timeSync(() =>
      views.page('properties', { csrf: 'x', ...propertiesPageData(base, entries) }, frame),
    );
    return {
      backend,
      round,
      json: stats(samples[0]),
      pageBasic: stats(samples[1]),
      pageSession: stats(samples[2]),
      templateOnly: stats(templateOnly),
      ratio: stats(samples[1]).median / stats(samples[0]).median,
      pageBytes: first.body.length,
    };
  } finally {
    await app.close();
    await storage.cleanup();
  }
}

/** Signs in with the passphrase through the sign-in page, as a browser does; returns the Cookie header. */
async function signIn(fastify: FastifyInstance, actorId: string, passphrase: string): Promise<string> {
  const page = await fastify.inject({ method: 'GET', url: '/oauth/login' });
  const csrfCookie = page.cookies.find((c) => c.name === 'aw_csrf')!;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
  const answer = await fastify.inject({
    method: 'POST',
    url: '/oauth/login/passphrase',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `aw_csrf=${csrfCookie.value}` },
    payload: new URLSearchParams({
      csrf,
      actor: actorId,
      passphrase,
      return_to: `${actorId}/www`,
    }).toString(),
  });
  const sessionCookie = answer.cookies.find((c) => c.name === 'aw_session');
  if (answer.statusCode !== 302 || !sessionCookie) throw new Error(`sign-in answered ${answer.statusCode}`);
  return `aw_session=${sessionCookie.value}`;
}

/** One request as `inject` takes it. */
interface InjectOptions {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
}

/** The requests in turn, one at a time, so every scenario sees the same machine state; ms per request. */
async function alternate(fastify: FastifyInstance, requests: InjectOptions[]): Promise<number[][]> {
  const samples = requests.map(() => [] as number[]);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    for (const [k, request] of requests.entries()) {
      const start = process.hrtime.bigint();
      const res = await fastify.inject(request);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.statusCode !== 200) throw new Error(`${request.url} answered ${res.statusCode}`);
      if (i >= WARMUP) samples[k].push(ms);
    }
  }
  return samples;
}

function timeSync(fn: () => unknown): number[] {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const start = process.hrtime.bigint();
    fn();
    if (i >= WARMUP) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

function stats(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    p95: sorted[Math.floor(sorted.length * 0.95)],
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}

function timing(t: Timing): string {
  return `${t.median.toFixed(2)} / ${t.p95.toFixed(2)}`;
}

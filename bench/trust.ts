/*
 * Trust benchmark, `npm run bench -- --suite trust`:
 *
 * (a) Fan-out: notify N peers (N = 10, 100, 1000) concurrently with
 *     `AwProxy.fanOut` under the configured `peers.maxConcurrency`, where
 *     every peer answers after 50 ms. The peers are one plain Node http server
 *     in a child process; each peer is a distinct path on it. Wall time is
 *     compared with a single call and with the sequential sum, measured in the
 *     same run.
 * (b) Throughput: `GET /{id}/properties/<name>` authenticated with a trust
 *     secret (Bearer, a peer) against the same GET by the creator (Basic), on
 *     the same server, back to back.
 *
 * Every measurement runs `rounds` times (default 2): the machine is shared.
 */
import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ActingWebModule } from '../libs/actingweb/src/actingweb.module.js';
import { AwProxy, type PeerTarget } from '../libs/actingweb/src/peers/aw-proxy.service.js';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { compare, measurementCells, type Comparison, type RunSettings } from './lib/compare.js';
import { basicAuth, request, seedActors } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { log, writeResults } from './lib/results.js';

export interface TrustSuiteOptions extends RunSettings {
  backends: BackendName[];
  /** How many times each measurement runs. */
  rounds: number;
  resultsDir: URL;
}

const PEER_DELAY_MS = 50;
const FAN_OUT_SIZES = [10, 100, 1000];
const BOUNDS = [32, 128, 1000];
/** N=100 should complete within this many single-call latencies. */
const TARGET_FAN_OUT_FACTOR = 3;
const SINGLE_CALL_SAMPLES = 20;
const SEQUENTIAL_MAX_N = 100;
const SECRET = 'b'.repeat(40);

const PEER_SERVER = new URL('./servers/slow-peer-server.js', import.meta.url);
const TRUST_SERVER = new URL('./servers/trust-server.js', import.meta.url);

interface FanOutResult {
  round: number;
  bound: number;
  n: number;
  wallMs: number;
  singleMs: number;
  /** N × the mean single call, measured in the same run. */
  sequentialSumMs: number;
  /** The N calls one after the other (only for N ≤ SEQUENTIAL_MAX_N). */
  sequentialMeasuredMs?: number;
  /** wall ÷ single call. */
  factor: number;
  failures: number;
  /** Largest event-loop delay seen while the fan-out ran. */
  loopDelayMaxMs: number;
}

interface ThroughputResult {
  round: number;
  comparison: Comparison;
}

export async function runTrustSuite(options: TrustSuiteOptions): Promise<void> {
  log(
    `Trust benchmark: fan-out to N=${FAN_OUT_SIZES.join('/')} peers answering after ${PEER_DELAY_MS} ms ` +
      `(bounds ${BOUNDS.join(', ')}), then trust vs creator GET throughput ${options.duration}s x ${options.connections} connections ` +
      `(+${options.warmup}s warm-up) on ${options.backends.join(', ')}; ${options.rounds} rounds; ${cpus().length} cores, node ${process.version}`,
  );

  const fanOut = await runFanOut(options.rounds);
  const throughput: Array<ThroughputResult & { backend: BackendName }> = [];
  for (const backend of options.backends) {
    for (const r of await runThroughput(backend, options)) throughput.push({ ...r, backend });
  }

  process.stdout.write('\n' + fanOutTable(fanOut) + '\n\n' + throughputTable(throughput) + '\n\n');
  for (const round of new Set(fanOut.map((r) => r.round))) {
    for (const bound of BOUNDS) {
      const r = fanOut.find((x) => x.round === round && x.bound === bound && x.n === 100);
      if (!r) continue;
      log(
        `round ${round}, bound ${bound}: N=100 took ${fmt.ratio(r.factor)} x a single call (target <= ${TARGET_FAN_OUT_FACTOR}) ` +
          (r.factor <= TARGET_FAN_OUT_FACTOR ? 'MET' : 'NOT MET'),
      );
    }
  }

  await writeResults(new URL('trust.json', options.resultsDir), {
    benchmark: 'trust',
    settings: {
      duration: options.duration,
      connections: options.connections,
      warmup: options.warmup,
      rounds: options.rounds,
      peerDelayMs: PEER_DELAY_MS,
      bounds: BOUNDS,
      sizes: FAN_OUT_SIZES,
    },
    targets: { fanOutN100MaxFactor: TARGET_FAN_OUT_FACTOR },
    fanOut,
    throughput: throughput.map((t) => ({ round: t.round, ...t.comparison })),
  });

  const broken =
    fanOut.some((r) => r.failures > 0) ||
    throughput.some(
      ({ comparison: c }) => c.baseline.non2xx + c.baseline.errors + c.subject.non2xx + c.subject.errors > 0,
    );
  if (broken) {
    loudWarning('Some calls failed or answered non-2xx: the numbers above are not valid.');
    process.exitCode = 1;
  }
}

/** (a): one peer process; for every bound an application context whose `peers.maxConcurrency` is that bound. */
async function runFanOut(rounds: number): Promise<FanOutResult[]> {
  const results: FanOutResult[] = [];
  let peer: ServerHandle | undefined;
  const contexts: INestApplicationContext[] = [];
  try {
    peer = await spawnServer(PEER_SERVER, { BENCH_PEER_DELAY_MS: String(PEER_DELAY_MS) });
    const proxies = new Map<number, AwProxy>();
    for (const bound of BOUNDS) {
      const context = await fanOutContext(bound);
      contexts.push(context);
      proxies.set(bound, context.get(AwProxy));
    }
    for (let round = 1; round <= rounds; round++) {
      for (const bound of BOUNDS) {
        const proxy = proxies.get(bound)!;
        // Warm-up: open connections, JIT.
        await notifyAll(proxy, targets(peer.url, 200));
        const singleMs = await singleCallMs(proxy, peer.url);
        for (const n of FAN_OUT_SIZES) {
          const list = targets(peer.url, n);
          const delay = monitorEventLoopDelay({ resolution: 10 });
          delay.enable();
          const started = performance.now();
          const failures = await notifyAll(proxy, list);
          const wallMs = performance.now() - started;
          delay.disable();
          let sequentialMeasuredMs: number | undefined;
          if (n <= SEQUENTIAL_MAX_N && bound === BOUNDS[0]) {
            const t0 = performance.now();
            for (const target of list) await notify(proxy, target);
            sequentialMeasuredMs = performance.now() - t0;
          }
          const result: FanOutResult = {
            round,
            bound,
            n,
            wallMs,
            singleMs,
            sequentialSumMs: n * singleMs,
            sequentialMeasuredMs,
            factor: wallMs / singleMs,
            failures,
            loopDelayMaxMs: delay.max / 1e6,
          };
          results.push(result);
          log(
            `fan-out round ${round}, bound ${bound}, N=${n}: ${fmt.ms(wallMs)} ms ` +
              `(single ${fmt.ms(singleMs)} ms, x${fmt.ratio(result.factor)}; sequential sum ${fmt.ms(result.sequentialSumMs)} ms` +
              (sequentialMeasuredMs === undefined ? '' : `, measured ${fmt.ms(sequentialMeasuredMs)} ms`) +
              `; ${failures} failures; max loop delay ${fmt.ms(result.loopDelayMaxMs)} ms)`,
          );
        }
      }
    }
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
    await peer?.stop();
  }
  return results;
}

async function fanOutContext(bound: number): Promise<INestApplicationContext> {
  @Module({
    imports: [
      ActingWebModule.forRoot({
        type: 'urn:actingweb:bench.example:fanout',
        baseUrl: 'http://127.0.0.1/',
        storage: { type: 'sqlite', filename: ':memory:' },
        peers: { maxConcurrency: bound, timeoutMs: 30_000 },
      }),
    ],
  })
  class FanOutModule {}
  return NestFactory.createApplicationContext(FanOutModule, { logger: ['error', 'warn'] });
}

function targets(peerUrl: string, n: number): PeerTarget[] {
  return Array.from({ length: n }, (_, i) => ({ baseuri: `${peerUrl}peer${i}`, secret: SECRET }));
}

/** One notification, as a publisher sends it to a subscriber. */
async function notify(proxy: AwProxy, target: PeerTarget): Promise<boolean> {
  const answer = await proxy.createResource(target, 'callbacks/subscriptions/bench/1', {
    id: 'bench',
    sequence: 1,
    data: { status: 'ok' },
  });
  return answer.status === 204;
}

/** All targets through `fanOut` with the configured bound; returns the number of failures. */
async function notifyAll(proxy: AwProxy, list: PeerTarget[]): Promise<number> {
  const settled = await proxy.fanOut(list, (t) => notify(proxy, t));
  return settled.filter((s) => s.status === 'rejected' || !s.value).length;
}

/** Mean of sequential single calls. */
async function singleCallMs(proxy: AwProxy, peerUrl: string): Promise<number> {
  const [target] = targets(peerUrl, 1);
  let total = 0;
  for (let i = 0; i < SINGLE_CALL_SAMPLES; i++) {
    const t0 = performance.now();
    if (!(await notify(proxy, target))) throw new Error('the bench peer did not answer 204');
    total += performance.now() - t0;
  }
  return total / SINGLE_CALL_SAMPLES;
}

/** (b): two actors on one server, A trusted by B as friend; B's property read by A (Bearer) and by B's creator (Basic). */
async function runThroughput(backend: BackendName, options: TrustSuiteOptions): Promise<ThroughputResult[]> {
  let storage: BenchStorage | undefined;
  let server: ServerHandle | undefined;
  const results: ThroughputResult[] = [];
  try {
    storage = await createStorage(backend, 'trust');
    server = await spawnServer(TRUST_SERVER, { BENCH_STORAGE: JSON.stringify(storage.options) });
    const [a, b] = await seedActors(server.url, 2, 'bench@example.com', 1);
    const aUrl = `${server.url}${a.id}`;
    const bUrl = `${server.url}${b.id}`;
    const asA = { authorization: basicAuth(a.creator, a.passphrase) };
    const asB = { authorization: basicAuth(b.creator, b.passphrase) };
    const trust = await request(`${aUrl}/trust`, {
      method: 'POST',
      headers: asA,
      body: { url: bUrl, relationship: 'friend' },
    });
    if (trust.status !== 201) throw new Error(`POST /trust answered ${trust.status}`);
    const approve = await request(`${bUrl}/trust/friend/${a.id}`, {
      method: 'PUT',
      headers: asB,
      body: { approved: true },
    });
    if (approve.status !== 204) throw new Error(`approving the trust answered ${approve.status}`);
    const put = await request(`${bUrl}/properties/status`, {
      method: 'PUT',
      headers: asB,
      body: { text: 'hello', n: 1 },
    });
    if (put.status !== 204) throw new Error(`PUT property answered ${put.status}`);

    const url = `${bUrl}/properties/status`;
    const creator = { url, headers: asB };
    const peer = { url, headers: { authorization: `Bearer ${trust.json.secret as string}` } };
    for (const req of [creator, peer]) {
      const { status } = await request(req.url, { headers: req.headers });
      if (status !== 200) throw new Error(`GET ${url} answered ${status} before the load`);
    }
    for (let round = 1; round <= options.rounds; round++) {
      log(`${backend}: round ${round}: GET property, creator (Basic) then trust peer (Bearer)`);
      const comparison = await compare(
        'GET /{id}/properties/status',
        backend,
        { server, request: creator },
        { server, request: peer },
        options,
      );
      log(
        `  creator ${Math.round(comparison.baseline.requestsPerSec)} req/s, peer ${Math.round(comparison.subject.requestsPerSec)} req/s, ratio ${comparison.ratio.toFixed(2)}`,
      );
      results.push({ round, comparison });
    }
  } finally {
    await server?.stop();
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
  return results;
}

function fanOutTable(results: FanOutResult[]): string {
  return markdownTable(
    [
      'Round',
      'Bound',
      'N',
      'Wall ms',
      'Single call ms',
      'Wall ÷ single',
      'Sequential sum ms (N × single)',
      'Sequential measured ms',
      'Max loop delay ms',
      'Failures',
    ],
    results.map((r) => [
      String(r.round),
      String(r.bound),
      String(r.n),
      fmt.ms(r.wallMs),
      fmt.ms(r.singleMs),
      fmt.ratio(r.factor),
      fmt.int(r.sequentialSumMs),
      r.sequentialMeasuredMs === undefined ? '—' : fmt.int(r.sequentialMeasuredMs),
      fmt.ms(r.loopDelayMaxMs),
      String(r.failures),
    ]),
  );
}

function throughputTable(results: Array<ThroughputResult & { backend: BackendName }>): string {
  return markdownTable(
    [
      'Backend',
      'Round',
      'Creator (Basic) req/s',
      'Peer (Bearer) req/s',
      'Peer ÷ creator',
      'Creator p50/p99 ms',
      'Peer p50/p99 ms',
      'CPU µs/req creator/peer',
      'Non-2xx creator/peer',
    ],
    results.map(({ backend, round, comparison }) => [
      backend,
      String(round),
      ...measurementCells(comparison),
    ]),
  );
}

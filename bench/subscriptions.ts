/*
 * Subscription benchmark, `npm run bench -- --suite subscriptions`:
 *
 * (a) Fan-out: one property change on an actor with N subscribers (N = 10,
 *     100, 1000, granularity high), every subscriber answering its callback
 *     after 50 ms. Measured: from sending the PUT until the publisher has every
 *     callback acknowledged (2xx) and the acknowledged diffs cleared
 *     (`GET /_bench/idle` on the publisher). Compared with N × 50 ms, and with
 *     a publisher limited to one callback at a time (`maxConcurrentCallbacks:
 *     1`) in the same run, for N ≤ 100.
 * (b) Write throughput: `PUT /{id}/properties/x` on an actor with 100
 *     subscribers (granularity high, then none: diffs stored but no callbacks)
 *     against an actor with none, same server, back to back. Requests time out
 *     after 60 s, so overload shows as latency rather than as errors.
 *
 * The subscribers are one plain Node http server in a child process; each is a
 * distinct path on it. Every fan-out measurement runs `rounds` times.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { measure, type Measurement, type RunSettings, type TargetRequest } from './lib/compare.js';
import { basicAuth, request } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { log, writeResults } from './lib/results.js';

export interface SubscriptionSuiteOptions extends RunSettings {
  backends: BackendName[];
  rounds: number;
  resultsDir: URL;
}

const PEER_DELAY_MS = 50;
const FAN_OUT_SIZES = [10, 100, 1000];
const SEQUENTIAL_MAX_N = 100;
const THROUGHPUT_SUBSCRIBERS = 100;
/** 1000 subscribers acknowledged within this (ms). */
const TARGET_1000_MS = 1000;

const PEER_SERVER = new URL('./servers/slow-peer-server.js', import.meta.url);
const PUBLISHER = new URL('./servers/subscriptions-publisher.js', import.meta.url);

export interface Publisher {
  server: ServerHandle;
  label: string;
}

export interface BenchActor {
  id: string;
  auth: string;
}

interface FanOutResult {
  publisher: string;
  n: number;
  /** One value per round (ms). */
  wallMs: number[];
  /** N × the peer's answer delay. */
  sequentialMs: number;
  /** Acknowledged callbacks per round (must equal n). */
  delivered: number[];
}

interface ThroughputResult {
  subscribers: number;
  granularity: 'high' | 'none';
  measurement: Measurement;
  /** Callbacks acknowledged / not delivered (queue full, paused) during and after the run. */
  delivered: number;
  undelivered: number;
}

export async function runSubscriptionSuite(options: SubscriptionSuiteOptions): Promise<void> {
  process.stdout.write(
    `Subscription benchmark: fan-out to ${FAN_OUT_SIZES.join('/')} subscribers answering after ${PEER_DELAY_MS} ms ` +
      `(${options.rounds} rounds); write throughput ${options.duration}s x ${options.connections} connections; ` +
      `backends ${options.backends.join(', ')}, ${cpus().length} cores, node ${process.version}\n`,
  );
  const rows: string[][] = [];
  const throughputRows: string[][] = [];
  let invalid = false;
  for (const backend of options.backends) {
    const run = await runBackend(backend, options);
    for (const r of run.fanOut) {
      const median = medianOf(r.wallMs);
      rows.push([
        backend,
        r.publisher,
        String(r.n),
        r.wallMs.map((ms) => fmt.ms(ms)).join(' / '),
        fmt.ms(median),
        fmt.int(r.sequentialMs),
        fmt.ratio(r.sequentialMs / median),
      ]);
      if (r.delivered.some((d) => d !== r.n)) invalid = true;
    }
    const none = run.throughput[0];
    for (const t of run.throughput) {
      throughputRows.push([
        backend,
        t.subscribers === 0 ? '0' : `${t.subscribers} (${t.granularity})`,
        fmt.int(t.measurement.requestsPerSec),
        `${fmt.ms(t.measurement.p50Ms)} / ${fmt.ms(t.measurement.p99Ms)}`,
        fmt.int(t.measurement.cpuUsPerRequest),
        String(t.measurement.non2xx + t.measurement.errors),
        t.subscribers === 0 ? '-' : `${fmt.int(t.delivered)} / ${fmt.int(t.undelivered)}`,
        fmt.ratio(t.measurement.requestsPerSec / none.measurement.requestsPerSec),
      ]);
      if (t.measurement.non2xx + t.measurement.errors > 0) invalid = true;
    }
    const thousand = run.fanOut.find((r) => r.n === 1000 && r.publisher === 'default');
    const met = thousand !== undefined && medianOf(thousand.wallMs) < TARGET_1000_MS;
    process.stdout.write(
      `${backend}: 1000 subscribers acknowledged in ${fmt.ms(thousand ? medianOf(thousand.wallMs) : Number.NaN)} ms ` +
        `(median; target < ${TARGET_1000_MS} ms) ${met ? 'MET' : 'NOT MET'}\n`,
    );
    await writeResults(new URL(`subscriptions-${backend}.json`, options.resultsDir), {
      benchmark: 'subscriptions',
      backend,
      settings: { ...options, resultsDir: undefined, peerDelayMs: PEER_DELAY_MS },
      fanOut: run.fanOut,
      throughput: run.throughput,
    });
  }
  process.stdout.write(
    '\n' +
      markdownTable(
        [
          'Backend',
          'Publisher',
          'Subscribers',
          'All acknowledged, ms (rounds)',
          'Median ms',
          'N × 50 ms',
          'Speed-up',
        ],
        rows,
      ) +
      '\n\n' +
      markdownTable(
        [
          'Backend',
          'Subscribers',
          'PUT req/s',
          'p50/p99 ms',
          'CPU µs/req',
          'Non-2xx',
          'Callbacks delivered / not',
          'Ratio',
        ],
        throughputRows,
      ) +
      '\n\n',
  );
  if (invalid) {
    loudWarning(
      'Some callbacks were not acknowledged or some writes failed: the numbers above are not valid.',
    );
    process.exitCode = 1;
  }
}

async function runBackend(
  backend: BackendName,
  options: SubscriptionSuiteOptions,
): Promise<{ fanOut: FanOutResult[]; throughput: ThroughputResult[] }> {
  let storage: BenchStorage | undefined;
  const servers: ServerHandle[] = [];
  try {
    storage = await createStorage(backend, 'subscriptions');
    const env = { BENCH_STORAGE: JSON.stringify(storage.options) };
    const peers = await spawnServer(PEER_SERVER, { BENCH_PEER_DELAY_MS: String(PEER_DELAY_MS) });
    servers.push(peers);
    // One after the other: both migrate the same storage.
    const main: Publisher = { server: await spawnServer(PUBLISHER, env), label: 'default' };
    servers.push(main.server);
    const sequential: Publisher = {
      server: await spawnServer(PUBLISHER, { ...env, BENCH_MAX_CONCURRENT_CALLBACKS: '1' }),
      label: 'one at a time',
    };
    servers.push(sequential.server);

    const fanOut: FanOutResult[] = [];
    for (const n of FAN_OUT_SIZES) {
      log(`${backend}: ${n} subscribers`);
      fanOut.push(await fanOutRun(main, peers, n, options.rounds));
      if (n <= SEQUENTIAL_MAX_N) fanOut.push(await fanOutRun(sequential, peers, n, 1));
    }

    log(`${backend}: write throughput, no subscribers vs ${THROUGHPUT_SUBSCRIBERS}`);
    const throughput: ThroughputResult[] = [];
    for (const [subscribers, granularity] of [
      [0, 'high'],
      [THROUGHPUT_SUBSCRIBERS, 'high'],
      [THROUGHPUT_SUBSCRIBERS, 'none'],
    ] as const) {
      const actor = await publisherActor(main, peers, subscribers, granularity);
      const before = await drained(main);
      const measurement = await measure(main.server, propertyWrite(main, actor), options);
      const after = await drained(main);
      throughput.push({
        subscribers,
        granularity,
        measurement,
        delivered: after.delivered - before.delivered,
        undelivered: after.undelivered - before.undelivered,
      });
      log(`  ${subscribers} subscribers (${granularity}): ${Math.round(measurement.requestsPerSec)} PUT/s`);
    }
    return { fanOut, throughput };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
}

/** A warm-up change, then `rounds` measured ones; each measured from the PUT to every callback acknowledged. */
async function fanOutRun(
  publisher: Publisher,
  peers: ServerHandle,
  n: number,
  rounds: number,
): Promise<FanOutResult> {
  const actor = await publisherActor(publisher, peers, n);
  const change = (value: number) => changeAndDeliver(publisher, actor, value);
  await change(0);
  const wallMs: number[] = [];
  const delivered: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const r = await change(round);
    wallMs.push(r.ms);
    delivered.push(r.delivered);
    log(`  ${publisher.label}: ${n} acknowledged in ${fmt.ms(r.ms)} ms (${r.delivered} callbacks)`);
  }
  return { publisher: publisher.label, n, wallMs, sequentialMs: n * PEER_DELAY_MS, delivered };
}

/** A new actor on the publisher with `n` subscribers: each a peer path that trusts it (friend) and subscribed to /properties. */
export async function publisherActor(
  publisher: Publisher,
  peers: ServerHandle,
  n: number,
  granularity: 'high' | 'none' = 'high',
): Promise<BenchActor> {
  const base = publisher.server.url;
  const created = await request(base, { method: 'POST', body: { creator: 'bench@example.com' } });
  if (created.status !== 201) throw new Error(`POST / answered ${created.status}`);
  const actor: BenchActor = {
    id: created.json.id,
    auth: basicAuth('bench@example.com', created.json.passphrase),
  };
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const peerId = randomBytes(16).toString('hex');
      const secret = randomBytes(20).toString('hex');
      const trust = await request(`${base}${actor.id}/trust/friend`, {
        method: 'POST',
        body: {
          id: peerId,
          baseuri: `${peers.url}peer${i}-${peerId.slice(0, 6)}`,
          type: 'urn:bench:peer',
          secret,
        },
      });
      if (trust.status !== 201) throw new Error(`trust request answered ${trust.status}`);
      const sub = await request(`${base}${actor.id}/subscriptions/${peerId}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
        body: { target: 'properties', granularity },
      });
      if (sub.status !== 201) throw new Error(`subscription request answered ${sub.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return actor;
}

export async function idle(publisher: Publisher): Promise<{ delivered: number; undelivered: number }> {
  // A fan-out to 10,000 on a loaded machine can take longer than the default 10 s.
  const res = await request(`${publisher.server.url}_bench/idle`, { timeoutMs: 120_000 });
  if (res.status !== 200) throw new Error(`/_bench/idle answered ${res.status}`);
  return res.json;
}

/** Waits (up to 2 min) until the publisher has no callback queued; returns its counters. */
/**
 * Sets the actor's property `x` to `value` once the publisher is idle, and waits until every
 * callback of that change is delivered: the wall time and how many were delivered.
 */
export async function changeAndDeliver(
  publisher: Publisher,
  actor: BenchActor,
  value: number,
): Promise<{ ms: number; delivered: number }> {
  const before = await idle(publisher);
  const started = performance.now();
  const res = await request(`${publisher.server.url}${actor.id}/properties/x`, {
    method: 'PUT',
    headers: { authorization: actor.auth },
    body: value,
  });
  if (res.status !== 204) throw new Error(`PUT answered ${res.status}`);
  const after = await idle(publisher);
  return { ms: performance.now() - started, delivered: after.delivered - before.delivered };
}

/** The write the throughput benchmarks load: a small object into the actor's property `x`. */
export function propertyWrite(publisher: Publisher, actor: BenchActor): TargetRequest {
  return {
    url: `${publisher.server.url}${actor.id}/properties/x`,
    method: 'PUT',
    headers: { authorization: actor.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ value: 42, text: 'a small property value' }),
    requestTimeout: 60,
  };
}

export async function drained(publisher: Publisher): Promise<{ delivered: number; undelivered: number }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const res = await request(`${publisher.server.url}_bench/stats`);
    if (res.status !== 200) throw new Error(`/_bench/stats answered ${res.status}`);
    if (res.json.pending === 0 || Date.now() > deadline) return idle(publisher);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

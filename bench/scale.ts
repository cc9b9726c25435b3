/*
 * Scale benchmark, `npm run bench -- --suite scale`:
 *
 * (a) Writes with many subscribers: `PUT /{id}/properties/x` for `duration`
 *     seconds on an actor with no subscribers (the baseline), then with 100
 *     and 1,000 polling subscribers (granularity none: every write stores the
 *     diffs, no callbacks), and with 100 callback subscribers (granularity
 *     high, informational: each write also sends 100 callbacks from the same
 *     process). Same publisher, same run, `rounds` times; each round prints
 *     the ratios against its own baseline.
 * (b) Fan-out to 10,000 subscribers: one PUT on an actor with 10,000
 *     subscribers (granularity high) on peers that answer after 50 ms,
 *     measured until every callback is acknowledged and its diff cleared; the
 *     publisher's highest RSS during it. 1,000 subscribers in the same run as
 *     the baseline.
 * (c) Memory flat in actors (bench/scale-memory.ts): the foundation scenarios
 *     against a server with 100 actors and one with 100,000; highest RSS of each.
 * (d) Hot routes (bench/scale-routes.ts): the authenticated actor root, a
 *     property GET and PUT, each against the raw Fastify route doing the same
 *     storage work.
 * (e) Against the Python reference (bench/reference.ts): only when a reference
 *     checkout is configured (AW_PY_REFERENCE_DIR or AW_PY_REFERENCE_GIT).
 *
 * The servers run with the node flags `npm start` uses (read from package.json;
 * BENCH_NODE_ARGS overrides them).
 */
import { cpus } from 'node:os';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { measure, type Measurement, type RunSettings } from './lib/compare.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { startNodeFlags } from './lib/start-flags.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { runReferenceSuite } from './reference.js';
import { runMemoryScale, type MemoryResult } from './scale-memory.js';
import { ROUTE_HEADERS, routeRows, routeVerdicts, runHotRoutes, type RouteResult } from './scale-routes.js';
import {
  changeAndDeliver,
  drained,
  idle,
  medianOf,
  propertyWrite,
  publisherActor,
  type BenchActor,
  type Publisher,
} from './subscriptions.js';
import { log, writeResults } from './lib/results.js';

export interface ScaleSuiteOptions extends RunSettings {
  backends: BackendName[];
  rounds: number;
  resultsDir: URL;
  /** Which parts to run (default all): writes, fanout, memory, routes, reference. */
  parts: string[];
  /** What the `reference` part needs besides these settings. */
  reference: { seed: number; pythonThreads: number };
}

const PEER_DELAY_MS = 50;
/** The parts whose results go into `scale-<backend>.json`. */
const RESULT_PARTS = ['writes', 'fanout', 'memory', 'routes'];
const WRITE_CASES = [
  { subscribers: 0, granularity: 'none' },
  { subscribers: 100, granularity: 'none' },
  { subscribers: 1000, granularity: 'none' },
  { subscribers: 100, granularity: 'high' },
] as const;
const FAN_OUT_SIZES = [1000, 10_000];
const TARGETS = { ratio100: 0.5, ratio1000: 0.3, fanOutMs: 3000, fanOutRssMb: 200 };

/** The servers' node flags: BENCH_NODE_ARGS, else those of `npm start`. */
export const NODE_ARGS =
  process.env.BENCH_NODE_ARGS !== undefined
    ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean)
    : startNodeFlags();

const PEER_SERVER = new URL('./servers/slow-peer-server.js', import.meta.url);
const PUBLISHER = new URL('./servers/subscriptions-publisher.js', import.meta.url);

interface WriteResult {
  round: number;
  subscribers: number;
  granularity: string;
  measurement: Measurement;
  /** req/s ÷ the same round's req/s without subscribers. */
  ratio: number;
  /** The same round's CPU µs per write without subscribers ÷ this one's: the rate the CPU allows, steadier than req/s. */
  cpuRatio: number;
}

interface FanOutResult {
  n: number;
  wallMs: number[];
  maxRssMb: number[];
  delivered: number[];
  /** The publisher's CPU time (user + system) during the change ÷ the callbacks acknowledged: steadier than wall time. */
  cpuUsPerCallback: number[];
}

export async function runScaleSuite(options: ScaleSuiteOptions): Promise<void> {
  const parts = new Set(options.parts);
  log(
    `Scale benchmark (${[...parts].join(', ')}): ${options.rounds} rounds, writes ${options.duration}s x ${options.connections} connections, ` +
      `backends ${options.backends.join(', ')}, node args ${NODE_ARGS.join(' ') || '(none)'}, ${cpus().length} cores, node ${process.version}`,
  );
  const writeRows: string[][] = [];
  const fanRows: string[][] = [];
  const memoryRows: string[][] = [];
  const routeTable: string[][] = [];
  const verdicts: string[] = [];
  let invalid = false;
  for (const backend of options.backends) {
    const writes = parts.has('writes') ? await runWrites(backend, options) : [];
    const fanOut = parts.has('fanout') ? await runFanOut(backend, options) : [];
    const memory: MemoryResult[] = parts.has('memory')
      ? await runMemoryScale(backend, options, NODE_ARGS)
      : [];
    const routes: RouteResult[] = parts.has('routes') ? await runHotRoutes(backend, options, NODE_ARGS) : [];
    routeTable.push(...routeRows(backend, routes));
    verdicts.push(...routeVerdicts(backend, routes));
    if (routes.some((r) => r.failed > 0)) invalid = true;

    for (const w of writes) {
      writeRows.push([
        backend,
        String(w.round),
        w.subscribers === 0 ? '0' : `${fmt.int(w.subscribers)} (${w.granularity})`,
        fmt.int(w.measurement.requestsPerSec),
        `${fmt.ms(w.measurement.p50Ms)} / ${fmt.ms(w.measurement.p99Ms)}`,
        fmt.int(w.measurement.cpuUsPerRequest),
        fmt.mb(w.measurement.maxRssMb),
        String(w.measurement.non2xx + w.measurement.errors),
        fmt.ratio(w.ratio),
        fmt.ratio(w.cpuRatio),
      ]);
      if (w.measurement.non2xx + w.measurement.errors > 0) invalid = true;
    }
    for (const [n, target] of [
      [100, TARGETS.ratio100],
      [1000, TARGETS.ratio1000],
    ] as const) {
      const rows = writes.filter((w) => w.subscribers === n && w.granularity === 'none');
      if (rows.length > 0) {
        const median = medianOf(rows.map((w) => w.ratio));
        verdicts.push(
          `${backend}: writes with ${n} subscribers at ${rows.map((w) => fmt.ratio(w.ratio)).join(' / ')} x the rate with none ` +
            `(median ${fmt.ratio(median)}; by CPU per write ${rows.map((w) => fmt.ratio(w.cpuRatio)).join(' / ')}; ` +
            `target >= ${target}) ${median >= target ? 'MET' : 'NOT MET'}`,
        );
      }
    }
    for (const f of fanOut) {
      fanRows.push([
        backend,
        fmt.int(f.n),
        f.wallMs.map(fmt.ms).join(' / '),
        fmt.ms(medianOf(f.wallMs)),
        f.maxRssMb.map(fmt.mb).join(' / '),
        f.cpuUsPerCallback.map(fmt.int).join(' / '),
        f.delivered.map(fmt.int).join(' / '),
      ]);
      if (f.delivered.some((d) => d !== f.n)) invalid = true;
    }
    const big = fanOut.find((f) => f.n === 10_000);
    if (big) {
      const ms = medianOf(big.wallMs);
      const rss = Math.max(...big.maxRssMb);
      verdicts.push(
        `${backend}: 10,000 subscribers acknowledged in ${fmt.ms(ms)} ms (median; target < ${TARGETS.fanOutMs}) ` +
          `${ms < TARGETS.fanOutMs ? 'MET' : 'NOT MET'}; max RSS ${fmt.mb(rss)} MB (target < ${TARGETS.fanOutRssMb}) ` +
          `${rss < TARGETS.fanOutRssMb ? 'MET' : 'NOT MET'}`,
      );
    }
    for (const m of memory) {
      memoryRows.push([
        backend,
        String(m.round),
        `${fmt.mb(m.small.maxRssMb)} (${fmt.int(m.small.actors)})`,
        `${fmt.mb(m.large.maxRssMb)} (${fmt.int(m.large.actors)})`,
        fmt.ratio(m.large.maxRssMb / m.small.maxRssMb),
        `${fmt.int(m.small.requests)} / ${fmt.int(m.large.requests)}`,
        String(m.small.failed + m.large.failed),
      ]);
      if (m.small.failed + m.large.failed > 0) invalid = true;
    }
    for (const m of memory)
      verdicts.push(
        `${backend}: round ${m.round} max RSS ${fmt.mb(m.small.maxRssMb)} MB (100 actors) / ${fmt.mb(m.large.maxRssMb)} MB ` +
          `(100,000), ratio ${fmt.ratio(m.large.maxRssMb / m.small.maxRssMb)} (targets < 150 MB and < 1.10) ` +
          `${Math.max(m.small.maxRssMb, m.large.maxRssMb) < 150 && m.large.maxRssMb / m.small.maxRssMb < 1.1 ? 'MET' : 'NOT MET'}`,
      );

    // A run of some parts does not overwrite the results of the others (the reference part writes its own).
    const written = RESULT_PARTS.filter((p) => parts.has(p));
    const which = written.length === RESULT_PARTS.length ? '' : `${written.join('-')}-`;
    await writeResults(new URL(`scale-${which}${backend}.json`, options.resultsDir), {
      benchmark: 'scale',
      backend,
      settings: { ...options, resultsDir: undefined, nodeArgs: NODE_ARGS, peerDelayMs: PEER_DELAY_MS },
      targets: TARGETS,
      writes,
      fanOut,
      memory,
      routes,
    });
  }
  if (writeRows.length > 0)
    log(
      '\n' +
        markdownTable(
          [
            'Backend',
            'Round',
            'Subscribers',
            'PUT req/s',
            'p50/p99 ms',
            'CPU µs/req',
            'Max RSS MB',
            'Non-2xx',
            'Ratio vs 0',
            'CPU ratio vs 0',
          ],
          writeRows,
        ),
    );
  if (fanRows.length > 0)
    log(
      '\n' +
        markdownTable(
          [
            'Backend',
            'Subscribers',
            'All acknowledged, ms (rounds)',
            'Median ms',
            'Max RSS MB',
            'CPU µs per callback',
            'Acknowledged',
          ],
          fanRows,
        ),
    );
  if (memoryRows.length > 0)
    log(
      '\n' +
        markdownTable(
          ['Backend', 'Round', 'Max RSS MB (actors)', 'Max RSS MB (actors)', 'Ratio', 'Requests', 'Non-2xx'],
          memoryRows,
        ),
    );
  if (routeTable.length > 0) log('\n' + markdownTable(ROUTE_HEADERS, routeTable));
  log('\n' + verdicts.join('\n') + '\n');
  if (parts.has('reference')) await runReferencePart(options);
  if (invalid) {
    loudWarning(
      'Some requests failed or some callbacks were not acknowledged: the numbers above are not valid.',
    );
    process.exitCode = 1;
  }
}

async function runWrites(backend: BackendName, options: ScaleSuiteOptions): Promise<WriteResult[]> {
  return withPublisher(backend, 'scale-writes', async (publisher, peers) => {
    const actors = new Map<string, BenchActor>();
    for (const c of WRITE_CASES) {
      log(`${backend}: an actor with ${c.subscribers} subscribers (${c.granularity})`);
      actors.set(
        `${c.subscribers}/${c.granularity}`,
        await publisherActor(publisher, peers, c.subscribers, c.granularity),
      );
    }
    const results: WriteResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // The baseline first, then the others in an order that rotates between rounds (the machine's load drifts).
      const others = WRITE_CASES.slice(1);
      const shift = (round - 1) % others.length;
      const order = [WRITE_CASES[0], ...others.slice(shift), ...others.slice(0, shift)];
      let baseline!: Measurement;
      for (const c of order) {
        const actor = actors.get(`${c.subscribers}/${c.granularity}`)!;
        await drained(publisher);
        const measurement = await measure(publisher.server, propertyWrite(publisher, actor), options);
        if (c.subscribers === 0) baseline = measurement;
        const ratio = measurement.requestsPerSec / baseline.requestsPerSec;
        const cpuRatio = baseline.cpuUsPerRequest / measurement.cpuUsPerRequest;
        results.push({
          round,
          subscribers: c.subscribers,
          granularity: c.granularity,
          measurement,
          ratio,
          cpuRatio,
        });
        log(
          `  round ${round}, ${c.subscribers} (${c.granularity}): ${fmt.int(measurement.requestsPerSec)} PUT/s, ratio ${fmt.ratio(ratio)}`,
        );
      }
    }
    await drained(publisher);
    return results;
  });
}

async function runFanOut(backend: BackendName, options: ScaleSuiteOptions): Promise<FanOutResult[]> {
  return withPublisher(backend, 'scale-fanout', async (publisher, peers) => {
    const results: FanOutResult[] = [];
    for (const n of FAN_OUT_SIZES) {
      log(`${backend}: ${fmt.int(n)} subscribers (high)`);
      const actor = await publisherActor(publisher, peers, n, 'high');
      const change = async (value: number) => {
        await idle(publisher);
        const { cpuMs: cpuBefore } = await publisher.server.takeStats();
        const { ms, delivered } = await changeAndDeliver(publisher, actor, value);
        const { maxRssMb, cpuMs } = await publisher.server.takeStats();
        return { ms, maxRssMb, delivered, cpuUsPerCallback: ((cpuMs - cpuBefore) * 1000) / delivered };
      };
      await change(0);
      const result: FanOutResult = { n, wallMs: [], maxRssMb: [], delivered: [], cpuUsPerCallback: [] };
      for (let round = 1; round <= options.rounds; round++) {
        const r = await change(round);
        result.wallMs.push(r.ms);
        result.maxRssMb.push(r.maxRssMb);
        result.delivered.push(r.delivered);
        result.cpuUsPerCallback.push(r.cpuUsPerCallback);
        log(
          `  ${fmt.int(r.delivered)} acknowledged in ${fmt.ms(r.ms)} ms, max RSS ${fmt.mb(r.maxRssMb)} MB, ` +
            `${fmt.int(r.cpuUsPerCallback)} µs CPU per callback`,
        );
      }
      results.push(result);
    }
    return results;
  });
}

/** The reference suite's own table and verdict, or why it did not run. */
async function runReferencePart(options: ScaleSuiteOptions): Promise<void> {
  if (!process.env.AW_PY_REFERENCE_DIR && !process.env.AW_PY_REFERENCE_GIT) {
    log(
      'Against the Python reference: not measured (set AW_PY_REFERENCE_DIR or AW_PY_REFERENCE_GIT; ' +
        'docs/benchmarks.md, "Against the Python reference").',
    );
    return;
  }
  log('Against the Python reference (target >= 40 x):');
  await runReferenceSuite({
    ...options,
    seed: options.reference.seed,
    pythonThreads: options.reference.pythonThreads,
  });
}

/** A fresh storage, the 50 ms peers and one publisher (default options), for `fn`. */
async function withPublisher<T>(
  backend: BackendName,
  label: string,
  fn: (publisher: Publisher, peers: ServerHandle) => Promise<T>,
): Promise<T> {
  let storage: BenchStorage | undefined;
  const servers: ServerHandle[] = [];
  try {
    storage = await createStorage(backend, label);
    const peers = await spawnServer(PEER_SERVER, { BENCH_PEER_DELAY_MS: String(PEER_DELAY_MS) });
    servers.push(peers);
    const server = await spawnServer(
      PUBLISHER,
      { BENCH_STORAGE: JSON.stringify(storage.options) },
      { nodeArgs: NODE_ARGS },
    );
    servers.push(server);
    return await fn({ server, label: 'default' }, peers);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
}

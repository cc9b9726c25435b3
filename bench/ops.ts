/*
 * Operations benchmark, `npm run bench -- --suite ops [--rounds 8] [--cpu-prof]`: what metrics,
 * the request context and JSON logs cost on the hot path (docs/operations.md).
 *
 * Variants are the same ActingWeb server with different module options. Each round starts a fresh
 * server process per variant, in a rotated order, and measures the same request on it
 * (`GET /{id}/properties/name`, creator Basic auth). Reported per variant: the median req/s and
 * server CPU time per request over the rounds, and the cost against the first variant. CPU per
 * request is the steadier number on a shared machine. Target: metrics cost <= 5 %.
 * `--cpu-prof` then profiles one more metrics server (not measured) and reports the share of its
 * CPU spent in the metrics code, a number that depends much less on the machine's load.
 * BENCH_OPS_VARIANTS replaces the variants (see below); BENCH_NODE_ARGS adds node flags.
 */
import { cpus, tmpdir } from 'node:os';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { measure, type Measurement, type RunSettings, type TargetRequest } from './lib/compare.js';
import { basicAuth, request, seedActors } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import { writeResults } from './lib/results.js';

export interface OpsSuiteOptions extends RunSettings {
  backends: BackendName[];
  rounds: number;
  resultsDir: URL;
  /** After the rounds, profile a metrics server and report the share of its CPU in the metrics code. */
  cpuProf?: boolean;
}

interface Variant {
  name: string;
  /** BENCH_AW_OPTIONS of the server. */
  options: Record<string, unknown>;
  logger?: 'json';
}

const DEFAULT_VARIANTS: Variant[] = [
  { name: 'default', options: {} },
  // The same as the first: how far two identical variants land apart is the noise of the run.
  { name: 'control (default again)', options: {} },
  { name: 'metrics', options: { metrics: true } },
  { name: 'requestContext', options: { requestContext: true } },
  {
    name: 'all (metrics, health, requestContext, JSON logs)',
    options: { metrics: true, health: true, requestContext: true },
    logger: 'json',
  },
];

/** BENCH_OPS_VARIANTS (JSON `[{ name, options, logger? }]`, the first is the reference) replaces the list. */
const VARIANTS: Variant[] = process.env.BENCH_OPS_VARIANTS
  ? (JSON.parse(process.env.BENCH_OPS_VARIANTS) as Variant[])
  : DEFAULT_VARIANTS;

const TARGET_COST = 0.05;
const CREATOR = 'ops-bench@example.com';
const ACTINGWEB_SERVER = new URL('./servers/actingweb-server.js', import.meta.url);

interface VariantResult {
  variant: string;
  backend: BackendName;
  rounds: Measurement[];
  medianRequestsPerSec: number;
  medianCpuUs: number;
}

export async function runOpsSuite(options: OpsSuiteOptions): Promise<void> {
  process.stdout.write(
    `Ops benchmark: GET /{id}/properties/name, ${options.duration}s x ${options.connections} connections ` +
      `(+${options.warmup}s warm-up), ${options.rounds} rounds, ${cpus().length} cores, node ${process.version}\n`,
  );
  const all: VariantResult[] = [];
  for (const backend of options.backends) {
    const results = await runBackend(backend, options);
    all.push(...results);
    await writeResults(new URL(`ops-${backend}.json`, options.resultsDir), {
      benchmark: 'ops',
      backend,
      options,
      results,
    });
  }

  const rows = all.map((r) => {
    const base = all.find((b) => b.backend === r.backend && b.variant === VARIANTS[0].name)!;
    return [
      r.variant,
      r.backend,
      r.rounds.map((m) => fmt.int(m.requestsPerSec)).join(' / '),
      fmt.int(r.medianRequestsPerSec),
      r.rounds.map((m) => fmt.int(m.cpuUsPerRequest)).join(' / '),
      fmt.int(r.medianCpuUs),
      r === base ? '-' : pct(r.medianCpuUs / base.medianCpuUs - 1),
      r === base ? '-' : pct(1 - r.medianRequestsPerSec / base.medianRequestsPerSec),
    ];
  });
  process.stdout.write(
    '\n' +
      markdownTable(
        [
          'Variant',
          'Backend',
          'req/s (rounds)',
          'Median req/s',
          'CPU µs/req (rounds)',
          'Median CPU µs/req',
          'CPU cost',
          'Throughput cost',
        ],
        rows,
      ) +
      '\n\n',
  );
  for (const backend of options.backends) {
    const base = all.find((r) => r.backend === backend && r.variant === VARIANTS[0].name)!;
    const metrics = all.find((r) => r.backend === backend && r.variant === 'metrics');
    if (!metrics) continue;
    const cost = metrics.medianCpuUs / base.medianCpuUs - 1;
    process.stdout.write(
      `${backend}: metrics cost ${pct(cost)} CPU per request (target <= ${pct(TARGET_COST)}) ${cost <= TARGET_COST ? 'MET' : 'NOT MET'}\n`,
    );
  }
  if (all.some((r) => r.rounds.some((m) => m.non2xx + m.errors > 0))) {
    loudWarning('Some runs had non-2xx answers or errors: the numbers above are not valid.');
    process.exitCode = 1;
  }
}

async function runBackend(backend: BackendName, options: OpsSuiteOptions): Promise<VariantResult[]> {
  let storage: BenchStorage | undefined;
  try {
    storage = await createStorage(backend, 'ops');
    const storageOptions = JSON.stringify(storage.options);
    // Extra V8 flags, e.g. BENCH_NODE_ARGS=--max-semi-space-size=4, as in bench/foundation.ts.
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const rounds: Measurement[][] = VARIANTS.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order each round so no variant always runs first. A fresh server process per
      // variant and round: two processes of the same code differ by up to ±15 % in CPU per request
      // on this machine (heap sizing, placement), which would otherwise stick to one variant.
      for (let k = 0; k < VARIANTS.length; k++) {
        const i = (k + round) % VARIANTS.length;
        const server = await spawnServer(
          ACTINGWEB_SERVER,
          {
            BENCH_STORAGE: storageOptions,
            BENCH_AW_OPTIONS: JSON.stringify(VARIANTS[i].options),
            BENCH_LOGGER: VARIANTS[i].logger ?? 'text',
          },
          { nodeArgs },
        );
        try {
          const m = await measure(server, await propertyRead(server), options);
          rounds[i].push(m);
          process.stdout.write(
            `${backend} round ${round + 1}: ${VARIANTS[i].name}: ${fmt.int(m.requestsPerSec)} req/s, ${fmt.int(m.cpuUsPerRequest)} µs CPU/req\n`,
          );
        } finally {
          await server.stop();
        }
      }
    }
    if (options.cpuProf) {
      // Outside the rounds: the profiler's own cost must not count in the measurements above.
      const metrics = VARIANTS.find((v) => v.name === 'metrics');
      if (metrics) {
        const dir = join(tmpdir(), `aw-bench-ops-cpuprof-${Date.now()}`);
        const server = await spawnServer(
          ACTINGWEB_SERVER,
          { BENCH_STORAGE: storageOptions, BENCH_AW_OPTIONS: JSON.stringify(metrics.options) },
          { nodeArgs: [...nodeArgs, '--cpu-prof', `--cpu-prof-dir=${dir}`] },
        );
        try {
          await measure(server, await propertyRead(server), options);
        } finally {
          await server.stop();
        }
        process.stdout.write(`${backend}: ${await metricsShare(dir)}\n`);
      }
    }
    return VARIANTS.map((v, i) => ({
      variant: v.name,
      backend,
      rounds: rounds[i],
      medianRequestsPerSec: median(rounds[i].map((m) => m.requestsPerSec)),
      medianCpuUs: median(rounds[i].map((m) => m.cpuUsPerRequest)),
    }));
  } finally {
    await storage
      ?.cleanup()
      .catch((err: unknown) => process.stdout.write(`storage cleanup failed: ${String(err)}\n`));
  }
}

/**
 * `--cpu-prof`: the share of the metrics server's CPU samples (idle excluded) spent in the metrics
 * code itself (src/ops/, prom-client) and in the `onResponse` hook runner that only exists for it.
 * Unlike the A/B above it does not depend on how busy the machine is.
 */
async function metricsShare(dir: string): Promise<string> {
  const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return `no CPU profile in ${dir}`;
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const time = new Map<number, number>();
  profile.samples.forEach((id, i) => time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let busy = 0;
  let metrics = 0;
  for (const node of profile.nodes) {
    const t = time.get(node.id) ?? 0;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') continue;
    busy += t;
    if (/\/src\/ops\/|\/prom-client\//.test(url) || /^onResponseHook/.test(functionName)) metrics += t;
  }
  return `metrics code: ${((metrics / busy) * 100).toFixed(2)} % of the busy CPU samples (profile in ${dir})`;
}

/** An actor with a `name` property on that server, and the authenticated read of it. */
async function propertyRead(server: ServerHandle): Promise<TargetRequest> {
  const [actor] = await seedActors(server.url, 1, CREATOR);
  const url = `${server.url}${actor.id}/properties/name`;
  const headers = { authorization: basicAuth(actor.creator, actor.passphrase) };
  const put = await request(url, { method: 'PUT', headers, body: 'Alice' });
  if (put.status < 200 || put.status > 299) throw new Error(`PUT ${url} answered ${put.status}`);
  const get = await request(url, { headers });
  if (get.status !== 200) throw new Error(`GET ${url} answered ${get.status} before the load`);
  return { url, headers };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
}

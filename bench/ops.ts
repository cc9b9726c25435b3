/*
 * Operations benchmark, `npm run bench -- --suite ops`: what metrics, the
 * request context and JSON logs cost on the hot path (docs/operations.md).
 *
 * One ActingWeb server per variant (same code, same storage, different module
 * options), all running at once; each round measures every variant back to
 * back, in a rotated order, on the same request. Reported per variant: the
 * median req/s and server CPU time per request over the rounds, and the cost
 * against the default variant. CPU per request is the steadier number on a
 * shared machine; the target is a cost <= 5 % for metrics on
 * `GET /{id}/properties/name`.
 */
import { cpus } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { measure, type Measurement, type RunSettings, type TargetRequest } from './lib/compare.js';
import { basicAuth, request, seedActors } from './lib/http.js';
import { machineInfo } from './lib/machine.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';

export interface OpsSuiteOptions extends RunSettings {
  backends: BackendName[];
  rounds: number;
  resultsDir: URL;
}

interface Variant {
  name: string;
  /** BENCH_AW_OPTIONS of the server. */
  options: Record<string, unknown>;
  logger?: 'json';
}

const VARIANTS: Variant[] = [
  { name: 'default', options: {} },
  { name: 'metrics', options: { metrics: true } },
  { name: 'requestContext', options: { requestContext: true } },
  {
    name: 'all (metrics, health, requestContext, JSON logs)',
    options: { metrics: true, health: true, requestContext: true },
    logger: 'json',
  },
];

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
    const file = new URL(`ops-${backend}.json`, options.resultsDir);
    await writeFile(
      file,
      JSON.stringify(
        {
          benchmark: 'ops',
          backend,
          date: new Date().toISOString(),
          machine: machineInfo(),
          options,
          results,
        },
        null,
        2,
      ) + '\n',
    );
    process.stdout.write(`Wrote ${fileURLToPath(file)}\n`);
  }

  const rows = all.map((r) => {
    const base = all.find((b) => b.backend === r.backend && b.variant === 'default')!;
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
    const base = all.find((r) => r.backend === backend && r.variant === 'default')!;
    const metrics = all.find((r) => r.backend === backend && r.variant === 'metrics')!;
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
  const servers: ServerHandle[] = [];
  try {
    storage = await createStorage(backend, 'ops');
    // One after the other: the first migrates the storage (see bench/foundation.ts).
    for (const variant of VARIANTS) {
      servers.push(
        await spawnServer(ACTINGWEB_SERVER, {
          BENCH_STORAGE: JSON.stringify(storage.options),
          BENCH_AW_OPTIONS: JSON.stringify(variant.options),
          BENCH_LOGGER: variant.logger ?? 'text',
        }),
      );
    }
    const requests: TargetRequest[] = [];
    for (const server of servers) requests.push(await propertyRead(server));

    const rounds: Measurement[][] = VARIANTS.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order each round so no variant always runs first (or right after the warm-up of another).
      for (let k = 0; k < VARIANTS.length; k++) {
        const i = (k + round) % VARIANTS.length;
        const m = await measure(servers[i], requests[i], options);
        rounds[i].push(m);
        process.stdout.write(
          `${backend} round ${round + 1}: ${VARIANTS[i].name}: ${fmt.int(m.requestsPerSec)} req/s, ${fmt.int(m.cpuUsPerRequest)} µs CPU/req\n`,
        );
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
    await Promise.all(servers.map((s) => s.stop()));
    await storage
      ?.cleanup()
      .catch((err: unknown) => process.stdout.write(`storage cleanup failed: ${String(err)}\n`));
  }
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

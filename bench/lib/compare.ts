import { runLoad, type LoadOptions, type LoadResult } from './load.js';
import type { ServerHandle } from './server-process.js';
import { fmt, loudWarning } from './table.js';

/** Load settings shared by every run of a benchmark. */
export interface RunSettings {
  /** Measured seconds per run. */
  duration: number;
  connections: number;
  /** Unmeasured seconds before each run (JIT, pools, caches). */
  warmup: number;
}

export type TargetRequest = Omit<LoadOptions, 'duration' | 'connections'>;

export interface Measurement extends LoadResult {
  /** The server's highest RSS (MB) during the measured run. */
  maxRssMb: number;
  /** Server CPU time (user + system) per completed request, in µs: insensitive to the load generator's speed. */
  cpuUsPerRequest: number;
}

/** Baseline and subject of one scenario, measured back to back in the same run. */
export interface Comparison {
  scenario: string;
  backend: string;
  baseline: Measurement;
  subject: Measurement;
  /** subject req/s ÷ baseline req/s. */
  ratio: number;
}

/** Warm-up (discarded), then a measured run; RSS and CPU time are the server's during the measured run. */
export async function measure(
  server: ServerHandle,
  request: TargetRequest,
  settings: RunSettings,
): Promise<Measurement> {
  const { duration, connections, warmup } = settings;
  if (warmup > 0) await runLoad({ ...request, duration: warmup, connections });
  const before = await server.takeStats();
  const result = await runLoad({ ...request, duration, connections });
  const after = await server.takeStats();
  const cpuUsPerRequest = ((after.cpuMs - before.cpuMs) * 1000) / result.totalRequests;
  return { ...result, maxRssMb: after.maxRssMb, cpuUsPerRequest };
}

/**
 * Measures the baseline, then the subject (or the other way round: a suite with several rounds
 * alternates, so the machine's drift within a pair does not always favour one side), and warns
 * loudly about any non-2xx answer or error.
 */
export async function compare(
  scenario: string,
  backend: string,
  baseline: { server: ServerHandle; request: TargetRequest },
  subject: { server: ServerHandle; request: TargetRequest },
  settings: RunSettings,
  order: 'baseline first' | 'subject first' = 'baseline first',
): Promise<Comparison> {
  let b: Measurement;
  let s: Measurement;
  if (order === 'baseline first') {
    b = await measure(baseline.server, baseline.request, settings);
    s = await measure(subject.server, subject.request, settings);
  } else {
    s = await measure(subject.server, subject.request, settings);
    b = await measure(baseline.server, baseline.request, settings);
  }
  for (const [who, m] of [
    ['baseline', b],
    ['subject', s],
  ] as const) {
    if (m.non2xx > 0 || m.errors > 0) {
      loudWarning(
        `${scenario} on ${backend}: ${who} had ${m.non2xx} non-2xx answers and ${m.errors} errors ${JSON.stringify(m.statusCodes)}`,
      );
    }
  }
  return { scenario, backend, baseline: b, subject: s, ratio: s.requestsPerSec / b.requestsPerSec };
}

export const COMPARISON_HEADERS = [
  'Scenario',
  'Backend',
  'Raw req/s',
  'ActingWeb req/s',
  'Ratio',
  'Raw p50/p99 ms',
  'ActingWeb p50/p99 ms',
  'CPU µs/req raw/AW',
  'Non-2xx raw/AW',
  'ActingWeb max RSS MB',
];

export function comparisonRow(c: Comparison): string[] {
  return [c.scenario, c.backend, ...measurementCells(c), fmt.mb(c.subject.maxRssMb)];
}

/** Both sides' req/s, the ratio, latencies, CPU per request and failures, as table cells. */
export function measurementCells(c: Comparison): string[] {
  return [
    fmt.int(c.baseline.requestsPerSec),
    fmt.int(c.subject.requestsPerSec),
    fmt.ratio(c.ratio),
    `${fmt.ms(c.baseline.p50Ms)} / ${fmt.ms(c.baseline.p99Ms)}`,
    `${fmt.ms(c.subject.p50Ms)} / ${fmt.ms(c.subject.p99Ms)}`,
    `${fmt.int(c.baseline.cpuUsPerRequest)} / ${fmt.int(c.subject.cpuUsPerRequest)}`,
    `${c.baseline.non2xx + c.baseline.errors} / ${c.subject.non2xx + c.subject.errors}`,
  ];
}

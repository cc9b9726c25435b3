/*
 * Hot routes against their limit (`--suite scale --parts routes`): the
 * authenticated actor root, a property GET and a property PUT, each against
 * a raw Fastify route doing the same storage work (bench/servers), measured
 * back to back in every round, with the V8 setting `npm start` uses.
 */
import type { BackendName } from './lib/backends.js';
import type { RunSettings } from './lib/compare.js';
import { fmt } from './lib/table.js';
import { runFoundation } from './foundation.js';
import { medianOf } from './subscriptions.js';

export const HOT_ROUTES = [
  'GET /{id} (Basic auth)',
  'GET /{id}/properties/name',
  'PUT /{id}/properties/name',
] as const;
export const ROUTE_TARGETS = { ratio: 0.85, propertyGetPerSec: 12_000 };

export interface RouteResult {
  route: string;
  round: number;
  rawPerSec: number;
  oursPerSec: number;
  rawCpuUs: number;
  oursCpuUs: number;
  ratio: number;
  failed: number;
}

export async function runHotRoutes(
  backend: BackendName,
  options: RunSettings & { rounds: number },
  nodeArgs: readonly string[],
): Promise<RouteResult[]> {
  const run = await runFoundation(backend, {
    ...options,
    seed: 100,
    diagnose: false,
    cpuProf: false,
    only: HOT_ROUTES,
    rounds: options.rounds,
    nodeArgs,
  });
  const rounds = new Map<string, number>();
  return run.comparisons.map((c) => {
    const round = (rounds.get(c.scenario) ?? 0) + 1;
    rounds.set(c.scenario, round);
    return {
      route: c.scenario,
      round,
      rawPerSec: c.baseline.requestsPerSec,
      oursPerSec: c.subject.requestsPerSec,
      rawCpuUs: c.baseline.cpuUsPerRequest,
      oursCpuUs: c.subject.cpuUsPerRequest,
      ratio: c.ratio,
      failed: c.baseline.non2xx + c.baseline.errors + c.subject.non2xx + c.subject.errors,
    };
  });
}

export function routeRows(backend: string, results: readonly RouteResult[]): string[][] {
  return results.map((r) => [
    backend,
    r.route,
    String(r.round),
    fmt.int(r.rawPerSec),
    fmt.int(r.oursPerSec),
    `${fmt.int(r.rawCpuUs)} / ${fmt.int(r.oursCpuUs)}`,
    fmt.ratio(r.ratio),
    fmt.ratio(r.rawCpuUs / r.oursCpuUs),
    String(r.failed),
  ]);
}

export const ROUTE_HEADERS = [
  'Backend',
  'Route',
  'Round',
  'Raw req/s',
  'Ours req/s',
  'CPU µs/req raw / ours',
  'Ratio',
  'CPU ratio',
  'Non-2xx',
];

export function routeVerdicts(backend: BackendName, results: readonly RouteResult[]): string[] {
  const verdicts: string[] = [];
  for (const route of HOT_ROUTES) {
    const rows = results.filter((r) => r.route === route);
    if (rows.length === 0) continue;
    const median = medianOf(rows.map((r) => r.ratio));
    verdicts.push(
      `${backend}: ${route} at ${rows.map((r) => fmt.ratio(r.ratio)).join(' / ')} x raw Fastify ` +
        `(median ${fmt.ratio(median)}; by CPU ${rows.map((r) => fmt.ratio(r.rawCpuUs / r.oursCpuUs)).join(' / ')}; ` +
        `target >= ${ROUTE_TARGETS.ratio}) ${median >= ROUTE_TARGETS.ratio ? 'MET' : 'NOT MET'}`,
    );
  }
  const gets = results.filter((r) => r.route === HOT_ROUTES[1]);
  if (backend === 'sqlite' && gets.length > 0) {
    const perSec = medianOf(gets.map((r) => r.oursPerSec));
    verdicts.push(
      `${backend}: property GET at ${fmt.int(perSec)} req/s (median; target >= ${fmt.int(ROUTE_TARGETS.propertyGetPerSec)}) ` +
        `${perSec >= ROUTE_TARGETS.propertyGetPerSec ? 'MET' : 'NOT MET'}`,
    );
  }
  return verdicts;
}

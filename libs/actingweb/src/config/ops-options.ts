import type { HealthOptions, MetricsOptions } from '../config/actingweb-options.interface.js';

/** {@link HealthOptions} with defaults applied. @publicApi */
export interface ResolvedHealthOptions {
  readonly enabled: boolean;
  readonly livePath: string;
  readonly readyPath: string;
  readonly timeoutMs: number;
}

/** {@link MetricsOptions} with defaults applied. @publicApi */
export interface ResolvedMetricsOptions {
  readonly enabled: boolean;
  readonly path: string;
  /** null: `/metrics` is open. */
  readonly bearerToken: string | null;
  readonly defaultMetrics: boolean;
}

/** A fixed path of our own: no parameters or wildcards, not the factory root. */
const ROUTE_PATH = /^\/[A-Za-z0-9._~\-/]+$/;
const MIN_TOKEN_LENGTH = 16;

/** `true`/`false` stand for `{ enabled }`; an object without `enabled` is enabled. */
function block<T extends { enabled?: boolean }>(
  input: boolean | T | undefined,
  name: string,
  problems: string[],
): T {
  if (input === undefined || input === false) return { enabled: false } as T;
  if (input === true) return { enabled: true } as T;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push(`${name} must be true, false or an object such as { enabled: true }`);
    return { enabled: false } as T;
  }
  return { ...input, enabled: input.enabled ?? true };
}

function path(value: unknown, fallback: string, name: string, problems: string[]): string {
  const p = value ?? fallback;
  if (typeof p !== 'string' || !ROUTE_PATH.test(p) || p.includes('//')) {
    problems.push(`${name} must be a fixed path such as "${fallback}" (got ${JSON.stringify(value)})`);
    return fallback;
  }
  return p;
}

/** Validates the `health` option; problems are appended to `problems`. */
export function resolveHealthOptions(
  input: boolean | HealthOptions | undefined,
  problems: string[],
): ResolvedHealthOptions {
  const o = block(input, 'health', problems);
  if (typeof o.enabled !== 'boolean') problems.push('health.enabled must be true or false');
  const livePath = path(o.livePath, '/health', 'health.livePath', problems);
  const readyPath = path(o.readyPath, '/ready', 'health.readyPath', problems);
  if (livePath === readyPath) problems.push('health.livePath and health.readyPath must differ');
  const timeoutMs = o.timeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    problems.push('health.timeoutMs must be a positive integer');
  return Object.freeze({ enabled: o.enabled === true, livePath, readyPath, timeoutMs });
}

/** Validates the `metrics` option; problems are appended to `problems`. */
export function resolveMetricsOptions(
  input: boolean | MetricsOptions | undefined,
  problems: string[],
): ResolvedMetricsOptions {
  const o = block(input, 'metrics', problems);
  if (typeof o.enabled !== 'boolean') problems.push('metrics.enabled must be true or false');
  const metricsPath = path(o.path, '/metrics', 'metrics.path', problems);
  const token = o.bearerToken ?? null;
  if (token !== null && (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token))) {
    problems.push(
      `metrics.bearerToken must be a string of at least ${MIN_TOKEN_LENGTH} characters without spaces`,
    );
  }
  const defaultMetrics = o.defaultMetrics ?? true;
  if (typeof defaultMetrics !== 'boolean') problems.push('metrics.defaultMetrics must be true or false');
  return Object.freeze({
    enabled: o.enabled === true,
    path: metricsPath,
    bearerToken: typeof token === 'string' ? token : null,
    defaultMetrics: defaultMetrics === true,
  });
}

/** The three routes must not collide with each other. */
export function checkOpsPaths(
  health: ResolvedHealthOptions,
  metrics: ResolvedMetricsOptions,
  problems: string[],
): void {
  if (health.enabled && metrics.enabled && [health.livePath, health.readyPath].includes(metrics.path))
    problems.push(`metrics.path ${metrics.path} is already a health path`);
}

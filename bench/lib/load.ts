import autocannon from 'autocannon';

/** One load run: what to hit, how hard and for how long. */
export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
  /** Seconds. */
  duration: number;
  connections: number;
  /** Per-request timeout in seconds (default 10). */
  requestTimeout?: number;
}

/** The numbers every benchmark reports. Latencies are in milliseconds. */
export interface LoadResult {
  requestsPerSec: number;
  totalRequests: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses outside 2xx; a correct benchmark has 0. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
}

/**
 * Runs autocannon against one URL. The run is bounded: autocannon stops after
 * `duration`, and a watchdog stops it 30 s later at the latest.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        duration: options.duration,
        connections: options.connections,
        timeout: options.requestTimeout ?? 10,
      },
      (err: unknown, result: autocannon.Result) => {
        clearTimeout(watchdog);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const statusCodes: Record<string, number> = {};
        for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
          statusCodes[code] = stats?.count ?? 0;
        resolve({
          requestsPerSec: result.requests.average,
          totalRequests: result.requests.total,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
          statusCodes,
        });
      },
    );
    const watchdog = setTimeout(() => instance.stop(), (options.duration + 30) * 1000);
  });
}

import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry, type Metric } from 'prom-client';
import { RequestHistogram } from './request-histogram.js';

const BOUNDS = [0.001, 0.005, 0.01, 0.1, 1];
const OBSERVATIONS: Array<[string, string, number, number]> = [
  ['GET', '/:actorId/properties/*', 200, 0.0004],
  ['GET', '/:actorId/properties/*', 200, 0.001], // on a bound: counted in that bucket
  ['GET', '/:actorId/properties/*', 200, 0.0072],
  ['GET', '/:actorId/properties/*', 401, 0.002],
  ['PUT', '/:actorId/properties/*', 204, 0.05],
  ['POST', 'unmatched', 404, 3.5], // above every bound: only +Inf
  ['GET', '/"quoted"\\path', 200, 0.2], // label values are escaped
];

/** The same observations through prom-client's own Histogram and through ours, as Prometheus would read them. */
async function both(): Promise<{ ours: Registry; theirs: Registry }> {
  const theirs = new Registry();
  const reference = new Histogram({
    name: 'requests_seconds',
    help: 'Requests',
    labelNames: ['method', 'route', 'status'],
    buckets: BOUNDS,
    registers: [theirs],
  });
  const ours = new Registry();
  const histogram = new RequestHistogram('requests_seconds', 'Requests', BOUNDS);
  ours.registerMetric(histogram as unknown as Metric);
  for (const [method, route, status, seconds] of OBSERVATIONS) {
    reference.observe({ method, route, status: String(status) }, seconds);
    histogram.observe(method, route, status, seconds);
  }
  return { ours, theirs };
}

describe('RequestHistogram', () => {
  it('exports exactly what a prom-client Histogram with the same observations exports', async () => {
    const { ours, theirs } = await both();
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain(
      'requests_seconds_bucket{le="0.001",method="GET",route="/:actorId/properties/*",status="200"} 2',
    );
    expect(text).toContain('requests_seconds_count{method="POST",route="unmatched",status="404"} 1');
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('starts empty again after reset', async () => {
    const { ours } = await both();
    (ours.getSingleMetric('requests_seconds') as unknown as RequestHistogram).reset();
    expect(await ours.metrics()).toBe(
      '# HELP requests_seconds Requests\n# TYPE requests_seconds histogram\n',
    );
  });
});

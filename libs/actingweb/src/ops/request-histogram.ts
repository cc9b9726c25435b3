/**
 * The request-duration histogram, kept in plain arrays and handed to
 * prom-client only when `/metrics` is scraped. prom-client's own
 * `Histogram.observe` validates and hashes the labels of every observation
 * (~0.7 µs, measured); here a request costs a map lookup and a bucket search
 * (~15 ns), which keeps metrics within their budget on the hottest routes
 * (docs/benchmarks.md). The exported series are exactly those a prom-client
 * `Histogram` with the same observations would export (request-histogram.spec.ts).
 */

/** One label set's counts: per bucket (not cumulative; the last slot is above every bound), sum, count. */
interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Float64Array;
  sum: number;
  count: number;
}

/** A value of prom-client's `MetricObjectWithValues` (what `Registry.metrics()` prints). */
interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  metricName: string;
  /** prom-client sets it on bucket lines (null without exemplars). */
  exemplar?: null;
}

export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  /** `seconds` for the request `method route status`. */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: { method, route, status: String(status) },
        buckets: new Float64Array(this.bounds.length + 1),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]) i++;
    series.buckets[i]++;
    series.sum += seconds;
    series.count++;
  }

  /** prom-client's text export reads this (labels of a series shared by its bucket lines). */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i];
        values.push({
          value: cumulative,
          labels: { le },
          sharedLabels: s.labels,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        });
      });
      values.push(
        {
          value: s.count,
          labels: { le: '+Inf' },
          sharedLabels: s.labels,
          metricName: `${this.name}_bucket`,
          exemplar: null,
        },
        { value: s.sum, labels: {}, sharedLabels: s.labels, metricName: `${this.name}_sum` },
        { value: s.count, labels: {}, sharedLabels: s.labels, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** prom-client's JSON export (`getMetricsAsJSON`) reads this: every label on each value. */
  async get(): Promise<Awaited<ReturnType<RequestHistogram['getForPromString']>>> {
    const metric = await this.getForPromString();
    metric.values = metric.values.map(({ sharedLabels, ...value }) => ({
      ...value,
      labels: { ...value.labels, ...sharedLabels },
    }));
    return metric;
  }

  reset(): void {
    this.series.clear();
  }
}

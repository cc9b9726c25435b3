import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Metric, Registry } from 'prom-client';
import { AwConfig } from '../config/aw-config.js';
import { AwProxy } from '../peers/aw-proxy.service.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import { CallbackDelivery, type DeliveryStats } from '../subscriptions/publisher/callback-delivery.service.js';
import { RequestHistogram } from './request-histogram.js';

type PromClient = typeof import('prom-client');

/** Seconds; from a fast SQLite read (~1 ms) to a slow peer (the default peer timeout is 5 s). */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const PEER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Route label of requests that matched no route (404s): keeps the label set bounded. */
const UNMATCHED = 'unmatched';

/**
 * The Prometheus metrics (`metrics` option, docs/operations.md). `prom-client`
 * is loaded only when metrics are enabled. Everything but the request
 * histogram is read when `/metrics` is scraped (the delivery counters, the
 * pool), so the request path only pays for one histogram observation, in
 * plain arrays (see RequestHistogram).
 *
 * Add your own metrics to {@link ActingWebMetrics.registry}; they are served
 * at the same path.
 *
 * @publicApi
 */
@Injectable()
export class ActingWebMetrics implements OnModuleInit {
  /** The registry served at `metrics.path`; undefined when metrics are off. */
  registry?: Registry;
  private readonly requests = new RequestHistogram(
    'actingweb_http_request_duration_seconds',
    'HTTP requests by method, route template and status (the _count series counts requests)',
    HTTP_BUCKETS,
  );

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.metrics.enabled) return;
    const prom = await loadPromClient();
    const registry = new prom.Registry();
    this.registry = registry;
    if (this.config.metrics.defaultMetrics) prom.collectDefaultMetrics({ register: registry });

    registry.registerMetric(this.requests as unknown as Metric);
    this.registerPeerCalls(prom, registry);
    this.registerDeliveries(prom, registry);
    this.registerPool(prom, registry);
  }

  /** Called once per answered request (Fastify `onResponse`). */
  observeRequest(method: string, route: string | undefined, status: number, milliseconds: number): void {
    this.requests.observe(method, route ?? UNMATCHED, status, milliseconds / 1000);
  }

  /** The text exposition format and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    const registry = this.registry!;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  private registerPeerCalls(prom: PromClient, registry: Registry): void {
    const calls = new prom.Histogram({
      name: 'actingweb_peer_request_duration_seconds',
      help: 'Calls to other actors (AwProxy) by method and outcome: status class (2xx, 4xx, ...) or timeout, unreachable, bad_gateway',
      labelNames: ['method', 'outcome'],
      buckets: PEER_BUCKETS,
      registers: [registry],
    });
    this.proxy.observeCalls(({ method, outcome, seconds }) => calls.observe({ method, outcome }, seconds));
  }

  /** Subscription callbacks, read from CallbackDelivery's own counters at scrape time. */
  private registerDeliveries(prom: PromClient, registry: Registry): void {
    const read = (key: keyof DeliveryStats): number => this.delivery.stats()[key];
    const counter = (name: string, help: string, key: keyof DeliveryStats) =>
      new prom.Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(read(key));
        },
      });
    const gauge = (name: string, help: string, key: keyof DeliveryStats) =>
      new prom.Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(key));
        },
      });
    counter('actingweb_callbacks_delivered_total', 'Subscription callbacks answered 2xx', 'delivered');
    counter(
      'actingweb_callback_attempts_failed_total',
      'Subscription callback attempts that failed (non-2xx, timeout, unreachable), retries included',
      'failed',
    );
    counter(
      'actingweb_callbacks_undelivered_total',
      'Subscription callbacks given up (failed, breaker open, paused, queue full, shutting down); the subscriber polls',
      'undelivered',
    );
    counter(
      'actingweb_callbacks_breaker_open_total',
      "Subscription callbacks not sent because the subscriber's circuit breaker was open",
      'breakerOpen',
    );
    gauge('actingweb_callbacks_pending', 'Subscription callbacks waiting or in flight', 'pending');
    gauge(
      'actingweb_callback_breakers_open',
      'Subscribers whose circuit breaker is open or half-open',
      'openBreakers',
    );
  }

  /** PostgreSQL only: SQLite has one connection and no pool. */
  private registerPool(prom: PromClient, registry: Registry): void {
    if (this.database.dialect !== 'postgres') return;
    const database = this.database;
    const max = this.config.storage.type === 'postgres' ? (this.config.storage.poolSize ?? 10) : 0;
    new prom.Gauge({
      name: 'actingweb_db_pool_connections',
      help: 'PostgreSQL pool connections by state (idle, in_use)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const pool = database.poolStats();
        this.set({ state: 'idle' }, pool?.idle ?? 0);
        this.set({ state: 'in_use' }, pool ? pool.total - pool.idle : 0);
      },
    });
    new prom.Gauge({
      name: 'actingweb_db_pool_waiting',
      help: 'Queries waiting for a PostgreSQL pool connection',
      registers: [registry],
      collect() {
        this.set(database.poolStats()?.waiting ?? 0);
      },
    });
    new prom.Gauge({
      name: 'actingweb_db_pool_max',
      help: 'PostgreSQL pool size (storage.poolSize)',
      registers: [registry],
      collect() {
        this.set(max);
      },
    });
  }
}

async function loadPromClient(): Promise<PromClient> {
  const module = (await import('prom-client')) as PromClient & { default?: PromClient };
  return module.default ?? module;
}

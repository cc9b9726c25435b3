import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { sql } from 'kysely';
import { AwConfig } from '../config/aw-config.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import { AwMigrationProvider } from '../storage/migrations/index.js';
import { failureReason } from '../storage/storage-startup-error.js';

/** One checked component. @publicApi */
export interface HealthIndicatorResult {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

/**
 * A health answer in the shape `@nestjs/terminus` uses (`status`, `info`,
 * `error`, `details`), so probes and dashboards written for it read ours too.
 *
 * @publicApi
 */
export interface HealthReport {
  status: 'ok' | 'error';
  /** The components that are up. */
  info: Record<string, HealthIndicatorResult>;
  /** The components that are down. */
  error: Record<string, HealthIndicatorResult>;
  /** All components. */
  details: Record<string, HealthIndicatorResult>;
}

/**
 * Liveness and readiness. Served at `health.livePath` / `health.readyPath`
 * when `health` is enabled, and injectable either way, e.g. to call
 * {@link ActingWebHealth.ready} from a terminus indicator of your own.
 *
 * @publicApi
 */
@Injectable()
export class ActingWebHealth implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ActingWebHealth');
  private expected?: Promise<string[]>;
  private closing = false;
  /** The last readiness failure logged, so a failing probe logs once, not every few seconds. */
  private lastFailure: string | null = null;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
  ) {}

  /** Live: the process runs and serves HTTP. Nothing external is checked, so a database outage never restarts the pod. */
  live(): HealthReport {
    return report({ process: { status: 'up', uptimeSeconds: Math.round(process.uptime()) } });
  }

  /**
   * Ready: the database answers within `health.timeoutMs` and every migration
   * this version knows is applied; not ready once the application is shutting
   * down, so load balancers stop sending traffic before the server closes.
   */
  async ready(): Promise<HealthReport> {
    const checks: Record<string, HealthIndicatorResult> = { database: await this.checkDatabase() };
    if (this.closing) checks.shutdown = { status: 'down', message: 'the application is shutting down' };
    const result = report(checks);
    const failure = result.status === 'ok' ? null : JSON.stringify(result.error);
    if (failure !== this.lastFailure) {
      if (failure) this.logger.warn(`Not ready: ${failure}`);
      else this.logger.log('Ready again');
      this.lastFailure = failure;
    }
    return result;
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  private async checkDatabase(): Promise<HealthIndicatorResult> {
    const dialect = this.database.dialect;
    try {
      const expected = await this.expectedMigrations();
      const { rows } = await withTimeout(
        // The migrator's bookkeeping table; on PostgreSQL the connection's search path finds it.
        sql<{ name: string }>`select name from aw_migrations`.execute(this.database.db),
        this.config.health.timeoutMs,
      );
      const applied = new Set(rows.map((r) => r.name));
      const pending = expected.filter((name) => !applied.has(name));
      if (pending.length > 0)
        return { status: 'down', dialect, message: `migrations not applied: ${pending.join(', ')}` };
      return { status: 'up', dialect, migrations: expected.length };
    } catch (err) {
      return { status: 'down', dialect, message: failureReason(err) };
    }
  }

  private expectedMigrations(): Promise<string[]> {
    this.expected ??= new AwMigrationProvider(this.database.dialect)
      .getMigrations()
      .then((migrations) => Object.keys(migrations).sort());
    return this.expected;
  }
}

function report(checks: Record<string, HealthIndicatorResult>): HealthReport {
  const info: Record<string, HealthIndicatorResult> = {};
  const error: Record<string, HealthIndicatorResult> = {};
  for (const [name, result] of Object.entries(checks)) (result.status === 'up' ? info : error)[name] = result;
  return { status: Object.keys(error).length === 0 ? 'ok' : 'error', info, error, details: checks };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { LoginSessionRepository } from './storage/login-session.repository.js';
import { OAuthClientRepository } from './storage/oauth-client.repository.js';
import { OAuthGrantRepository } from './storage/oauth-grant.repository.js';
import { ProviderLoginRepository } from './storage/provider-login.repository.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;
/** Dynamically registered clients nobody granted anything within a day are forgotten. */
const UNUSED_REGISTRATION_MS = 24 * 3600 * 1000;

/**
 * Removes what expired: codes, tokens, pending consents, ended sessions,
 * abandoned provider sign-ins, and registrations never used. Every instance runs it every 10 minutes; the
 * deletes are idempotent, so several instances on one database are fine.
 * Expired rows are refused when read anyway; this only keeps tables small.
 */
@Injectable()
export class IdentityMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ActingWebIdentity');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(OAuthGrantRepository) private readonly grants: OAuthGrantRepository,
    @Inject(LoginSessionRepository) private readonly sessions: LoginSessionRepository,
    @Inject(OAuthClientRepository) private readonly clients: OAuthClientRepository,
    @Inject(ProviderLoginRepository) private readonly providerLogins: ProviderLoginRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.identity) return;
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One purge run (also callable by tests and apps). */
  purge(): Promise<void> {
    this.running ??= this.purgeOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async purgeOnce(): Promise<void> {
    const identity = this.config.identity;
    if (!identity) return;
    const now = Date.now();
    try {
      await this.grants.purgeExpired(now);
      await this.sessions.purgeExpired(now, now - identity.session.idleTimeoutSeconds * 1000);
      await this.providerLogins.purgeExpiredStates(now);
      await this.clients.deleteUnusedRegistrations(new Date(now - UNUSED_REGISTRATION_MS).toISOString());
    } catch (err) {
      this.logger.warn(
        `Purging expired identity rows failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

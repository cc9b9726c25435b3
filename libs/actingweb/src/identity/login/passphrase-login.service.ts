import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { secretsEqual } from '../../auth/constant-time.js';
import { ForbiddenError, TooManyRequestsError } from '../../errors/actingweb.errors.js';
import { ActorRepository, type ActorRecord } from '../../storage/actor.repository.js';
import { RateLimiter } from './rate-limiter.js';

/** The wrong-credentials answer; the same whichever part was wrong. */
export class SignInRefusedError extends ForbiddenError {
  constructor(message = 'Wrong actor or passphrase') {
    super(message, 'bad_credentials');
  }
}

/**
 * Zero-setup sign-in: an actor id (or, when exactly one actor has it, a
 * creator) and the actor's passphrase, checked like Basic creator
 * credentials, in constant time. Rate-limited per client address and per
 * account (`identity.rateLimits.login`).
 */
@Injectable()
export class PassphraseLogin {
  private readonly byAddress: RateLimiter;
  private readonly byAccount: RateLimiter;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
  ) {
    const { max, windowSeconds } = config.identity?.rateLimits.login ?? { max: 10, windowSeconds: 300 };
    // One address may be a whole office behind NAT: it gets three accounts' worth.
    this.byAddress = new RateLimiter(max * 3, windowSeconds * 1000);
    this.byAccount = new RateLimiter(max, windowSeconds * 1000);
  }

  /** The actor signed in to; throws {@link SignInRefusedError} (403) or TooManyRequestsError (429). */
  async signIn(identifier: string, passphrase: string, clientAddress: string): Promise<ActorRecord> {
    if (!this.config.identity?.passphraseLogin)
      throw new SignInRefusedError('Passphrase sign-in is turned off');
    const account = identifier.trim();
    for (const [limiter, key] of [
      [this.byAddress, clientAddress],
      [this.byAccount, account.toLowerCase()],
    ] as const) {
      const verdict = limiter.hit(key);
      if (!verdict.allowed) {
        throw new TooManyRequestsError(
          'Too many sign-in attempts; wait a little and try again',
          'too_many_attempts',
          verdict.retryAfterSeconds,
        );
      }
    }
    const actor = await this.find(account);
    // Compare even when there is no actor, so the answer time does not say which part was wrong.
    const passphraseOk = secretsEqual(passphrase, actor?.passphrase ?? 'no actor: compare anyway');
    if (!actor || !passphraseOk || account === '') throw new SignInRefusedError();
    this.byAccount.reset(account.toLowerCase());
    return actor;
  }

  private async find(account: string): Promise<ActorRecord | null> {
    if (account === '') return null;
    const byId = await this.actors.findById(account);
    if (byId) return byId;
    const byCreator = await this.actors.findByCreator(account);
    if (byCreator.length > 1) {
      throw new SignInRefusedError('Several actors have this creator; sign in with the actor id');
    }
    return byCreator[0] ?? null;
  }
}

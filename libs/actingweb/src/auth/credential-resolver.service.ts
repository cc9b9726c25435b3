import { Inject, Injectable } from '@nestjs/common';
import { ANONYMOUS, type Caller } from '../common/caller.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { BearerTokenChain } from './bearer-token-chain.js';
import { secretsEqual } from './constant-time.js';

const CREATOR: Caller = Object.freeze({ kind: 'creator' });

/**
 * Turns an `Authorization` header into a {@link Caller} for one actor
 * (ActingWeb spec, "Authentication"). No header → anonymous. A header that resolves to
 * nothing → 403 (credentials present but wrong).
 *
 * Basic is `creator:passphrase`; Bearer tokens go through the
 * {@link BearerTokenChain} (built-in issuers, the application's resolver, the
 * trustee passphrase, trust secrets). Secrets are compared in constant time,
 * and trust secrets are looked up by digest, so one actor's credentials never
 * open another actor.
 */
@Injectable()
export class CredentialResolver {
  constructor(@Inject(BearerTokenChain) private readonly bearerTokens: BearerTokenChain) {}

  /** Synchronous for anonymous and Basic callers (the hot path); a Promise only when a lookup is needed. */
  resolve(actor: ActorRecord, authorization: string | undefined): Caller | Promise<Caller> {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();

    if (scheme === 'basic') return this.basic(actor, value);
    if (scheme === 'bearer' && value) return this.bearer(actor, value);
    throw new ForbiddenError('Unsupported or malformed credentials', 'bad_credentials');
  }

  private basic(actor: ActorRecord, encoded: string): Caller {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    // Evaluate both comparisons always, so timing does not tell which part was wrong.
    const userOk = secretsEqual(user, actor.creator);
    const passwordOk = secretsEqual(password, actor.passphrase);
    if (userOk && passwordOk) return CREATOR;
    throw new ForbiddenError('Wrong user name or passphrase', 'bad_credentials');
  }

  private async bearer(actor: ActorRecord, token: string): Promise<Caller> {
    const caller = await this.bearerTokens.resolve(actor, token);
    if (caller) return caller;
    throw new ForbiddenError('Unknown token', 'bad_credentials');
  }
}

import { Inject, Injectable, type FactoryProvider } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { BearerTokenResolver } from './bearer-token-resolver.js';
import { secretsEqual } from './constant-time.js';

const TRUSTEE: Caller = Object.freeze({ kind: 'trustee' });

/** Trustee passphrases must carry more than 80 bits: floor(len·log2(94)) > 80, i.e. 13+ characters (§1). */
export function hasTrusteeEntropy(passphrase: string): boolean {
  return Math.floor(passphrase.length * Math.log2(94)) > 80;
}

/**
 * The actor's passphrase as a Bearer token, when its creator is `trustee`,
 * a trustee root is set and the passphrase is strong enough (ActingWeb spec
 * §8.6). Compared in constant time.
 */
@Injectable()
export class TrusteePassphraseResolver extends BearerTokenResolver {
  resolve(actor: ActorRecord, token: string): Promise<Caller | null> {
    const trustee =
      actor.creator === 'trustee' &&
      actor.trusteeRoot !== null &&
      actor.trusteeRoot !== '' &&
      hasTrusteeEntropy(actor.passphrase) &&
      secretsEqual(token, actor.passphrase);
    return Promise.resolve(trustee ? TRUSTEE : null);
  }
}

/** One of this actor's trust secrets (looked up by digest, so one actor's secret never opens another). */
@Injectable()
export class TrustSecretResolver extends BearerTokenResolver {
  constructor(@Inject(TrustRepository) private readonly trusts: TrustRepository) {
    super();
  }

  async resolve(actor: ActorRecord, token: string): Promise<Caller | null> {
    const credential = await this.trusts.findCredential(actor.id, token);
    return credential ? { kind: 'peer', ...credential } : null;
  }
}

/**
 * The Bearer resolvers of actor routes, asked in order; the first that knows
 * the token decides who is calling:
 *
 * 1. tokens this library issues itself (the identity feature's access tokens,
 *    recognisable by their `awat_` prefix): none yet;
 * 2. the application's {@link BearerTokenResolver} (`bearerTokenResolver` option);
 * 3. the trustee passphrase ({@link TrusteePassphraseResolver});
 * 4. this actor's trust secrets ({@link TrustSecretResolver}).
 *
 * 2–4 is the Python reference's order. A built-in issuer goes first so that
 * its tokens cannot be claimed by anything else; it answers null for tokens
 * without its prefix. Add one in {@link bearerTokenChainProvider}.
 */
export class BearerTokenChain {
  constructor(readonly resolvers: readonly BearerTokenResolver[]) {}

  /** The caller of the first resolver that knows `token`, or null. */
  async resolve(actor: ActorRecord, token: string): Promise<Caller | null> {
    for (const resolver of this.resolvers) {
      const caller = await resolver.resolve(actor, token);
      if (caller) return caller;
    }
    return null;
  }
}

/** Assembles the {@link BearerTokenChain} in the documented order (the application's resolver is optional). */
export const bearerTokenChainProvider: FactoryProvider<BearerTokenChain> = {
  provide: BearerTokenChain,
  useFactory: (
    application: BearerTokenResolver | undefined,
    trustee: TrusteePassphraseResolver,
    trustSecrets: TrustSecretResolver,
  ) => new BearerTokenChain([application, trustee, trustSecrets].filter((r) => r !== undefined)),
  inject: [{ token: BearerTokenResolver, optional: true }, TrusteePassphraseResolver, TrustSecretResolver],
};

import { Inject, Injectable, type FactoryProvider } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { BearerTokenResolver } from './bearer-token-resolver.js';
import { secretsEqual } from './constant-time.js';
import { IssuedAccessTokens } from './issued-access-tokens.js';

const TRUSTEE: Caller = Object.freeze({ kind: 'trustee' });

/** Trustee passphrases must carry more than 80 bits: floor(len·log2(94)) > 80, i.e. 13+ characters. */
export function hasTrusteeEntropy(passphrase: string): boolean {
  return Math.floor(passphrase.length * Math.log2(94)) > 80;
}

/**
 * The library's own access tokens ({@link IssuedAccessTokens}) on an actor
 * route: claimed, so no later resolver can take them, and refused (403), as
 * they open only MCP endpoints (`McpAuthenticator` checks them there first).
 */
export class IssuedTokenRefusal extends BearerTokenResolver {
  constructor(private readonly issued: IssuedAccessTokens) {
    super();
  }

  resolve(_actor: ActorRecord, token: string): Promise<Caller | null> {
    if (!this.issued.recognizes(token)) return Promise.resolve(null);
    return Promise.reject(
      new ForbiddenError('OAuth access tokens are accepted only at MCP endpoints', 'bad_credentials'),
    );
  }
}

/**
 * The actor's passphrase as a Bearer token, when its creator is `trustee`,
 * a trustee root is set and the passphrase is strong enough (ActingWeb spec,
 * "Using a Trustee To Manage Relationships"). Compared in constant time.
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
 * 1. tokens this library issues itself (the identity feature's OAuth
 *    credentials, `awat_` prefix): refused here ({@link IssuedTokenRefusal});
 * 2. the application's {@link BearerTokenResolver} (`bearerTokenResolver` option);
 * 3. the trustee passphrase ({@link TrusteePassphraseResolver});
 * 4. this actor's trust secrets ({@link TrustSecretResolver}).
 *
 * 2–4 is the Python reference's order. A built-in issuer goes first so that
 * its tokens cannot be claimed by anything else; it answers null for tokens
 * without its prefix, and for every token while identity is off. The chain is
 * assembled in {@link bearerTokenChainProvider}.
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

/**
 * Assembles the {@link BearerTokenChain} in the documented order. The
 * application's resolver is optional; so are the issued tokens, which the
 * identity feature provides (its `IdentityTokensModule` is global, as auth/
 * sits below identity/ and cannot import it).
 */
export const bearerTokenChainProvider: FactoryProvider<BearerTokenChain> = {
  provide: BearerTokenChain,
  useFactory: (
    issued: IssuedAccessTokens | undefined,
    application: BearerTokenResolver | undefined,
    trustee: TrusteePassphraseResolver,
    trustSecrets: TrustSecretResolver,
  ) =>
    new BearerTokenChain(
      [issued && new IssuedTokenRefusal(issued), application, trustee, trustSecrets].filter(
        (r) => r !== undefined,
      ),
    ),
  inject: [
    { token: IssuedAccessTokens, optional: true },
    { token: BearerTokenResolver, optional: true },
    TrusteePassphraseResolver,
    TrustSecretResolver,
  ],
};

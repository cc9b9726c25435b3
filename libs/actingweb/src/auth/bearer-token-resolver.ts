import type { Caller } from '../common/caller.js';
import type { ActorRecord } from '../storage/actor.repository.js';

/**
 * Port for Bearer tokens on actor routes that are neither the trustee
 * passphrase nor a trust secret, e.g. access tokens of your own OAuth2
 * server. Supply one with the `bearerTokenResolver` option of
 * `ActingWebModule.forRoot()`/`forRootAsync()`; it is asked before the
 * built-in checks (see `BearerTokenChain` for the order) and returns null for
 * tokens that are not its kind. It is also the token type to inject the
 * application's resolver by.
 *
 * ```ts
 * class MyTokens extends BearerTokenResolver {
 *   async resolve(actor: ActorRecord, token: string): Promise<Caller | null> {
 *     return (await lookUp(token))?.actorId === actor.id ? { kind: 'creator' } : null;
 *   }
 * }
 * ```
 *
 * @publicApi
 */
export abstract class BearerTokenResolver {
  /** The caller `token` authenticates at `actor`, or null when the token is not this resolver's. */
  abstract resolve(actor: ActorRecord, token: string): Promise<Caller | null>;
}

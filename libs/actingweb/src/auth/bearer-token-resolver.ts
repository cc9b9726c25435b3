import type { ActorRecord } from '../storage/actor.repository.js';
import type { Caller } from '../common/caller.js';

/**
 * A port for Bearer tokens that are neither the trustee passphrase nor a trust
 * secret, e.g. OAuth2/MCP access tokens. Provide one under this token to plug
 * it in; it is asked first, and returns null when the token is not its kind.
 *
 * @publicApi
 */
export interface BearerTokenResolver {
  resolve(actor: ActorRecord, token: string): Promise<Caller | null>;
}

/** Injection token for an optional {@link BearerTokenResolver}. @publicApi */
export const BEARER_TOKEN_RESOLVER = Symbol('ACTINGWEB_BEARER_TOKEN_RESOLVER');

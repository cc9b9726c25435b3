import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../auth/caller.js';
import { TrustRepository } from '../storage/trust.repository.js';

/** What a Bearer token presented at the root `/mcp` resolves to. @publicApi */
export interface McpTokenBinding {
  /** The one actor the token belongs to. */
  readonly actorId: string;
  /** Who the token authenticates at that actor (a trust peer, or the creator for an OAuth login). */
  readonly caller: Caller;
}

/**
 * A port for the root `/mcp` endpoint, where the Bearer token alone selects
 * the actor (as in the Python reference). The default implementation looks the
 * token up as a trust secret across all actors; an OAuth2 server provides its
 * own under {@link MCP_TOKEN_RESOLVER}. Return null for tokens you do not know
 * (the request then gets 401).
 *
 * The per-actor endpoint `/{actorId}/mcp` does not use this port: there the
 * actor is known, and credentials go through the same `CredentialResolver`
 * (and its `BEARER_TOKEN_RESOLVER` port) as every other actor route.
 *
 * @publicApi
 */
export interface McpTokenResolver {
  resolve(token: string): Promise<McpTokenBinding | null>;
}

/** Injection token for a custom {@link McpTokenResolver}. @publicApi */
export const MCP_TOKEN_RESOLVER = Symbol('ACTINGWEB_MCP_TOKEN_RESOLVER');

/**
 * Default {@link McpTokenResolver}: the token is a trust secret (e.g. of an
 * `mcp_client` trust), found by digest among every actor's trusts. A secret
 * that opens no trust, or more than one, resolves to nothing.
 */
@Injectable()
export class TrustSecretMcpTokenResolver implements McpTokenResolver {
  constructor(@Inject(TrustRepository) private readonly trusts: TrustRepository) {}

  async resolve(token: string): Promise<McpTokenBinding | null> {
    const matches = await this.trusts.findBySecretAnyActor(token);
    if (matches.length !== 1) return null;
    const { actorId, peerId, relationship, approved } = matches[0];
    return { actorId, caller: { kind: 'peer', peerId, relationship, approved } };
  }
}

/**
 * A port for OAuth access tokens issued to MCP clients (the identity
 * module's authorization server provides it; `docs/identity.md`). Such a
 * token opens only the MCP endpoints of its own actor: `McpAuthenticator`
 * asks this port first for tokens it {@link recognizes}, and
 * `CredentialResolver` refuses those tokens on every other actor route.
 *
 * @publicApi
 */
export abstract class McpAccessTokenVerifier {
  /** Whether `token` has this verifier's format (no I/O); such tokens are never tried as trust secrets. */
  abstract recognizes(token: string): boolean;
  /**
   * The binding of `token` presented at the MCP endpoint of `actorId`
   * (undefined: the root `/mcp`), or null when it is unknown, expired,
   * revoked, or bound to another actor.
   */
  abstract verify(token: string, actorId: string | undefined): Promise<McpTokenBinding | null>;
}

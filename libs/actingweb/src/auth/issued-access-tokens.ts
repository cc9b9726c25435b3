import type { Caller } from '../common/caller.js';

/** What an access token of the library's own opens: one actor's MCP endpoints, as this caller. */
export interface IssuedTokenBinding {
  readonly actorId: string;
  readonly caller: Caller;
}

/**
 * Access tokens the library issues itself: the identity feature's OAuth
 * access tokens for MCP clients (prefix `awat_`, `docs/identity.md`). They
 * open the MCP endpoints of their own actor and nothing else, so they sit at
 * the front of both token chains, where nothing after them can claim them:
 *
 * - `BearerTokenChain` (every actor route): refused with 403;
 * - `McpTokenChain` (`/mcp`, and `/{actorId}/mcp` before the actor-route
 *   credentials): verified, and bound to their actor.
 *
 * Not a port: applications bring tokens of their own with
 * `BearerTokenResolver` and `McpTokenResolver`. The identity feature provides
 * it (`identity/identity-tokens.module.ts`); with identity off it recognizes
 * nothing, and the chains behave as if it were not there.
 */
export abstract class IssuedAccessTokens {
  /** Whether `token` has the format of the library's OAuth credentials (no I/O). */
  abstract recognizes(token: string): boolean;
  /**
   * The binding of a recognized token presented at the MCP endpoint of
   * `actorId` (undefined: the root `/mcp`), or null when it is no access
   * token, or is unknown, expired, revoked, or bound to another actor.
   */
  abstract verify(token: string, actorId: string | undefined): Promise<IssuedTokenBinding | null>;
}

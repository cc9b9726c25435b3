import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { CredentialResolver } from '../auth/credential-resolver.service.js';
import { AwConfig } from '../config/aw-config.js';
import { MCP_SCOPE } from '../config/identity-options.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import { ActorRepository, type ActorRecord } from '../storage/actor.repository.js';
import { JSONRPC_ERRORS, JsonRpcError, toJsonRpcError } from '../common/json-rpc.js';
import { PermissionGate } from '../permissions/permission-gate.js';
import { McpTokenChain } from './mcp-token-resolver.js';

/** An authenticated MCP request: the one actor it is bound to, and who calls. */
export interface McpPrincipal {
  readonly actor: ActorRecord;
  /** `creator` or `trustee` (everything), or an approved trust `peer` (filtered by its permissions). */
  readonly caller: Caller;
}

/**
 * Binds an MCP request to exactly one actor and a caller (docs/mcp.md#point-an-mcp-client-at-it).
 *
 * - `/{actorId}/mcp`: the actor comes from the path. An OAuth access token of
 *   the library's own (identity, `docs/identity.md`) is verified by the
 *   {@link McpTokenChain}; other credentials are checked by the same
 *   `CredentialResolver` as every actor route: Basic `creator:passphrase`, a
 *   trust secret as Bearer (e.g. an `mcp_client` trust), the trustee
 *   passphrase, or a token of the application's `bearerTokenResolver`. A
 *   credential of another actor opens nothing here: 401 `invalid_token`.
 * - `/mcp`: only a Bearer token, resolved by the {@link McpTokenChain} (the
 *   library's own tokens, then the `McpTokenResolver` port) to exactly one actor.
 *
 * No credentials → 401 with a Bearer challenge naming the protected-resource
 * metadata; wrong ones → 401 `invalid_token`; an unapproved trust → 403.
 */
@Injectable()
export class McpAuthenticator {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(CredentialResolver) private readonly credentials: CredentialResolver,
    @Inject(McpTokenChain) private readonly tokens: McpTokenChain,
  ) {}

  /** The actor of a per-actor endpoint; 404 (as a JSON-RPC error) when there is none. */
  async actorAt(actorId: string): Promise<ActorRecord> {
    const actor = await this.actors.findById(actorId);
    if (!actor) throw new JsonRpcError(JSONRPC_ERRORS.SERVER_ERROR, 'Actor not found', 404);
    return actor;
  }

  /**
   * The principal of a request, or null when it carries no credentials.
   * `actor` is the path's actor (per-actor endpoint) or undefined (root `/mcp`).
   */
  async authenticate(
    actor: ActorRecord | undefined,
    authorization: string | undefined,
  ): Promise<McpPrincipal | null> {
    if (authorization === undefined || authorization.trim() === '') return null;
    const principal = actor ? await this.atActor(actor, authorization) : await this.atRoot(authorization);
    const { caller } = principal;
    try {
      PermissionGate.assertApproved(caller); // MCP opens nothing to a pending trust
    } catch (err) {
      throw toJsonRpcError(err, 'auth');
    }
    if (caller.kind !== 'creator' && caller.kind !== 'trustee' && caller.kind !== 'peer') {
      throw this.invalidToken(actor?.id, 'These credentials cannot be used for MCP');
    }
    return principal;
  }

  /** The 401 for a request without credentials. */
  authenticationRequired(actorId: string | undefined): JsonRpcError {
    return new JsonRpcError(
      JSONRPC_ERRORS.AUTH_REQUIRED,
      'Authentication required for MCP access',
      401,
      undefined,
      {
        'WWW-Authenticate':
          `Bearer realm="ActingWeb MCP", resource_metadata="${this.resourceMetadataUrl(actorId)}"` +
          (this.config.identity ? `, scope="${MCP_SCOPE}"` : ''), // the scope to ask the authorization server for
      },
    );
  }

  /** `<root>.well-known/oauth-protected-resource/[<actorId>/]mcp` (RFC 9728, path-inserted). */
  resourceMetadataUrl(actorId: string | undefined): string {
    return `${this.config.root}.well-known/oauth-protected-resource/${actorId ? `${actorId}/` : ''}mcp`;
  }

  /** The MCP endpoint URL (the protected resource). */
  endpointUrl(actorId: string | undefined): string {
    return `${this.config.root}${actorId ? `${actorId}/` : ''}mcp`;
  }

  private async atActor(actor: ActorRecord, authorization: string): Promise<McpPrincipal> {
    const token = bearerToken(authorization);
    if (token !== null && this.tokens.isIssued(token)) {
      const binding = await this.tokens.resolveIssuedAt(actor.id, token);
      if (!binding)
        throw this.invalidToken(
          actor.id,
          'The access token is invalid, expired, revoked, or for another actor',
        );
      return { actor, caller: binding.caller };
    }
    try {
      return { actor, caller: await this.credentials.resolve(actor, authorization) };
    } catch (err) {
      if (err instanceof ForbiddenError)
        throw this.invalidToken(actor.id, 'Invalid credentials for this actor');
      throw err;
    }
  }

  private async atRoot(authorization: string): Promise<McpPrincipal> {
    const token = bearerToken(authorization);
    if (token === null) {
      throw this.invalidToken(
        undefined,
        'Only Bearer tokens are accepted at /mcp; use /{actorId}/mcp for Basic credentials',
      );
    }
    const binding = await this.tokens.resolve(token);
    const actor = binding ? await this.actors.findById(binding.actorId) : null;
    if (!binding || !actor) throw this.invalidToken(undefined, 'Unknown token');
    return { actor, caller: binding.caller };
  }

  private invalidToken(actorId: string | undefined, description: string): JsonRpcError {
    return new JsonRpcError(JSONRPC_ERRORS.AUTH_REQUIRED, description, 401, undefined, {
      'WWW-Authenticate':
        `Bearer realm="ActingWeb MCP", error="invalid_token", error_description="${description}", ` +
        `resource_metadata="${this.resourceMetadataUrl(actorId)}"`,
    });
  }
}

/** The token of a `Bearer` header, or null for any other scheme or an empty token. */
function bearerToken(authorization: string): string | null {
  const space = authorization.indexOf(' ');
  const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
  const token = space < 0 ? '' : authorization.slice(space + 1).trim();
  return scheme === 'bearer' && token !== '' ? token : null;
}

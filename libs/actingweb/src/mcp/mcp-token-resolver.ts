import { Inject, Injectable, type FactoryProvider } from '@nestjs/common';
import { IssuedAccessTokens } from '../auth/issued-access-tokens.js';
import type { Caller } from '../common/caller.js';
import { TrustRepository } from '../storage/trust.repository.js';

/** What a Bearer token presented at the root `/mcp` resolves to. @publicApi */
export interface McpTokenBinding {
  /** The one actor the token belongs to. */
  readonly actorId: string;
  /** Who the token authenticates at that actor (a trust peer, or the creator for an OAuth login). */
  readonly caller: Caller;
}

/**
 * Port for the root `/mcp` endpoint, where the Bearer token alone selects the
 * actor (as in the Python reference). By default the token is looked up as a
 * trust secret across all actors; an OAuth2 server supplies its own with the
 * `mcpTokenResolver` option of `ActingWebModule.forRoot()`/`forRootAsync()`,
 * which then replaces the default. Return null for tokens you do not know
 * (the request then gets 401).
 *
 * The per-actor endpoint `/{actorId}/mcp` does not use this port: there the
 * actor is known, and credentials go through the same checks (and the
 * `bearerTokenResolver` port) as every other actor route.
 *
 * @publicApi
 */
export abstract class McpTokenResolver {
  abstract resolve(token: string): Promise<McpTokenBinding | null>;
}

/**
 * Default {@link McpTokenResolver}: the token is a trust secret (e.g. of an
 * `mcp_client` trust), found by digest among every actor's trusts. A secret
 * that opens no trust, or more than one, resolves to nothing.
 */
@Injectable()
export class TrustSecretMcpTokenResolver extends McpTokenResolver {
  constructor(@Inject(TrustRepository) private readonly trusts: TrustRepository) {
    super();
  }

  async resolve(token: string): Promise<McpTokenBinding | null> {
    const matches = await this.trusts.findBySecretAnyActor(token);
    if (matches.length !== 1) return null;
    const { actorId, peerId, relationship, approved } = matches[0];
    return { actorId, caller: { kind: 'peer', peerId, relationship, approved } };
  }
}

/**
 * The resolvers of MCP Bearer tokens, asked in order; the first binding wins:
 *
 * 1. tokens this library issues itself (the identity feature's OAuth access
 *    tokens, `awat_` prefix; {@link IssuedAccessTokens}): when it recognizes
 *    a token, its answer is final, so nothing else can claim it;
 * 2. the application's {@link McpTokenResolver} (`mcpTokenResolver` option),
 *    or else the trust-secret lookup ({@link TrustSecretMcpTokenResolver}).
 *
 * {@link resolve} is the root `/mcp`, where the token selects the actor. At
 * `/{actorId}/mcp` only the first slot applies ({@link resolveIssuedAt});
 * other credentials go through the actor-route checks (`CredentialResolver`).
 */
export class McpTokenChain {
  constructor(
    readonly resolvers: readonly McpTokenResolver[],
    private readonly issued?: IssuedAccessTokens,
  ) {}

  /** Whether `token` is one of the library's own (then only this chain decides it, never the actor-route checks). */
  isIssued(token: string): boolean {
    return this.issued?.recognizes(token) ?? false;
  }

  /** The binding of a root `/mcp` token, or null. */
  async resolve(token: string): Promise<McpTokenBinding | null> {
    if (this.isIssued(token)) return this.issued!.verify(token, undefined);
    for (const resolver of this.resolvers) {
      const binding = await resolver.resolve(token);
      if (binding) return binding;
    }
    return null;
  }

  /** The binding of a token the library issued, at the MCP endpoint of `actorId`; null when it does not open it. */
  resolveIssuedAt(actorId: string, token: string): Promise<McpTokenBinding | null> {
    return this.isIssued(token) ? this.issued!.verify(token, actorId) : Promise.resolve(null);
  }
}

/**
 * Assembles the {@link McpTokenChain} in the documented order. The issued
 * tokens come from the identity feature (global `IdentityTokensModule`, as
 * mcp/ sits below identity/).
 */
export const mcpTokenChainProvider: FactoryProvider<McpTokenChain> = {
  provide: McpTokenChain,
  useFactory: (
    issued: IssuedAccessTokens | undefined,
    application: McpTokenResolver | undefined,
    trustSecrets: TrustSecretMcpTokenResolver,
  ) => new McpTokenChain([application ?? trustSecrets], issued),
  inject: [
    { token: IssuedAccessTokens, optional: true },
    { token: McpTokenResolver, optional: true },
    TrustSecretMcpTokenResolver,
  ],
};

import { Global, Module } from '@nestjs/common';
import { IssuedAccessTokens } from '../auth/issued-access-tokens.js';
import { StorageModule } from '../storage/storage.module.js';
import { OAuthAccessTokenVerifier } from './oauth/oauth-access-token.verifier.js';
import { OAuthGrantRepository } from './storage/oauth-grant.repository.js';

/**
 * The identity feature's access tokens as {@link IssuedAccessTokens}, the
 * front slot of the Bearer and MCP token chains (`auth/bearer-token-chain.ts`,
 * `mcp/mcp-token-resolver.ts`). Global because those chains are built in
 * `AuthModule` and `McpModule`, which sit below identity/ and cannot import
 * it. It exports nothing public: the verifier under its internal token, and
 * the grant repository that `IdentityModule` shares with it.
 */
@Global()
@Module({
  imports: [StorageModule],
  providers: [OAuthGrantRepository, { provide: IssuedAccessTokens, useClass: OAuthAccessTokenVerifier }],
  exports: [IssuedAccessTokens, OAuthGrantRepository],
})
export class IdentityTokensModule {}

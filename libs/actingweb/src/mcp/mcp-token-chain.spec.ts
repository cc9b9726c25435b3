import { describe, expect, it } from '@jest/globals';
import { IssuedAccessTokens, type IssuedTokenBinding } from '../auth/issued-access-tokens.js';
import {
  McpTokenChain,
  mcpTokenChainProvider,
  McpTokenResolver,
  type McpTokenBinding,
  type TrustSecretMcpTokenResolver,
} from './mcp-token-resolver.js';

/** Identity's tokens: `awat_alice` opens alice's MCP endpoints; others are unknown. */
class Issued extends IssuedAccessTokens {
  constructor(private readonly on = true) {
    super();
  }
  recognizes(token: string): boolean {
    return this.on && token.startsWith('awat_');
  }
  verify(token: string, actorId: string | undefined): Promise<IssuedTokenBinding | null> {
    const bound = token === 'awat_alice' && (actorId === undefined || actorId === 'alice');
    return Promise.resolve(bound ? { actorId: 'alice', caller: { kind: 'creator' } } : null);
  }
}

class Application extends McpTokenResolver {
  readonly asked: string[] = [];
  resolve(token: string): Promise<McpTokenBinding | null> {
    this.asked.push(token);
    return Promise.resolve({ actorId: 'bob', caller: { kind: 'creator' } });
  }
}

const trustSecrets = { resolve: () => Promise.resolve(null) } as unknown as TrustSecretMcpTokenResolver;
const chain = (issued: IssuedAccessTokens | undefined, application: Application) =>
  mcpTokenChainProvider.useFactory(issued, application, trustSecrets) as McpTokenChain;

describe('McpTokenChain', () => {
  it("decides the library's own tokens alone at root /mcp: the application's resolver never sees them", async () => {
    const application = new Application();
    const tokens = chain(new Issued(), application);
    await expect(tokens.resolve('awat_alice')).resolves.toEqual({
      actorId: 'alice',
      caller: { kind: 'creator' },
    });
    await expect(tokens.resolve('awat_unknown')).resolves.toBeNull();
    expect(application.asked).toEqual([]);
    await expect(tokens.resolve('other')).resolves.toMatchObject({ actorId: 'bob' });
    expect(application.asked).toEqual(['other']);
  });

  it('binds them to their actor at /{actorId}/mcp', async () => {
    const tokens = chain(new Issued(), new Application());
    expect(tokens.isIssued('awat_alice')).toBe(true);
    expect(tokens.isIssued('trust-secret')).toBe(false);
    await expect(tokens.resolveIssuedAt('alice', 'awat_alice')).resolves.toMatchObject({ actorId: 'alice' });
    await expect(tokens.resolveIssuedAt('bob', 'awat_alice')).resolves.toBeNull();
  });

  it('is the application resolver alone while identity is off or absent', async () => {
    for (const issued of [new Issued(false), undefined]) {
      const application = new Application();
      const tokens = chain(issued, application);
      expect(tokens.isIssued('awat_alice')).toBe(false);
      await expect(tokens.resolve('awat_alice')).resolves.toMatchObject({ actorId: 'bob' });
      expect(application.asked).toEqual(['awat_alice']);
    }
  });
});

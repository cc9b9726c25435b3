import { describe, expect, it } from '@jest/globals';
import { isLoopbackHost, redirectUriProblem, resolveIdentityOptions } from './identity-options.js';

const KNOWN = new Set(['mcp_client', 'viewer', 'friend']);

describe('resolveIdentityOptions', () => {
  it('is off when the block is absent or disabled', () => {
    const problems: string[] = [];
    expect(resolveIdentityOptions(undefined, 'https://x.example/', KNOWN, problems)).toBeNull();
    expect(resolveIdentityOptions({ enabled: false }, 'https://x.example/', KNOWN, problems)).toBeNull();
    expect(problems).toEqual([]);
  });

  it('fills the defaults; the issuer is the root without its slash; https means secure cookies', () => {
    const problems: string[] = [];
    const resolved = resolveIdentityOptions({}, 'https://x.example/base/', KNOWN, problems)!;
    expect(problems).toEqual([]);
    expect(resolved).toMatchObject({
      issuer: 'https://x.example/base',
      passphraseLogin: true,
      providers: [],
      autoCreateActor: true,
      secureCookies: true,
      session: { idleTimeoutSeconds: 28800, maxAgeSeconds: 604800 },
      mcp: {
        allowedTrustTypes: ['mcp_client'],
        accessTokenTtlSeconds: 3600,
        refreshTokenTtlSeconds: 2592000,
        refreshReuseGraceSeconds: 60,
        authorizationCodeTtlSeconds: 60,
        clients: [],
        dynamicRegistration: true,
        clientMetadataDocuments: { enabled: true, ca: [] },
      },
      rateLimits: {
        login: { max: 10, windowSeconds: 300 },
        registration: { max: 20, windowSeconds: 600 },
        signUp: { max: 10, windowSeconds: 3600 },
      },
    });
    expect(resolveIdentityOptions({}, 'http://localhost:3000/', KNOWN, [])!.secureCookies).toBe(false);
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    resolveIdentityOptions(
      {
        passphraseLogin: 'yes' as never,
        session: { idleTimeoutSeconds: 5 },
        mcp: {
          allowedTrustTypes: ['admin-of-everything'],
          accessTokenTtlSeconds: 0,
          clients: [
            { clientId: 'https://x.example/c.json', clientName: 'A', redirectUris: ['https://a.example/cb'] },
            {
              clientId: 'b',
              clientName: '',
              redirectUris: ['http://evil.example/cb'],
              clientSecret: 'short',
            },
          ],
          clientMetadataDocuments: { ca: ['not a certificate'] },
        },
        rateLimits: { login: { max: 0, windowSeconds: 10 }, signUp: { max: 1 } as never },
        providers: 'google' as never,
        autoCreateActor: 'yes' as never,
      },
      'https://x.example/',
      KNOWN,
      problems,
    );
    expect(problems).toEqual([
      expect.stringContaining('identity.mcp.allowedTrustTypes'),
      expect.stringContaining('identity.mcp.clientMetadataDocuments.ca'),
      expect.stringContaining('identity.passphraseLogin'),
      expect.stringContaining('identity.providers must be a list'),
      expect.stringContaining('identity.autoCreateActor'),
      expect.stringContaining('identity.session.idleTimeoutSeconds'),
      expect.stringContaining('identity.mcp.accessTokenTtlSeconds'),
      expect.stringContaining('identity.mcp.clients[0].clientId must not be a URL'),
      expect.stringContaining('identity.mcp.clients[1].clientName'),
      expect.stringContaining('identity.mcp.clients[1].redirectUris'),
      expect.stringContaining('identity.mcp.clients[1].clientSecret'),
      expect.stringContaining('identity.rateLimits.login'),
      expect.stringContaining('identity.rateLimits.signUp'),
    ]);
  });
});

describe('redirectUriProblem', () => {
  it('accepts https, loopback http and private-use schemes', () => {
    for (const uri of [
      'https://claude.ai/api/mcp/auth_callback',
      'http://localhost/callback',
      'http://127.0.0.1:33418/cb',
      'http://[::1]:8080/cb',
      'com.example.app:/oauth/callback',
      'cursor.app://anysphere.cursor-retrieval/oauth/callback',
    ]) {
      expect({ uri, problem: redirectUriProblem(uri) }).toEqual({ uri, problem: null });
    }
  });

  it('refuses http elsewhere, fragments, relative URIs and scripts', () => {
    for (const uri of [
      'http://example.com/cb',
      'https://a.example/cb#x',
      '/cb',
      'javascript:alert(1)',
      'data:text/html,x',
    ]) {
      expect({ uri, refused: redirectUriProblem(uri) !== null }).toEqual({ uri, refused: true });
    }
  });

  it('knows the loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.8.9.1', '[::1]', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['localhost.example.com', '10.0.0.1', '128.0.0.1', '::2'].some(isLoopbackHost)).toBe(false);
  });
});

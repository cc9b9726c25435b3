import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import { startMetadataDocumentServer, TestBrowser, type MetadataDocumentServer } from './support/oauth-browser.js';
import {
  authorizeUrl,
  createActor,
  database,
  identityServerOptions,
  mcpToolsList,
  obtainTokens,
  pkce,
  registerClient,
  sha256Hex,
  tokenRequest,
  type TestActor,
} from './support/identity-fixtures.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const REDIRECT = 'http://127.0.0.1:8123/callback';

/** The OAuth 2.1 authorization server for MCP clients, over raw HTTP (docs/identity.md). */
describe.each(STORAGES)('OAuth authorization server on $name', (storage) => {
  let server: TestServer;
  let documents: MetadataDocumentServer;
  let alice: TestActor;
  let bob: TestActor;
  let issuer: string;

  beforeAll(async () => {
    documents = await startMetadataDocumentServer();
    server = await startFreshServer(storage, identityServerOptions(), { providers: [McpFixtureHooks] });
    issuer = server.url.replace(/\/$/, '');
    alice = await createActor(server, 'alice@example.com');
    bob = await createActor(server, 'bob@example.com');
  });
  afterAll(async () => {
    await server.close();
    await documents.close();
  });

  const mcpOf = (actor: TestActor) => `${server.url}${actor.id}/mcp`;
  const publicClient = async (redirectUris = [REDIRECT]) => {
    const registered = await registerClient(server, {
      client_name: 'Raw test client',
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    return { clientId: registered.client_id as string, redirectUri: redirectUris[0] };
  };

  describe('discovery', () => {
    it('answers an MCP call without credentials with 401 naming the resource metadata and the scope', async () => {
      for (const [url, metadata] of [
        [`${server.url}mcp`, `${server.url}.well-known/oauth-protected-resource/mcp`],
        [mcpOf(alice), `${server.url}.well-known/oauth-protected-resource/${alice.id}/mcp`],
      ]) {
        const res = await call(url, {
          method: 'POST',
          headers: { 'mcp-protocol-version': '2025-11-25' },
          body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe(
          `Bearer realm="ActingWeb MCP", resource_metadata="${metadata}", scope="mcp"`,
        );
      }
    });

    it('serves protected-resource metadata naming this server as authorization server', async () => {
      const root = await call(`${server.url}.well-known/oauth-protected-resource/mcp`);
      expect(root.json).toEqual({
        resource: `${server.url}mcp`,
        authorization_servers: [issuer],
        scopes_supported: ['mcp'],
        bearer_methods_supported: ['header'],
        resource_name: 'actingweb',
      });
      const fallback = await call(`${server.url}.well-known/oauth-protected-resource`);
      expect(fallback.status).toBe(200);
      expect(fallback.json).toEqual(root.json);
      expect(fallback.headers.get('access-control-allow-origin')).toBe('*');
      const perActor = await call(`${server.url}.well-known/oauth-protected-resource/${alice.id}/mcp`);
      expect(perActor.json).toMatchObject({ resource: mcpOf(alice), authorization_servers: [issuer] });
    });

    it('serves the same authorization-server metadata at both well-known names', async () => {
      const oauth = await call(`${server.url}.well-known/oauth-authorization-server`);
      const openid = await call(`${server.url}.well-known/openid-configuration`);
      expect(oauth.status).toBe(200);
      expect(openid.json).toEqual(oauth.json);
      expect(oauth.json).toEqual({
        issuer,
        authorization_endpoint: `${server.url}oauth/authorize`,
        token_endpoint: `${server.url}oauth/token`,
        registration_endpoint: `${server.url}oauth/register`,
        revocation_endpoint: `${server.url}oauth/revoke`,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
        revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['mcp'],
        client_id_metadata_document_supported: true,
        authorization_response_iss_parameter_supported: true,
      });
      expect(oauth.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('answers CORS preflights of the token endpoint', async () => {
      const res = await call(`${server.url}oauth/token`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    });
  });

  describe('the authorization code flow', () => {
    it('signs in, asks consent, redirects with code, state and iss, and issues opaque tokens for MCP', async () => {
      const client = await publicClient();
      const { verifier, challenge } = pkce();
      const browser = new TestBrowser(server.url);
      const callback = await browser.authorize(
        authorizeUrl(server, { ...client, challenge, state: 'xyz-state', resource: mcpOf(alice) }),
        { credentials: { actor: alice.id, passphrase: alice.passphrase } },
      );
      expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
      expect(callback.searchParams.get('state')).toBe('xyz-state');
      expect(callback.searchParams.get('iss')).toBe(issuer);
      const code = callback.searchParams.get('code')!;
      expect(code).toMatch(/^awac_[A-Za-z0-9_-]{43}$/);

      const token = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
        resource: mcpOf(alice),
      });
      expect(token.status).toBe(200);
      expect(token.headers.get('cache-control')).toBe('no-store');
      expect(token.json).toEqual({
        access_token: expect.stringMatching(/^awat_[A-Za-z0-9_-]{43}$/),
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: expect.stringMatching(/^awrt_[A-Za-z0-9_-]{43}$/),
        scope: 'mcp',
      });

      // The token works at alice's MCP endpoint, filtered by the mcp_client trust's permissions.
      const tools = await mcpToolsList(mcpOf(alice), token.json.access_token);
      expect(tools.status).toBe(200);
      expect(tools.json.result.tools.map((t: { name: string }) => t.name).sort()).toEqual([
        'get_weather',
        'list_notes',
        'search',
      ]);

      // Stored as hashes only.
      const db = database(server).db;
      const stored = await db.selectFrom('oauth_access_tokens').select('token_hash').execute();
      expect(stored.map((r) => r.token_hash)).toContain(sha256Hex(token.json.access_token));
      expect(JSON.stringify(stored)).not.toContain(token.json.access_token);

      // The consent created an mcp_client trust in the reference's peer-id format.
      const trust = await call(`${server.url}${alice.id}/trust`, {
        headers: { authorization: basic(alice.creator, alice.passphrase) },
      });
      const mine = (trust.json as Array<Record<string, unknown>>).find((t) =>
        String(t.peerid).startsWith('oauth2_client:alice_at_example_dot_com:'),
      );
      expect(mine).toMatchObject({
        peerid: `oauth2_client:alice_at_example_dot_com:${client.clientId}`,
        relationship: 'mcp_client',
        approved: true,
        peer_approved: true,
      });
    });
  });
});

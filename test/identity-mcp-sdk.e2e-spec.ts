import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { CallToolResultSchema, ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  UnauthorizedError as UnauthorizedErrorV2,
} from '@modelcontextprotocol/client';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import {
  startMetadataDocumentServer,
  TestBrowser,
  TestOAuthProvider,
  type MetadataDocumentServer,
} from './support/oauth-browser.js';
import { createActor, database, identityServerOptions, type TestActor } from './support/identity-fixtures.js';
import { startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const names = (tools: Array<{ name: string }>) => tools.map((t) => t.name).sort();
const ALLOWED_TOOLS = ['get_weather', 'list_notes', 'search'];

/**
 * The official MCP SDK clients (v1 `@modelcontextprotocol/sdk`, v2
 * `@modelcontextprotocol/client`) connect on their own, headlessly: 401 →
 * protected-resource metadata → authorization-server metadata → client id
 * (a metadata document or dynamic registration) → authorization with PKCE
 * (the test's provider has a signed-in browser give consent) → token →
 * tools/list and tools/call → again after a refresh.
 */
describe.each(STORAGES)('MCP SDK clients connect with OAuth on $name', (storage) => {
  let server: TestServer;
  let documents: MetadataDocumentServer;
  let alice: TestActor;
  let issuer: string;
  const closers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    documents = await startMetadataDocumentServer();
    server = await startFreshServer(storage, identityServerOptions(), { providers: [McpFixtureHooks] });
    issuer = server.url.replace(/\/$/, '');
    alice = await createActor(server, 'alice@example.com');
  });
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    await server.close();
    await documents.close();
  });

  const credentials = () => ({ actor: alice.id, passphrase: alice.passphrase });
  const mcpUrl = () => `${server.url}${alice.id}/mcp`;
  const clientRows = (kind: string) =>
    database(server).db.selectFrom('oauth_clients').select('client_id').where('kind', '=', kind).execute();

  function serveMetadataDocument(path: string, name: string, redirectUrl: string): string {
    const url = documents.url(path);
    documents.serve(path, {
      client_id: url,
      client_name: name,
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    return url;
  }

  async function connectV1(url: string, provider: TestOAuthProvider) {
    const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
    const client = new Client({ name: 'identity-e2e', version: '1.0.0' });
    await client.connect(transport);
    closers.push(() => client.close());
    return { client, transport };
  }

  async function connectV2(url: string, provider: TestOAuthProvider) {
    const transport = new TransportV2(new URL(url), { authProvider: provider as never });
    const client = new ClientV2({ name: 'identity-e2e-v2', version: '1.0.0' });
    await client.connect(transport);
    closers.push(() => client.close());
    return { client, transport };
  }

  /** Makes the stored access token useless, so the client's next call gets 401 and refreshes. */
  function spoilAccessToken(provider: TestOAuthProvider): { access: string; refresh: string } {
    const before = { access: provider.saved!.access_token, refresh: provider.saved!.refresh_token! };
    provider.saved = { ...provider.saved!, access_token: `awat_${'x'.repeat(43)}` };
    return before;
  }

  describe.each([
    { how: 'a Client ID Metadata Document', cimd: true },
    { how: 'dynamic client registration', cimd: false },
  ])('v1 client with $how', ({ cimd }) => {
    it('authorizes, calls tools, and keeps working after a refresh', async () => {
      const browser = new TestBrowser(server.url);
      const redirectUrl = `http://127.0.0.1:9${cimd ? 1 : 2}01/callback`;
      const metadataPath = '/clients/v1.json';
      const provider = new TestOAuthProvider(browser, {
        redirectUrl,
        credentials: credentials(),
        clientName: 'SDK v1 (DCR)',
        ...(cimd && { clientMetadataUrl: serveMetadataDocument(metadataPath, 'SDK v1 (CIMD)', redirectUrl) }),
      });
      const dcrBefore = (await clientRows('dcr')).length;
      const { client, transport } = await connectV1(mcpUrl(), provider);

      // No token yet: the first call leads through discovery and consent, then asks the app to finish.
      await expect(client.listTools()).rejects.toThrow(UnauthorizedError);
      expect(provider.authorizations).toBe(1);
      const callback = provider.callback!;
      expect(callback.searchParams.get('iss')).toBe(issuer);
      if (cimd) {
        expect(provider.client?.client_id).toBe(documents.url(metadataPath));
        expect(documents.hits(metadataPath)).toBe(1);
        expect((await clientRows('dcr')).length).toBe(dcrBefore);
      } else {
        expect(provider.client?.client_id).toMatch(/^awc_/);
        expect((await clientRows('dcr')).length).toBe(dcrBefore + 1);
      }

      await transport.finishAuth(callback.searchParams.get('code')!);
      expect(provider.saved?.access_token).toMatch(/^awat_/);
      const tools = ListToolsResultSchema.parse(await client.listTools());
      expect(names(tools.tools)).toEqual(ALLOWED_TOOLS);
      const result = CallToolResultSchema.parse(
        await client.callTool({ name: 'search', arguments: { query: 'oslo', limit: 1 } }),
      );
      expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual({
        actor: alice.id,
        hits: ['oslo-1'],
      });
      expect(server.app.get(McpFixtureHooks).calls.at(-1)).toMatchObject({ name: 'search', caller: 'peer' });

      // A 401 on a spoiled access token makes the client refresh (rotating the refresh token), not re-consent.
      const before = spoilAccessToken(provider);
      const again = ListToolsResultSchema.parse(await client.listTools());
      expect(names(again.tools)).toEqual(ALLOWED_TOOLS);
      expect(provider.saved?.access_token).not.toBe(before.access);
      expect(provider.saved?.refresh_token).toMatch(/^awrt_/);
      expect(provider.saved?.refresh_token).not.toBe(before.refresh);
      expect(provider.authorizations).toBe(1);
      const after = CallToolResultSchema.parse(await client.callTool({ name: 'get_weather', arguments: {} }));
      expect(after.structuredContent).toEqual({ temp: 21.5 });
    });
  });

  describe.each([
    { how: 'a Client ID Metadata Document', cimd: true },
    { how: 'dynamic client registration', cimd: false },
  ])('v2 client with $how', ({ cimd }) => {
    it('authorizes (checking iss), calls tools at the root /mcp, and keeps working after a refresh', async () => {
      const browser = new TestBrowser(server.url);
      const redirectUrl = `http://localhost:9${cimd ? 3 : 4}01/callback`;
      const metadataPath = '/clients/v2.json';
      const provider = new TestOAuthProvider(browser, {
        redirectUrl,
        credentials: credentials(),
        clientName: 'SDK v2 (DCR)',
        ...(cimd && { clientMetadataUrl: serveMetadataDocument(metadataPath, 'SDK v2 (CIMD)', redirectUrl) }),
      });
      // The root endpoint: the token alone selects the actor.
      const { client, transport } = await connectV2(`${server.url}mcp`, provider);

      await expect(client.listTools()).rejects.toThrow(UnauthorizedErrorV2);
      expect(provider.authorizations).toBe(1);
      if (cimd) expect(documents.hits(metadataPath)).toBe(1);
      else expect(provider.client?.client_id).toMatch(/^awc_/);
      // v2 validates `iss` against the authorization server's metadata (RFC 9207).
      await transport.finishAuth(provider.callback!.searchParams);

      const tools = await client.listTools();
      expect(names(tools.tools)).toEqual(ALLOWED_TOOLS);
      const result = await client.callTool({ name: 'search', arguments: { query: 'bergen' } });
      expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).toEqual({
        actor: alice.id,
        hits: ['bergen-1', 'bergen-2'],
      });

      const before = spoilAccessToken(provider);
      expect(names((await client.listTools()).tools)).toEqual(ALLOWED_TOOLS);
      expect(provider.saved?.refresh_token).not.toBe(before.refresh);
      expect(provider.authorizations).toBe(1);
    });
  });

  it('gives each connected client its own trust, listed for the owner', async () => {
    const trusts = await database(server)
      .db.selectFrom('trusts')
      .select(['peer_id', 'client_name', 'oauth_client_id', 'established_via', 'relationship'])
      .where('actor_id', '=', alice.id)
      .where('established_via', '=', 'oauth2_client')
      .orderBy('created_at')
      .execute();
    expect(trusts.map((t) => t.client_name).sort()).toEqual([
      'SDK v1 (CIMD)',
      'SDK v1 (DCR)',
      'SDK v2 (CIMD)',
      'SDK v2 (DCR)',
    ]);
    for (const trust of trusts) {
      expect(trust.relationship).toBe('mcp_client');
      expect(trust.peer_id).toMatch(/^oauth2_client:alice_at_example_dot_com:[A-Za-z0-9_-]+$/);
    }
  });
});

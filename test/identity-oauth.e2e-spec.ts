import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import {
  formFields,
  startMetadataDocumentServer,
  TestBrowser,
  type MetadataDocumentServer,
} from './support/oauth-browser.js';
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

  describe('authorization request checks', () => {
    it('shows an error page, and never redirects, for an unknown client or a redirect URI it did not register', async () => {
      const client = await publicClient();
      const { challenge } = pkce();
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const unknown = await browser.get(
        authorizeUrl(server, { clientId: 'awc_nobody', redirectUri: REDIRECT, challenge }),
      );
      expect(unknown.status).toBe(400);
      expect(unknown.location).toBeNull();
      expect(unknown.text).toContain('Unknown client');
      for (const redirectUri of [
        'http://127.0.0.1:8123/other',
        'https://attacker.example/callback',
        `${REDIRECT}?x=1`,
      ]) {
        const res = await browser.get(authorizeUrl(server, { ...client, redirectUri, challenge }));
        expect(res.status).toBe(400);
        expect(res.location).toBeNull();
        expect(res.text).toContain('not one of this client');
      }
    });

    it('accepts a registered loopback redirect URI on any port (RFC 8252 §7.3)', async () => {
      const client = await publicClient(['http://localhost/callback']);
      const browser = new TestBrowser(server.url);
      const { challenge } = pkce();
      const callback = await browser.authorize(
        authorizeUrl(server, {
          clientId: client.clientId,
          redirectUri: 'http://localhost:54321/callback',
          challenge,
        }),
        { credentials: { actor: alice.id, passphrase: alice.passphrase } },
      );
      expect(callback.href.startsWith('http://localhost:54321/callback?')).toBe(true);
      expect(callback.searchParams.get('code')).toMatch(/^awac_/);
    });

    it('requires PKCE with S256 for every client, answering through the redirect with iss', async () => {
      const client = await publicClient();
      const browser = new TestBrowser(server.url);
      const { challenge } = pkce();
      const cases: Array<[Record<string, string>, string]> = [
        [{ code_challenge: '' }, 'code_challenge'],
        [{ code_challenge_method: 'plain' }, 'S256'],
        [{ response_type: 'token' }, 'response_type'],
      ];
      for (const [override, hint] of cases) {
        const url = new URL(authorizeUrl(server, { ...client, challenge, state: 's1' }));
        for (const [key, value] of Object.entries(override)) url.searchParams.set(key, value);
        const res = await browser.get(url);
        expect(res.status).toBe(302);
        const back = res.location!;
        expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
        expect(back.searchParams.get('error')).toBe(
          override.response_type ? 'unsupported_response_type' : 'invalid_request',
        );
        expect(back.searchParams.get('error_description')).toContain(hint);
        expect(back.searchParams.get('state')).toBe('s1');
        expect(back.searchParams.get('iss')).toBe(issuer);
      }
    });

    it('refuses a resource that is not one of its MCP endpoints (invalid_target)', async () => {
      const client = await publicClient();
      const { challenge } = pkce();
      const browser = new TestBrowser(server.url);
      for (const resource of [
        'https://elsewhere.example/mcp',
        `${server.url}${alice.id}/properties`,
        `${server.url}nosuchactor/mcp`,
      ]) {
        const res = await browser.get(authorizeUrl(server, { ...client, challenge, resource }));
        expect(res.status).toBe(302);
        expect(res.location!.searchParams.get('error')).toBe('invalid_target');
      }
    });

    it("sends a person signed in as one actor to sign in again for another actor's resource", async () => {
      const client = await publicClient();
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const { challenge } = pkce();
      const res = await browser.get(authorizeUrl(server, { ...client, challenge, resource: mcpOf(bob) }));
      expect(res.status).toBe(302);
      expect(res.location!.pathname).toBe('/oauth/login');
      expect(res.location!.searchParams.get('actor')).toBe(bob.id);
      // Signing in as bob then leads to bob's consent.
      const callback = await browser.authorize(
        authorizeUrl(server, { ...client, challenge, resource: mcpOf(bob) }),
        {
          credentials: { actor: bob.id, passphrase: bob.passphrase },
        },
      );
      expect(callback.searchParams.get('code')).toMatch(/^awac_/);
    });

    it('answers Deny with access_denied, state and iss, and creates no trust', async () => {
      const client = await publicClient();
      const { challenge } = pkce();
      const browser = new TestBrowser(server.url);
      const callback = await browser.authorize(
        authorizeUrl(server, { ...client, challenge, state: 'deny-me' }),
        {
          credentials: { actor: alice.id, passphrase: alice.passphrase },
          decision: 'deny',
        },
      );
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('state')).toBe('deny-me');
      expect(callback.searchParams.get('iss')).toBe(issuer);
      expect(callback.searchParams.get('code')).toBeNull();
      const trusts = await database(server)
        .db.selectFrom('trusts')
        .select('peer_id')
        .where('oauth_client_id', '=', client.clientId)
        .execute();
      expect(trusts).toEqual([]);
    });

    it('refuses a consent POST without its CSRF token, or from another site, and keeps the request answerable', async () => {
      const client = await publicClient();
      const { challenge } = pkce();
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const page = await browser.get(authorizeUrl(server, { ...client, challenge }));
      expect(page.status).toBe(200);
      const fields = formFields(page.text, 'oauth/authorize');
      expect(fields.csrf).toBeTruthy();

      const withoutToken = await browser.post(`${server.url}oauth/authorize`, {
        request: fields.request,
        decision: 'allow',
      });
      expect(withoutToken.status).toBe(403);
      expect(withoutToken.location).toBeNull();
      const wrongToken = await browser.post(`${server.url}oauth/authorize`, {
        ...fields,
        csrf: 'A'.repeat(43),
        decision: 'allow',
      });
      expect(wrongToken.status).toBe(403);
      const crossSite = await browser.post(
        `${server.url}oauth/authorize`,
        { ...fields, decision: 'allow' },
        { 'sec-fetch-site': 'cross-site', origin: 'https://attacker.example' },
      );
      expect(crossSite.status).toBe(403);
      // Another browser (no session, its own CSRF key) cannot use this page's token either.
      const stranger = new TestBrowser(server.url);
      const foreign = await stranger.post(`${server.url}oauth/authorize`, { ...fields, decision: 'allow' });
      expect(foreign.status).toBe(403);

      const ok = await browser.post(`${server.url}oauth/authorize`, { ...fields, decision: 'allow' });
      expect(ok.status).toBe(302);
      expect(ok.location!.searchParams.get('code')).toMatch(/^awac_/);
      // Each consent page answers once.
      const again = await browser.post(`${server.url}oauth/authorize`, { ...fields, decision: 'allow' });
      expect(again.status).toBe(400);
    });

    it('serves its pages with a script-free CSP that forbids framing', async () => {
      const client = await publicClient();
      const { challenge } = pkce();
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const consent = await browser.get(authorizeUrl(server, { ...client, challenge }));
      const login = await browser.get(`${server.url}oauth/login`);
      for (const page of [consent, login]) {
        expect(page.status).toBe(200);
        const csp = page.headers.get('content-security-policy')!;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'none'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(page.headers.get('x-frame-options')).toBe('DENY');
        expect(page.headers.get('referrer-policy')).toBe('no-referrer');
        expect(page.text).not.toMatch(/<script|\son[a-z]+=/i);
      }
      // The consent page names the client, where it returns to, and warns that it is local.
      expect(consent.text).toContain('Raw test client');
      expect(consent.text).toContain('<code>127.0.0.1:8123</code>');
      expect(consent.text).toContain('runs on your own device');
      expect(consent.text).toContain(alice.id);
    });
  });

  describe('the token endpoint', () => {
    async function codeFor(
      client: { clientId: string; redirectUri: string },
      actor = alice,
      resource?: string,
    ) {
      const { verifier, challenge } = pkce();
      const browser = new TestBrowser(server.url);
      const callback = await browser.authorize(authorizeUrl(server, { ...client, challenge, resource }), {
        credentials: { actor: actor.id, passphrase: actor.passphrase },
      });
      return { code: callback.searchParams.get('code')!, verifier };
    }

    it('refuses a wrong PKCE verifier without burning the code', async () => {
      const client = await publicClient();
      const { code, verifier } = await codeFor(client);
      const wrong = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: pkce().verifier,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.json).toEqual({
        error: 'invalid_grant',
        error_description: expect.stringContaining('PKCE'),
      });
      const right = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
      });
      expect(right.status).toBe(200);
    });

    it('refuses a redirect_uri other than the authorization request one', async () => {
      const client = await publicClient(['http://localhost/callback']);
      const { verifier, challenge } = pkce();
      const browser = new TestBrowser(server.url);
      const callback = await browser.authorize(
        authorizeUrl(server, {
          clientId: client.clientId,
          redirectUri: 'http://localhost:40001/callback',
          challenge,
        }),
        { credentials: { actor: alice.id, passphrase: alice.passphrase } },
      );
      const res = await tokenRequest(server, {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        code_verifier: verifier,
        redirect_uri: 'http://localhost:40002/callback',
        client_id: client.clientId,
      });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe('invalid_grant');
    });

    it('treats a reused code as theft: invalid_grant, and the tokens issued from it die', async () => {
      const client = await publicClient();
      const { code, verifier } = await codeFor(client);
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
      };
      const first = await tokenRequest(server, form);
      expect(first.status).toBe(200);
      expect((await mcpToolsList(mcpOf(alice), first.json.access_token)).status).toBe(200);
      const second = await tokenRequest(server, form);
      expect(second.status).toBe(400);
      expect(second.json.error).toBe('invalid_grant');
      expect((await mcpToolsList(mcpOf(alice), first.json.access_token)).status).toBe(401);
      const refresh = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: first.json.refresh_token,
        client_id: client.clientId,
      });
      expect(refresh.json.error).toBe('invalid_grant');
    });

    it('refuses a code of another client, an unknown code, and a resource the grant was not for', async () => {
      const client = await publicClient();
      const other = await publicClient();
      const { code, verifier } = await codeFor(client, alice, mcpOf(alice));
      const base = { grant_type: 'authorization_code', code_verifier: verifier, redirect_uri: REDIRECT };
      expect((await tokenRequest(server, { ...base, code, client_id: other.clientId })).json.error).toBe(
        'invalid_grant',
      );
      expect(
        (await tokenRequest(server, { ...base, code: 'awac_nothing', client_id: client.clientId })).json
          .error,
      ).toBe('invalid_grant');
      const foreign = await tokenRequest(server, {
        ...base,
        code,
        client_id: client.clientId,
        resource: mcpOf(bob),
      });
      expect(foreign.status).toBe(400);
      expect(foreign.json.error).toBe('invalid_target');
    });

    it('answers RFC 6749 errors as JSON: unsupported grant, missing parameters, bad content type, repeated parameters', async () => {
      const client = await publicClient();
      const unsupported = await tokenRequest(server, { grant_type: 'password', client_id: client.clientId });
      expect(unsupported).toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
      const missing = await tokenRequest(server, { client_id: client.clientId });
      expect(missing).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
      const json = await call(`${server.url}oauth/token`, {
        method: 'POST',
        body: { grant_type: 'refresh_token' },
      });
      expect(json.status).toBe(400);
      expect(json.json.error).toBe('invalid_request');
      const repeated = await call(`${server.url}oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        raw: 'grant_type=refresh_token&refresh_token=a&refresh_token=b',
      });
      expect(repeated.json).toMatchObject({ error: 'invalid_request' });
      const noClient = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: 'awrt_x' });
      expect(noClient).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
    });

    it('authenticates confidential clients by their secret (Basic or form), stored only as a hash', async () => {
      const registered = await registerClient(server, {
        client_name: 'Confidential',
        redirect_uris: [REDIRECT],
      });
      expect(registered.token_endpoint_auth_method).toBe('client_secret_basic');
      expect(registered.client_secret).toMatch(/^awcs_/);
      const row = await database(server)
        .db.selectFrom('oauth_clients')
        .select('secret_hash')
        .where('client_id', '=', registered.client_id)
        .executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(sha256Hex(registered.client_secret));
      const client = { clientId: registered.client_id as string, redirectUri: REDIRECT };

      const { code, verifier } = await codeFor(client);
      const form = {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
      };
      const wrong = await tokenRequest(server, form, { id: client.clientId, secret: 'awcs_wrong' });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error).toBe('invalid_client');
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      const none = await tokenRequest(server, { ...form, client_id: client.clientId });
      expect(none).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
      const ok = await tokenRequest(server, form, { id: client.clientId, secret: registered.client_secret });
      expect(ok.status).toBe(200);
      const viaForm = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: ok.json.refresh_token,
        client_id: client.clientId,
        client_secret: registered.client_secret,
      });
      expect(viaForm.status).toBe(200);
    });

    it('rotates refresh tokens, allows a reuse within the grace window, and revokes the family after it', async () => {
      const client = await publicClient();
      const first = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      const refresh = (token: string) =>
        tokenRequest(server, {
          grant_type: 'refresh_token',
          refresh_token: token,
          client_id: client.clientId,
        });

      const second = await refresh(first.refresh);
      expect(second.status).toBe(200);
      expect(second.json.refresh_token).not.toBe(first.refresh);
      expect(second.json.access_token).not.toBe(first.access);
      // A concurrent refresh with the same token, within the grace window, still works.
      const sibling = await refresh(first.refresh);
      expect(sibling.status).toBe(200);
      expect((await mcpToolsList(mcpOf(alice), sibling.json.access_token)).status).toBe(200);

      // The grace window (60 s) has passed for the first refresh token.
      await database(server)
        .db.updateTable('oauth_refresh_tokens')
        .set({ used_at: Date.now() - 61_000 })
        .where('token_hash', '=', sha256Hex(first.refresh))
        .execute();
      const late = await refresh(first.refresh);
      expect(late.status).toBe(400);
      expect(late.json.error).toBe('invalid_grant');
      // The whole family is gone: every access and refresh token of the grant.
      for (const access of [first.access, second.json.access_token, sibling.json.access_token]) {
        expect((await mcpToolsList(mcpOf(alice), access)).status).toBe(401);
      }
      expect((await refresh(second.json.refresh_token)).json.error).toBe('invalid_grant');
    });

    it('refuses an expired access token with 401 and an expired refresh token with invalid_grant', async () => {
      const client = await publicClient();
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      const db = database(server).db;
      await db
        .updateTable('oauth_access_tokens')
        .set({ expires_at: Date.now() - 1000 })
        .where('token_hash', '=', sha256Hex(tokens.access))
        .execute();
      const res = await mcpToolsList(mcpOf(alice), tokens.access);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      await db
        .updateTable('oauth_refresh_tokens')
        .set({ expires_at: Date.now() - 1000 })
        .where('token_hash', '=', sha256Hex(tokens.refresh))
        .execute();
      const refresh = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh,
        client_id: client.clientId,
      });
      expect(refresh.json.error).toBe('invalid_grant');
    });
  });

  describe('revocation and the trust', () => {
    const revoke = (token: string, clientId: string) =>
      call(`${server.url}oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        raw: new URLSearchParams({ token, client_id: clientId }).toString(),
      });

    it('revokes an access token (RFC 7009) at once', async () => {
      const client = await publicClient();
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(200);
      const res = await revoke(tokens.access, client.clientId);
      expect(res.status).toBe(200);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(401);
      // The refresh token still works: revoking an access token ends only that token.
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh,
        client_id: client.clientId,
      });
      expect(refreshed.status).toBe(200);
    });

    it('revokes the whole grant with its refresh token; unknown tokens and other clients change nothing', async () => {
      const client = await publicClient();
      const other = await publicClient();
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      expect((await revoke(tokens.refresh, other.clientId)).status).toBe(200);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(200);
      expect((await revoke('awrt_unknown', client.clientId)).status).toBe(200);
      expect((await revoke(tokens.refresh, client.clientId)).status).toBe(200);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(401);
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh,
        client_id: client.clientId,
      });
      expect(refreshed.json.error).toBe('invalid_grant');
    });

    it('kills every token of a client the moment the owner deletes its trust', async () => {
      const client = await publicClient();
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(200);
      const peerId = `oauth2_client:alice_at_example_dot_com:${client.clientId}`;
      const deleted = await call(`${server.url}${alice.id}/trust/mcp_client/${peerId}`, {
        method: 'DELETE',
        headers: { authorization: basic(alice.creator, alice.passphrase) },
      });
      expect(deleted.status).toBe(204);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(401);
      expect((await mcpToolsList(`${server.url}mcp`, tokens.access)).status).toBe(401);
      const refreshed = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh,
        client_id: client.clientId,
      });
      expect(refreshed.json.error).toBe('invalid_grant');
    });

    it('stops a client whose trust the owner un-approves (403), and lets it back when re-approved', async () => {
      const client = await publicClient();
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice);
      const peerId = `oauth2_client:alice_at_example_dot_com:${client.clientId}`;
      const setApproved = (approved: boolean) =>
        database(server)
          .db.updateTable('trusts')
          .set({ approved: approved ? 1 : 0 })
          .where('actor_id', '=', alice.id)
          .where('peer_id', '=', peerId)
          .execute();
      await setApproved(false);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(403);
      await setApproved(true);
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(200);
    });
  });

  describe("route × credential: an MCP access token opens nothing but its own actor's MCP endpoint", () => {
    let tokens: { access: string; refresh: string };
    beforeAll(async () => {
      const client = await publicClient();
      tokens = await obtainTokens(server, new TestBrowser(server.url), client, alice, {
        resource: mcpOf(alice),
      });
    });

    it("opens alice's /{id}/mcp and the root /mcp as alice", async () => {
      expect((await mcpToolsList(mcpOf(alice), tokens.access)).status).toBe(200);
      const root = await call(`${server.url}mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access}`, 'mcp-protocol-version': '2025-11-25' },
        body: {
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'search', arguments: { query: 'q' } },
        },
      });
      expect(root.status).toBe(200);
      expect(JSON.parse(root.json.result.content[0].text).actor).toBe(alice.id);
    });

    it("is refused at bob's MCP endpoint with 401 and a challenge naming bob's metadata", async () => {
      const res = await mcpToolsList(mcpOf(bob), tokens.access);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(res.headers.get('www-authenticate')).toContain(
        `resource_metadata="${server.url}.well-known/oauth-protected-resource/${bob.id}/mcp"`,
      );
    });

    it("opens none of alice's (or bob's) other routes", async () => {
      const routes: Array<[string, string]> = [];
      for (const actor of [alice, bob]) {
        for (const path of [
          '',
          '/properties',
          '/properties/notes',
          '/trust',
          '/subscriptions',
          '/methods',
          '/actions',
          '/resources',
          '/callbacks',
        ]) {
          routes.push(['GET', `${server.url}${actor.id}${path}`]);
        }
        routes.push(['PUT', `${server.url}${actor.id}/properties/x`]);
        routes.push(['DELETE', `${server.url}${actor.id}`]);
        routes.push(['POST', `${server.url}${actor.id}/trust/friend`]);
      }
      for (const [method, url] of routes) {
        const res = await call(url, {
          method,
          headers: { authorization: `Bearer ${tokens.access}` },
          ...(method === 'PUT' || method === 'POST' ? { body: { value: 1 } } : {}),
        });
        expect({
          method,
          url,
          status: res.status >= 200 && res.status < 300 ? res.status : 'refused',
        }).toEqual({
          method,
          url,
          status: 'refused',
        });
      }
      // Not even anonymous-readable routes take it as a credential: the answer is the wrong-credentials 403.
      const props = await call(`${server.url}${alice.id}/properties`, {
        headers: { authorization: `Bearer ${tokens.access}` },
      });
      expect(props.status).toBe(403);
    });

    it('does not accept a refresh token or a code as an access token', async () => {
      expect((await mcpToolsList(mcpOf(alice), tokens.refresh)).status).toBe(401);
      expect((await mcpToolsList(`${server.url}mcp`, tokens.refresh)).status).toBe(401);
    });
  });

  describe('client metadata documents', () => {
    const serve = (path: string, overrides: Record<string, unknown> = {}) => {
      documents.serve(path, {
        client_id: documents.url(path),
        client_name: 'Doc client',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
        ...overrides,
      });
      return documents.url(path);
    };

    it('fetches a document once, caches it, and validates the redirect URI against it', async () => {
      const clientId = serve('/cache.json');
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      for (let i = 0; i < 2; i++) {
        const page = await browser.get(
          authorizeUrl(server, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge }),
        );
        expect(page.status).toBe(200);
        expect(page.text).toContain('Doc client');
        expect(page.text).toContain(`(localhost:${documents.port})`);
      }
      expect(documents.hits('/cache.json')).toBe(1);
      const bad = await browser.get(
        authorizeUrl(server, {
          clientId,
          redirectUri: 'http://127.0.0.1:8123/elsewhere',
          challenge: pkce().challenge,
        }),
      );
      expect(bad.status).toBe(400);
      expect(bad.location).toBeNull();
    });

    it('refuses a document at an address the outgoing-request policy forbids, without connecting', async () => {
      serve('/private.json');
      // The same server, by its loopback IP literal: not in peers.allowedHosts, so refused before any connection.
      const clientId = `https://127.0.0.1:${documents.port}/private.json`;
      documents.serve('/private.json', {
        client_id: clientId,
        client_name: 'Private',
        redirect_uris: [REDIRECT],
      });
      const res = await new TestBrowser(server.url).get(
        authorizeUrl(server, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge }),
      );
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.text).toContain('address this server may not connect to');
      expect(documents.hits('/private.json')).toBe(0);
    });

    it('refuses documents that name another client_id, carry a secret, or are too large', async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ['/mismatch.json', { client_id: 'https://localhost/other.json' }, 'another client_id'],
        ['/secret.json', { client_secret: 's' }, 'client_secret'],
        [
          '/secret-method.json',
          { token_endpoint_auth_method: 'client_secret_basic' },
          'token_endpoint_auth_method',
        ],
        ['/huge.json', { padding: 'x'.repeat(20_000) }, 'larger than'],
      ];
      for (const [path, overrides, message] of cases) {
        const clientId = serve(path, overrides);
        const res = await new TestBrowser(server.url).get(
          authorizeUrl(server, { clientId, redirectUri: REDIRECT, challenge: pkce().challenge }),
        );
        expect({ path, status: res.status, message: res.text.includes(message) }).toEqual({
          path,
          status: 400,
          message: true,
        });
      }
    });
  });

  describe('dynamic client registration', () => {
    it('registers a public client without a secret and echoes its metadata', async () => {
      const res = await call(`${server.url}oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: {
          client_name: 'Inspector',
          redirect_uris: ['http://localhost:6274/oauth/callback'],
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code', 'refresh_token'],
          trust_type: 'admin',
          actor_id: alice.id,
        },
      });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({
        client_id: expect.stringMatching(/^awc_/),
        client_id_issued_at: expect.any(Number),
        client_name: 'Inspector',
        redirect_uris: ['http://localhost:6274/oauth/callback'],
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'mcp',
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });

    it('refuses bad redirect URIs and unsupported metadata with RFC 7591 errors', async () => {
      const cases: Array<[unknown, string]> = [
        [{ redirect_uris: ['http://example.com/cb'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['https://example.com/cb#frag'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: [] }, 'invalid_redirect_uri'],
        [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri'],
        [{ redirect_uris: [REDIRECT], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
        [
          { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'private_key_jwt' },
          'invalid_client_metadata',
        ],
        [[1, 2], 'invalid_client_metadata'],
      ];
      for (const [body, error] of cases) {
        const res = await call(`${server.url}oauth/register`, { method: 'POST', body });
        expect({ body, status: res.status, error: res.json?.error }).toEqual({ body, status: 400, error });
      }
      const form = await call(`${server.url}oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        raw: 'redirect_uris=x',
      });
      expect(form.json.error).toBe('invalid_client_metadata');
    });
  });
});

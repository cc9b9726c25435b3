import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OAuthClients } from '@actingweb/nestjs';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import { formFields, TestBrowser } from './support/oauth-browser.js';
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
import { addTrust } from './support/mcp-fixtures.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const REDIRECT = 'http://127.0.0.1:8123/callback';

/** Sessions, the passphrase sign-in, CSRF on every form, and the owner's view of connected clients. */
describe.each(STORAGES)('Sign-in and sessions on $name', (storage) => {
  let server: TestServer;
  let alice: TestActor;

  beforeAll(async () => {
    server = await startFreshServer(storage, identityServerOptions(), { providers: [McpFixtureHooks] });
    alice = await createActor(server, 'alice@example.com');
  });
  afterAll(() => server.close());

  const sessions = () => database(server).db.selectFrom('login_sessions').selectAll().execute();

  describe('the passphrase sign-in', () => {
    it('starts a server-side session in an HttpOnly, SameSite=Lax cookie, stored only as a hash', async () => {
      const browser = new TestBrowser(server.url);
      const page = await browser.get(`${server.url}oauth/login`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      expect(page.headers.getSetCookie().join()).toMatch(
        /^aw_csrf=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      const form = formFields(page.text, 'oauth/login/passphrase');
      const res = await browser.post(`${server.url}oauth/login/passphrase`, {
        ...form,
        actor: alice.id,
        passphrase: alice.passphrase,
      });
      expect(res.status).toBe(302);
      expect(res.location?.href).toBe(`${server.url}oauth/login`);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('aw_session='))!;
      expect(cookie).toMatch(
        /^aw_session=awss_[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      const value = browser.cookies.get('aw_session')!;
      const rows = await sessions();
      expect(rows.some((r) => r.id_hash === sha256Hex(value) && r.actor_id === alice.id)).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(value);
      const signedIn = await browser.get(`${server.url}oauth/login`);
      expect(signedIn.text).toContain('You are signed in as <strong>alice@example.com</strong>');
    });

    it('signs in by creator when exactly one actor has it, and refuses an ambiguous creator', async () => {
      const browser = new TestBrowser(server.url);
      expect((await browser.signIn('alice@example.com', alice.passphrase)).status).toBe(302);
      const twin1 = await createActor(server, 'twin@example.com');
      await createActor(server, 'twin@example.com');
      const res = await new TestBrowser(server.url).signIn('twin@example.com', twin1.passphrase);
      expect(res.status).toBe(403);
      expect(res.text).toContain('sign in with the actor id');
    });

    it('refuses a wrong passphrase with the same answer as an unknown actor, and sets no session', async () => {
      const wrong = new TestBrowser(server.url);
      const res = await wrong.signIn(alice.id, 'not the passphrase');
      expect(res.status).toBe(403);
      expect(res.text).toContain('Wrong actor or passphrase');
      expect(wrong.cookies.has('aw_session')).toBe(false);
      const unknown = await new TestBrowser(server.url).signIn('nobody-at-all', 'whatever');
      expect(unknown.status).toBe(403);
      expect(unknown.text).toContain('Wrong actor or passphrase');
    });

    it('refuses a sign-in form without its CSRF token or from another site', async () => {
      const browser = new TestBrowser(server.url);
      const page = await browser.get(`${server.url}oauth/login`);
      const form = formFields(page.text, 'oauth/login/passphrase');
      const noToken = await browser.post(`${server.url}oauth/login/passphrase`, {
        actor: alice.id,
        passphrase: alice.passphrase,
      });
      expect(noToken.status).toBe(403);
      const crossSite = await browser.post(
        `${server.url}oauth/login/passphrase`,
        { ...form, actor: alice.id, passphrase: alice.passphrase },
        { 'sec-fetch-site': 'cross-site' },
      );
      expect(crossSite.status).toBe(403);
      const otherOrigin = await browser.post(
        `${server.url}oauth/login/passphrase`,
        { ...form, actor: alice.id, passphrase: alice.passphrase },
        { origin: 'https://attacker.example', 'sec-fetch-site': 'same-site' },
      );
      expect(otherOrigin.status).toBe(403);
      expect(browser.cookies.has('aw_session')).toBe(false);
    });

    it('returns only to paths of this server', async () => {
      for (const returnTo of [
        'https://attacker.example/',
        '//attacker.example/x',
        '/\\attacker.example',
        'javascript:alert(1)',
      ]) {
        const res = await new TestBrowser(server.url).signIn(alice.id, alice.passphrase, returnTo);
        expect({ returnTo, location: res.location?.href }).toEqual({
          returnTo,
          location: `${server.url}oauth/login`,
        });
      }
      const ok = await new TestBrowser(server.url).signIn(alice.id, alice.passphrase, 'oauth/authorize?x=1');
      expect(ok.location?.href).toBe(`${server.url}oauth/authorize?x=1`);
    });

    it('escapes what people typed or named themselves', async () => {
      const odd = await createActor(server, '<b>odd</b>"name@example.com');
      const browser = new TestBrowser(server.url);
      await browser.signIn(odd.id, odd.passphrase);
      const page = await browser.get(
        `${server.url}oauth/login?actor=${encodeURIComponent('"><script>x</script>')}`,
      );
      expect(page.text).toContain('&lt;b&gt;odd&lt;/b&gt;&quot;name@example.com');
      expect(page.text).not.toContain('<b>odd</b>');
      expect(page.text).not.toContain('<script>');
    });

    it('serves its style sheet', async () => {
      const res = await call(`${server.url}oauth/assets/identity.css`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(res.text).toContain('prefers-color-scheme:dark');
    });
  });

  describe('sessions end', () => {
    it('on sign-out (a CSRF-checked POST): the row goes, and the old cookie opens nothing', async () => {
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const value = browser.cookies.get('aw_session')!;
      const page = await browser.get(`${server.url}oauth/login`);
      const form = formFields(page.text, 'oauth/logout');

      const forged = await browser.post(`${server.url}oauth/logout`, {});
      expect(forged.status).toBe(403);
      expect((await sessions()).some((r) => r.id_hash === sha256Hex(value))).toBe(true);

      const out = await browser.post(`${server.url}oauth/logout`, form);
      expect(out.status).toBe(302);
      expect(out.headers.getSetCookie().join()).toMatch(/aw_session=;.*Expires=Thu, 01 Jan 1970/);
      expect((await sessions()).some((r) => r.id_hash === sha256Hex(value))).toBe(false);
      // Replaying the old cookie: treated as signed out.
      const replay = new TestBrowser(server.url);
      replay.cookies.set('aw_session', value);
      const again = await replay.get(`${server.url}oauth/login`);
      expect(again.text).not.toContain('You are signed in');
    });

    it('after the idle timeout or the maximum age', async () => {
      for (const column of ['last_seen_at', 'expires_at'] as const) {
        const browser = new TestBrowser(server.url);
        await browser.signIn(alice.id, alice.passphrase);
        const hash = sha256Hex(browser.cookies.get('aw_session')!);
        const past = column === 'last_seen_at' ? Date.now() - 9 * 3600 * 1000 : Date.now() - 1000;
        await database(server)
          .db.updateTable('login_sessions')
          .set({ [column]: past })
          .where('id_hash', '=', hash)
          .execute();
        const page = await browser.get(`${server.url}oauth/login`);
        expect(page.text).not.toContain('You are signed in');
        expect((await sessions()).some((r) => r.id_hash === hash)).toBe(false);
      }
    });

    it('when the actor is deleted', async () => {
      const carol = await createActor(server, 'carol@example.com');
      const browser = new TestBrowser(server.url);
      await browser.signIn(carol.id, carol.passphrase);
      expect((await sessions()).some((r) => r.actor_id === carol.id)).toBe(true);
      const deleted = await call(`${server.url}${carol.id}`, {
        method: 'DELETE',
        headers: { authorization: basic(carol.creator, carol.passphrase) },
      });
      expect(deleted.status).toBe(204);
      expect((await sessions()).some((r) => r.actor_id === carol.id)).toBe(false);
    });

    it('and a new sign-in replaces the session the browser had', async () => {
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const first = browser.cookies.get('aw_session')!;
      await browser.signIn(alice.id, alice.passphrase);
      const second = browser.cookies.get('aw_session')!;
      expect(second).not.toBe(first);
      expect((await sessions()).some((r) => r.id_hash === sha256Hex(first))).toBe(false);
    });
  });

  describe('OAuthClients: the owner lists and disconnects connected clients', () => {
    it('lists a connected client with its access level and last use, and revoking it kills its tokens', async () => {
      const dave = await createActor(server, 'dave@example.com');
      const registered = await registerClient(server, {
        client_name: 'Claude (test)',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      const client = { clientId: registered.client_id as string, redirectUri: REDIRECT };
      const clients = server.app.get(OAuthClients);
      expect(await clients.list(dave.id)).toEqual([]);
      const tokens = await obtainTokens(server, new TestBrowser(server.url), client, dave);
      // A trust that is not an OAuth connection is not listed.
      await addTrust(server, dave.id, 'friend');

      const [before] = await clients.list(dave.id);
      expect(before).toMatchObject({
        clientId: client.clientId,
        clientName: 'Claude (test)',
        peerId: `oauth2_client:dave_at_example_dot_com:${client.clientId}`,
        relationship: 'mcp_client',
        consentedBy: 'dave@example.com',
        lastUsedAt: null,
        activeGrants: 1,
      });
      const used = Date.now();
      expect((await mcpToolsList(`${server.url}${dave.id}/mcp`, tokens.access)).status).toBe(200);
      const [after] = await clients.list(dave.id);
      expect(Date.parse(after.lastUsedAt!)).toBeGreaterThanOrEqual(used - 1000);

      await clients.revoke(dave.id, client.clientId);
      expect(await clients.list(dave.id)).toEqual([]);
      expect((await mcpToolsList(`${server.url}${dave.id}/mcp`, tokens.access)).status).toBe(401);
      const refresh = await tokenRequest(server, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh,
        client_id: client.clientId,
      });
      expect(refresh.json.error).toBe('invalid_grant');
      await expect(clients.revoke(dave.id, client.clientId)).rejects.toMatchObject({ statusCode: 404 });
    });

    it('shows consent as one trust per person and client: connecting again updates it', async () => {
      const erin = await createActor(server, 'erin@example.com');
      const registered = await registerClient(server, {
        client_name: 'Again',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      });
      const client = { clientId: registered.client_id as string, redirectUri: REDIRECT };
      const first = await obtainTokens(server, new TestBrowser(server.url), client, erin);
      const second = await obtainTokens(server, new TestBrowser(server.url), client, erin);
      const list = await server.app.get(OAuthClients).list(erin.id);
      expect(list).toHaveLength(1);
      expect(list[0].activeGrants).toBe(2);
      for (const token of [first.access, second.access]) {
        expect((await mcpToolsList(`${server.url}${erin.id}/mcp`, token)).status).toBe(200);
      }
    });
  });
});

describe.each(STORAGES)('Identity limits and switches on $name', (storage) => {
  describe('rate limits', () => {
    let server: TestServer;
    let alice: TestActor;
    beforeAll(async () => {
      server = await startFreshServer(
        storage,
        identityServerOptions({
          identity: {
            rateLimits: {
              login: { max: 2, windowSeconds: 300 },
              registration: { max: 2, windowSeconds: 300 },
            },
          },
        }),
      );
      alice = await createActor(server, 'alice@example.com');
    });
    afterAll(() => server.close());

    it('limits sign-in attempts per account: past the limit even the right passphrase gets 429', async () => {
      const browser = new TestBrowser(server.url);
      expect((await browser.signIn(alice.id, 'wrong-1')).status).toBe(403);
      expect((await browser.signIn(alice.id, 'wrong-2')).status).toBe(403);
      const limited = await browser.signIn(alice.id, alice.passphrase);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.text).toContain('Too many sign-in attempts');
      expect(browser.cookies.has('aw_session')).toBe(false);
    });

    it('limits dynamic registrations per address', async () => {
      const body = { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };
      for (let i = 0; i < 2; i++) {
        expect((await call(`${server.url}oauth/register`, { method: 'POST', body })).status).toBe(201);
      }
      const limited = await call(`${server.url}oauth/register`, { method: 'POST', body });
      expect(limited.status).toBe(429);
      expect(limited.json.error).toBe('too_many_requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    });
  });

  describe('without identity', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startFreshServer(storage, {}, { providers: [McpFixtureHooks] });
    });
    afterAll(() => server.close());

    it('has no authorization server, and the resource metadata names none', async () => {
      for (const path of [
        '.well-known/oauth-authorization-server',
        '.well-known/openid-configuration',
        'oauth/login',
        'oauth/authorize',
      ]) {
        expect((await call(`${server.url}${path}`)).status).toBe(404);
      }
      expect((await call(`${server.url}oauth/token`, { method: 'POST', body: {} })).status).toBe(404);
      const prm = await call(`${server.url}.well-known/oauth-protected-resource/mcp`);
      expect(prm.json.authorization_servers).toBeUndefined();
      const challenge = await call(`${server.url}mcp`, {
        method: 'POST',
        headers: { 'mcp-protocol-version': '2025-11-25' },
        body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      });
      expect(challenge.headers.get('www-authenticate')).not.toContain('scope=');
    });

    it('treats a trust secret that looks like an OAuth token as the trust secret it is', async () => {
      const actor = await createActor(server, 'plain@example.com');
      const { secret } = await addTrust(server, actor.id, 'mcp_client', { secret: `awat_${'a'.repeat(43)}` });
      expect((await mcpToolsList(`${server.url}${actor.id}/mcp`, secret)).status).toBe(200);
    });
  });

  describe('a pre-registered confidential client with several access levels', () => {
    let server: TestServer;
    let alice: TestActor;
    const secret = 'configured-secret-0123456789';
    beforeAll(async () => {
      server = await startFreshServer(
        storage,
        identityServerOptions({
          identity: {
            mcp: {
              allowedTrustTypes: ['viewer', 'mcp_client'],
              clients: [
                {
                  clientId: 'company-agent',
                  clientName: 'Company agent',
                  redirectUris: [REDIRECT, 'https://agent.example/callback'],
                  clientSecret: secret,
                },
              ],
              dynamicRegistration: false,
            },
          },
        }),
        { providers: [McpFixtureHooks] },
      );
      alice = await createActor(server, 'alice@example.com');
    });
    afterAll(() => server.close());

    it('lets the person choose the access level, which becomes the relationship the tools are filtered by', async () => {
      const { verifier, challenge } = pkce();
      const browser = new TestBrowser(server.url);
      await browser.signIn(alice.id, alice.passphrase);
      const page = await browser.get(
        authorizeUrl(server, { clientId: 'company-agent', redirectUri: REDIRECT, challenge }),
      );
      expect(page.text).toContain('<select id="trust_type" name="trust_type">');
      expect(page.text).toContain('Company agent');
      // One of its redirect URIs is a web address: no "runs on your own device" warning.
      expect(page.text).not.toContain('runs on your own device');
      // An access level that is not offered is refused.
      const fields = formFields(page.text, 'oauth/authorize');
      const refused = await browser.post(`${server.url}oauth/authorize`, {
        ...fields,
        decision: 'allow',
        trust_type: 'admin',
      });
      expect(refused.status).toBe(400);

      const callback = await browser.authorize(
        authorizeUrl(server, { clientId: 'company-agent', redirectUri: REDIRECT, challenge }),
        {
          trustType: 'viewer',
        },
      );
      const token = await tokenRequest(
        server,
        {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          code_verifier: verifier,
          redirect_uri: REDIRECT,
        },
        { id: 'company-agent', secret },
      );
      expect(token.status).toBe(200);
      const tools = await mcpToolsList(`${server.url}${alice.id}/mcp`, token.json.access_token);
      expect(tools.status).toBe(200);
      expect(tools.json.result.tools).toEqual([]); // viewer: no tools
      const trust = await database(server)
        .db.selectFrom('trusts')
        .select('relationship')
        .where('oauth_client_id', '=', 'company-agent')
        .executeTakeFirstOrThrow();
      expect(trust.relationship).toBe('viewer');
    });

    it('has no registration endpoint when dynamic registration is off', async () => {
      expect(
        (await call(`${server.url}oauth/register`, { method: 'POST', body: { redirect_uris: [REDIRECT] } }))
          .status,
      ).toBe(404);
      const metadata = await call(`${server.url}.well-known/oauth-authorization-server`);
      expect(metadata.json.registration_endpoint).toBeUndefined();
    });
  });
});

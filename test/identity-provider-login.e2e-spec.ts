import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  ForbiddenError,
  LifecycleHook,
  type LifecycleHookContext,
  type OAuthSuccessHookContext,
} from '@actingweb/nestjs';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import { formFields, TestBrowser, TestOAuthProvider } from './support/oauth-browser.js';
import {
  authorizeUrl,
  createActor,
  database,
  identityServerOptions,
  pkce,
  sha256Hex,
} from './support/identity-fixtures.js';
import { reserveIdpIssuer, startTestIdp, type TestIdp } from './support/test-idp.js';
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js';
import { call, freePort, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** Records `actor_created` and `oauth_success`; `veto` decides what `oauth_success` answers. */
@Injectable()
class SignInHooks {
  readonly created: string[] = [];
  readonly successes: OAuthSuccessHookContext[] = [];
  veto: ((ctx: OAuthSuccessHookContext) => unknown) | null = null;

  @LifecycleHook('actor_created')
  onCreated(ctx: LifecycleHookContext) {
    this.created.push(ctx.actor.creator);
  }

  @LifecycleHook('oauth_success')
  onSuccess(ctx: OAuthSuccessHookContext) {
    this.successes.push(ctx);
    return this.veto?.(ctx);
  }
}

const TEST_IDP = 'test-idp';

/**
 * Sign-in with identity providers over real HTTP, with a scripted browser
 * keeping each origin's cookies: a real OpenID Provider on loopback
 * (`oidc-provider`) and a fake GitHub. The actor is found (or created) by the
 * verified email; the sign-in is bound to the browser that started it.
 */
describe.each(STORAGES)('Provider sign-in on $name', (storage) => {
  let server: TestServer;
  let idp: TestIdp;
  let github: FakeGitHub;
  let hooks: SignInHooks;

  beforeAll(async () => {
    const issuer = await reserveIdpIssuer();
    github = await startFakeGitHub();
    const idpClient = { clientId: 'aw-test', clientSecret: 'aw-test-secret-0123456789' };
    server = await startFreshServer(
      storage,
      identityServerOptions({
        identity: {
          providers: [
            { id: TEST_IDP, displayName: 'Test IdP', issuer, ...idpClient, allowInsecureRequests: true },
            // The same provider account, accepting unverified emails (the opt-out).
            {
              id: 'lax-idp',
              issuer,
              ...idpClient,
              allowInsecureRequests: true,
              allowUnverifiedEmail: true,
            },
            github.providerOptions() as never,
            {
              id: 'down-idp',
              issuer: `http://127.0.0.1:${await freePort()}`,
              clientId: 'x',
              clientSecret: 'y',
              allowInsecureRequests: true,
            },
          ],
        },
      }),
      { providers: [SignInHooks, McpFixtureHooks] },
    );
    idp = await startTestIdp(issuer, `${server.url}oauth/callback`);
    hooks = server.app.get(SignInHooks);
  });
  afterAll(async () => {
    await server.close();
    await idp.close();
    await github.close();
  });
  beforeEach(() => {
    hooks.veto = null;
  });

  const db = () => database(server).db;
  const actorsOf = (creator: string) =>
    db().selectFrom('actors').select(['id', 'creator']).where('creator', '=', creator).execute();
  const identities = () => db().selectFrom('identities').selectAll().orderBy('subject').execute();
  const sessionOf = async (browser: TestBrowser) => {
    const value = browser.cookies.get('aw_session');
    if (!value) return undefined;
    return db()
      .selectFrom('login_sessions')
      .selectAll()
      .where('id_hash', '=', sha256Hex(value))
      .executeTakeFirst();
  };

  describe('the sign-in page', () => {
    it('offers a button per provider: a POST form with a CSRF token, where to return and for which actor', async () => {
      const browser = new TestBrowser(server.url);
      const page = await browser.get(`${server.url}oauth/login?return_to=oauth%2Flogin%3Fx%3D1&actor=abc`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('Continue with Test IdP');
      expect(page.text).toContain('Continue with GitHub');
      expect(page.text).toContain('Continue with lax-idp');
      // The buttons' forms end in a redirect to the provider: no `form-action 'self'` on this page.
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      );
      const form = formFields(page.text, `oauth/login/${TEST_IDP}`);
      expect(form).toEqual({
        csrf: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        return_to: 'oauth/login?x=1',
        for_actor: 'abc',
      });
    });

    it('sends the browser to the provider with state, nonce and PKCE S256, bound to the browser by a cookie', async () => {
      const browser = new TestBrowser(server.url);
      const form = formFields(
        (await browser.get(`${server.url}oauth/login`)).text,
        `oauth/login/${TEST_IDP}`,
      );
      const res = await browser.post(`${server.url}oauth/login/${TEST_IDP}`, form);
      expect(res.status).toBe(302);
      const to = res.location!;
      expect(to.origin).toBe(idp.issuer);
      const q = to.searchParams;
      expect(q.get('response_type')).toBe('code');
      expect(q.get('client_id')).toBe('aw-test');
      expect(q.get('redirect_uri')).toBe(`${server.url}oauth/callback`);
      expect(q.get('scope')).toBe('openid email profile');
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const state = q.get('state')!;
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.headers.getSetCookie().join()).toMatch(
        /^aw_login=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/,
      );
      // Stored under the hash of state, bound to the hash of the cookie; neither value in clear.
      const row = await db()
        .selectFrom('login_states')
        .selectAll()
        .where('state_hash', '=', sha256Hex(state))
        .executeTakeFirst();
      expect(row).toMatchObject({
        provider: TEST_IDP,
        browser_hash: sha256Hex(browser.cookies.get('aw_login')!),
      });
      expect(JSON.stringify(row)).not.toContain(state);
    });

    it('refuses a start without a CSRF token, or from another site (403), and an unknown provider (404)', async () => {
      const browser = new TestBrowser(server.url);
      const form = formFields(
        (await browser.get(`${server.url}oauth/login`)).text,
        `oauth/login/${TEST_IDP}`,
      );
      const noToken = await browser.post(`${server.url}oauth/login/${TEST_IDP}`, { ...form, csrf: '' });
      expect(noToken.status).toBe(403);
      expect(noToken.text).toContain('did not come from this site');
      const crossSite = await browser.post(`${server.url}oauth/login/${TEST_IDP}`, form, {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      });
      expect(crossSite.status).toBe(403);
      const unknown = await browser.post(`${server.url}oauth/login/nope`, form);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(unknown.text).toContain('No identity provider nope here');
    });

    it('shows a 502 page when the provider cannot be reached', async () => {
      const browser = new TestBrowser(server.url);
      const form = formFields((await browser.get(`${server.url}oauth/login`)).text, 'oauth/login/down-idp');
      const res = await browser.post(`${server.url}oauth/login/down-idp`, form);
      expect(res.status).toBe(502);
      expect(res.text).toContain('Signing in with down-idp failed');
      expect(res.text).toContain('Back to sign-in');
    });
  });

  describe('with an OpenID Connect provider', () => {
    it('creates the actor of a new verified email (creator = the email, lower-cased) and signs the browser in', async () => {
      idp.signInAs({ sub: 'carol-sub', email: 'Carol@Example.COM', email_verified: true });
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider(
        TEST_IDP,
        `${server.url}oauth/login?return_to=oauth%2Flogin%3Fdone%3D1`,
      );
      expect(res.status).toBe(302);
      expect(res.location?.href).toBe(`${server.url}oauth/login?done=1`);

      const [actor] = await actorsOf('carol@example.com');
      expect(actor).toBeDefined();
      expect(hooks.created.filter((c) => c === 'carol@example.com')).toHaveLength(1);
      expect(await sessionOf(browser)).toMatchObject({
        actor_id: actor.id,
        login_name: 'carol@example.com',
        method: `oidc:${TEST_IDP}`,
      });
      expect((await identities()).find((i) => i.subject === 'carol-sub')).toMatchObject({
        provider: TEST_IDP,
        email: 'carol@example.com',
        actor_id: actor.id,
      });
      const success = hooks.successes.at(-1)!;
      expect(success).toMatchObject({
        event: 'oauth_success',
        provider: TEST_IDP,
        email: 'carol@example.com',
        subject: 'carol-sub',
        actorCreated: true,
        claims: expect.objectContaining({
          sub: 'carol-sub',
          email: 'Carol@Example.COM',
          email_verified: true,
        }),
      });
      expect(success.actor.id).toBe(actor.id);
      const page = await browser.get(`${server.url}oauth/login`);
      expect(page.text).toContain('You are signed in as <strong>carol@example.com</strong>');
    });

    it('finds the same actor at the next sign-in, without creating another', async () => {
      idp.signInAs({ sub: 'carol-sub', email: 'carol@example.com', email_verified: true });
      const createdBefore = hooks.created.length;
      const browser = new TestBrowser(server.url);
      expect((await browser.signInWithProvider(TEST_IDP)).status).toBe(302);
      const actors = await actorsOf('carol@example.com');
      expect(actors).toHaveLength(1);
      expect((await sessionOf(browser))?.actor_id).toBe(actors[0].id);
      expect(hooks.created.length).toBe(createdBefore);
      expect(hooks.successes.at(-1)).toMatchObject({ actorCreated: false, email: 'carol@example.com' });
    });

    it('signs in to an actor created before with POST / when its creator is the email', async () => {
      const bob = await createActor(server, 'bob@example.com');
      idp.signInAs({ sub: 'bob-sub', email: 'bob@example.com', email_verified: true });
      const browser = new TestBrowser(server.url);
      expect((await browser.signInWithProvider(TEST_IDP)).status).toBe(302);
      expect((await sessionOf(browser))?.actor_id).toBe(bob.id);
      expect(await actorsOf('bob@example.com')).toHaveLength(1);
    });

    // (A real race on PostgreSQL, where each query is a round trip; SQLite runs them one at a time anyway.)
    it('creates one actor when two sign-ins of a new email complete at once; actor_created fires once', async () => {
      idp.signInAs({ sub: 'dana-sub', email: 'dana@example.com', email_verified: true });
      const first = new TestBrowser(server.url);
      const second = new TestBrowser(server.url);
      const callbacks = [
        await first.startProviderSignIn(TEST_IDP),
        await second.startProviderSignIn(TEST_IDP),
      ];
      idp.holdUserInfo(2); // both callbacks reach the actor lookup together
      const [a, b] = await Promise.all([first.get(callbacks[0]), second.get(callbacks[1])]);
      expect([a.status, b.status]).toEqual([302, 302]);
      const actors = await actorsOf('dana@example.com');
      expect(actors).toHaveLength(1);
      expect(hooks.created.filter((c) => c === 'dana@example.com')).toHaveLength(1);
      expect((await sessionOf(first))?.actor_id).toBe(actors[0].id);
      expect((await sessionOf(second))?.actor_id).toBe(actors[0].id);
      expect(
        hooks.successes
          .filter((s) => s.email === 'dana@example.com')
          .map((s) => s.actorCreated)
          .sort(),
      ).toEqual([false, true]);
    });

    it('refuses an unverified email (403): no actor, no session, no identity', async () => {
      idp.signInAs({ sub: 'erin-sub', email: 'erin@example.com', email_verified: false });
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider(TEST_IDP);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toContain('Test IdP has not verified the email address of this account');
      expect(await actorsOf('erin@example.com')).toHaveLength(0);
      expect(browser.cookies.has('aw_session')).toBe(false);
      expect((await identities()).some((i) => i.subject === 'erin-sub')).toBe(false);
      expect(hooks.successes.some((s) => s.email === 'erin@example.com')).toBe(false);
    });

    it('refuses an account without an email (403)', async () => {
      idp.signInAs({ sub: 'no-email-sub' });
      const res = await new TestBrowser(server.url).signInWithProvider(TEST_IDP);
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not give an email address');
    });

    it('accepts an unverified email from a provider configured with allowUnverifiedEmail', async () => {
      idp.signInAs({ sub: 'erin-sub', email: 'erin@example.com', email_verified: false });
      const browser = new TestBrowser(server.url);
      expect((await browser.signInWithProvider('lax-idp')).status).toBe(302);
      const [actor] = await actorsOf('erin@example.com');
      expect((await sessionOf(browser))?.actor_id).toBe(actor.id);
    });

    it('follows the email when the same account changes it: the new email is a new actor', async () => {
      idp.signInAs({ sub: 'frank-sub', email: 'frank@example.com', email_verified: true });
      expect((await new TestBrowser(server.url).signInWithProvider(TEST_IDP)).status).toBe(302);
      idp.signInAs({ sub: 'frank-sub', email: 'frank@new.example', email_verified: true });
      const browser = new TestBrowser(server.url);
      expect((await browser.signInWithProvider(TEST_IDP)).status).toBe(302);
      const [renamed] = await actorsOf('frank@new.example');
      expect((await sessionOf(browser))?.actor_id).toBe(renamed.id);
      expect(await actorsOf('frank@example.com')).toHaveLength(1);
      expect((await identities()).find((i) => i.subject === 'frank-sub')).toMatchObject({
        email: 'frank@new.example',
        actor_id: renamed.id,
      });
    });
  });

  describe('the callback is bound to the browser that started the sign-in', () => {
    beforeEach(() => idp.signInAs({ sub: 'gina-sub', email: 'gina@example.com', email_verified: true }));

    const refused = (res: { status: number; text: string }) => {
      expect(res.status).toBe(400);
      expect(res.text).toContain(
        'This sign-in has expired, was already used, or was started in another browser',
      );
    };

    it('refuses a callback without the sign-in cookie (another browser) with a 400 page', async () => {
      const callback = await new TestBrowser(server.url).startProviderSignIn(TEST_IDP);
      const other = new TestBrowser(server.url);
      const res = await other.get(callback);
      refused(res);
      expect(other.cookies.has('aw_session')).toBe(false);
      expect(await actorsOf('gina@example.com')).toHaveLength(0);
    });

    it('refuses a callback in a browser with its own sign-in cookie (login CSRF)', async () => {
      const victim = new TestBrowser(server.url);
      await victim.startProviderSignIn(TEST_IDP); // the victim has a sign-in cookie of its own
      const planted = await new TestBrowser(server.url).startProviderSignIn(TEST_IDP);
      refused(await victim.get(planted));
      expect(victim.cookies.has('aw_session')).toBe(false);
    });

    it('refuses a changed state, a missing state, a replayed callback and an expired sign-in', async () => {
      const browser = new TestBrowser(server.url);
      const callback = await browser.startProviderSignIn(TEST_IDP);
      const forged = new URL(callback);
      forged.searchParams.set('state', 'A'.repeat(43));
      refused(await browser.get(forged));
      const noState = new URL(callback);
      noState.searchParams.delete('state');
      refused(await browser.get(noState));
      expect((await browser.get(callback)).status).toBe(302); // the genuine one still works, once
      refused(await browser.get(callback));

      const late = new TestBrowser(server.url);
      const lateCallback = await late.startProviderSignIn(TEST_IDP);
      await db()
        .updateTable('login_states')
        .set({ expires_at: Date.now() - 1 })
        .where('state_hash', '=', sha256Hex(lateCallback.searchParams.get('state')!))
        .execute();
      refused(await late.get(lateCallback));
    });
  });

  describe('the oauth_success hook', () => {
    beforeEach(() => idp.signInAs({ sub: 'hank-sub', email: 'hank@example.com', email_verified: true }));

    it('refuses the sign-in (403 page, no session) when a hook returns false', async () => {
      hooks.veto = () => false;
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider(TEST_IDP);
      expect(res.status).toBe(403);
      expect(res.text).toContain('This application refused the sign-in.');
      expect(browser.cookies.has('aw_session')).toBe(false);
      expect((await identities()).some((i) => i.subject === 'hank-sub')).toBe(false);
    });

    it("shows the message of an ActingWebError the hook throws, and hides any other error's", async () => {
      hooks.veto = () => {
        throw new ForbiddenError('Only staff may sign in here');
      };
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider(TEST_IDP);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Only staff may sign in here');

      hooks.veto = () => {
        throw new Error('database password is hunter2');
      };
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const hidden = await new TestBrowser(server.url).signInWithProvider(TEST_IDP);
        expect(hidden.status).toBe(403);
        expect(hidden.text).toContain('This application refused the sign-in.');
        expect(hidden.text).not.toContain('hunter2');
        // The application's bug is in the server log, with the hook that threw.
        expect(String(logged.mock.calls[0]?.[0])).toContain(
          'Hook SignInHooks.onSuccess (lifecycle:oauth_success)',
        );
      } finally {
        logged.mockRestore();
      }
    });

    it('lets the sign-in through when hooks return anything but false', async () => {
      hooks.veto = () => undefined;
      const browser = new TestBrowser(server.url);
      expect((await browser.signInWithProvider(TEST_IDP)).status).toBe(302);
      expect((await sessionOf(browser))?.login_name).toBe('hank@example.com');
    });
  });

  describe('a sign-in started for an actor', () => {
    it("refuses another person's account (403) and creates nothing for it", async () => {
      const owner = await createActor(server, 'ivy@example.com');
      idp.signInAs({ sub: 'mallory-sub', email: 'mallory@example.com', email_verified: true });
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider(TEST_IDP, `${server.url}oauth/login?actor=${owner.id}`);
      expect(res.status).toBe(403);
      expect(res.text).toContain(`does not own actor ${owner.id}`);
      expect(res.text).toContain(`oauth/login?return_to=oauth%2Flogin&amp;actor=${owner.id}`);
      expect(browser.cookies.has('aw_session')).toBe(false);
      expect(await actorsOf('mallory@example.com')).toHaveLength(0);

      idp.signInAs({ sub: 'ivy-sub', email: 'ivy@example.com', email_verified: true });
      const ownerBrowser = new TestBrowser(server.url);
      expect(
        (await ownerBrowser.signInWithProvider(TEST_IDP, `${server.url}oauth/login?actor=${owner.id}`))
          .status,
      ).toBe(302);
      expect((await sessionOf(ownerBrowser))?.actor_id).toBe(owner.id);
    });
  });

  describe('with GitHub', () => {
    it('signs in with the primary, verified address; PKCE and the client secret reach the token endpoint', async () => {
      github.signInAs({
        id: 4242,
        login: 'octo',
        emails: [
          { email: 'octo@users.noreply.example', primary: false, verified: true },
          { email: 'Octo@Example.com', primary: true, verified: true },
        ],
      });
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider('github');
      expect(res.status).toBe(302);
      const [actor] = await actorsOf('octo@example.com');
      expect(await sessionOf(browser)).toMatchObject({ actor_id: actor.id, method: 'oidc:github' });
      expect((await identities()).find((i) => i.provider === 'github')).toMatchObject({
        subject: '4242',
        email: 'octo@example.com',
      });
      expect(hooks.successes.at(-1)).toMatchObject({
        provider: 'github',
        subject: '4242',
        claims: { sub: '4242', login: 'octo', email: 'Octo@Example.com', email_verified: true },
      });
      expect(github.requests).toEqual(
        expect.arrayContaining(['POST /login/oauth/access_token', 'GET /api/user', 'GET /api/user/emails']),
      );
    });

    it('refuses an unverified primary address even when a secondary one is verified (403)', async () => {
      github.signInAs({
        id: 5151,
        login: 'sneaky',
        emails: [
          { email: 'victim@example.com', primary: true, verified: false },
          { email: 'sneaky@example.com', primary: false, verified: true },
        ],
      });
      const browser = new TestBrowser(server.url);
      const res = await browser.signInWithProvider('github');
      expect(res.status).toBe(403);
      expect(res.text).toContain('GitHub has not verified the email address');
      expect(await actorsOf('victim@example.com')).toHaveLength(0);
      expect(await actorsOf('sneaky@example.com')).toHaveLength(0);
    });

    it('shows a 400 page when the person cancels at GitHub, and a 502 page when the code is refused', async () => {
      github.denyNext();
      const browser = new TestBrowser(server.url);
      const denied = await browser.signInWithProvider('github');
      expect(denied.status).toBe(400);
      expect(denied.text).toContain(
        'GitHub did not sign you in: The user has denied your application access. (access_denied)',
      );
      expect(denied.text).toContain('Back to sign-in');

      github.signInAs({
        id: 4242,
        login: 'octo',
        emails: [{ email: 'octo@example.com', primary: true, verified: true }],
      });
      const callback = await browser.startProviderSignIn('github');
      callback.searchParams.set('code', 'not-a-code');
      const failed = await browser.get(callback);
      expect(failed.status).toBe(502);
      expect(failed.text).toContain('Signing in with GitHub failed');
      expect(browser.cookies.has('aw_session')).toBe(false);
    });
  });

  describe('connecting an MCP client with a provider sign-in', () => {
    it('runs authorize → sign-in page → provider → callback → consent → token for the official SDK client', async () => {
      const owner = await createActor(server, 'jo@example.com');
      idp.signInAs({ sub: 'jo-sub', email: 'jo@example.com', email_verified: true });
      const browser = new TestBrowser(server.url);
      const provider = new TestOAuthProvider(browser, {
        redirectUrl: 'http://127.0.0.1:9601/callback',
        provider: TEST_IDP,
        clientName: 'SDK via provider sign-in',
      });
      const transport = new StreamableHTTPClientTransport(new URL(`${server.url}${owner.id}/mcp`), {
        authProvider: provider,
      });
      const client = new Client({ name: 'provider-sign-in-e2e', version: '1.0.0' });
      await client.connect(transport);
      try {
        await expect(client.listTools()).rejects.toThrow(UnauthorizedError);
        expect(provider.authorizations).toBe(1);
        expect(await sessionOf(browser)).toMatchObject({ actor_id: owner.id, method: `oidc:${TEST_IDP}` });
        await transport.finishAuth(provider.callback!.searchParams.get('code')!);
        const tools = ListToolsResultSchema.parse(await client.listTools());
        expect(tools.tools.map((t) => t.name)).toContain('search');
        const trust = await db()
          .selectFrom('trusts')
          .select(['peer_id', 'peer_identifier', 'client_name'])
          .where('actor_id', '=', owner.id)
          .executeTakeFirstOrThrow();
        expect(trust).toMatchObject({
          peer_identifier: 'jo@example.com',
          client_name: 'SDK via provider sign-in',
        });
        expect(trust.peer_id).toMatch(/^oauth2_client:jo_at_example_dot_com:/);
      } finally {
        await client.close();
      }
    });

    it("refuses the provider sign-in when it is another person's account for the actor's MCP URL", async () => {
      const owner = await createActor(server, 'kim@example.com');
      idp.signInAs({ sub: 'lee-sub', email: 'lee@example.com', email_verified: true });
      const browser = new TestBrowser(server.url);
      const { challenge } = pkce();
      const start = await browser.get(
        authorizeUrl(server, {
          clientId: await dcrClient(),
          redirectUri: 'http://127.0.0.1:9602/callback',
          challenge,
          resource: `${server.url}${owner.id}/mcp`,
        }),
      );
      expect(start.status).toBe(302);
      expect(start.location?.searchParams.get('actor')).toBe(owner.id);
      const res = await browser.signInWithProvider(TEST_IDP, start.location!);
      expect(res.status).toBe(403);
      expect(res.text).toContain(`does not own actor ${owner.id}`);
      expect(browser.cookies.has('aw_session')).toBe(false);
      expect(await actorsOf('lee@example.com')).toHaveLength(0);
    });

    async function dcrClient(): Promise<string> {
      const res = await call(`${server.url}oauth/register`, {
        method: 'POST',
        body: {
          client_name: 'Raw client',
          redirect_uris: ['http://127.0.0.1:9602/callback'],
          token_endpoint_auth_method: 'none',
        },
      });
      return res.json.client_id;
    }
  });

  it("deletes an actor's identities with the actor", async () => {
    idp.signInAs({ sub: 'max-sub', email: 'max@example.com', email_verified: true });
    expect((await new TestBrowser(server.url).signInWithProvider(TEST_IDP)).status).toBe(302);
    const [actor] = await db()
      .selectFrom('actors')
      .select(['id', 'passphrase'])
      .where('creator', '=', 'max@example.com')
      .execute();
    expect((await identities()).some((i) => i.actor_id === actor.id)).toBe(true);
    const res = await call(`${server.url}${actor.id}`, {
      method: 'DELETE',
      headers: {
        authorization: `Basic ${Buffer.from(`max@example.com:${actor.passphrase}`).toString('base64')}`,
      },
    });
    expect(res.status).toBe(204);
    expect((await identities()).some((i) => i.actor_id === actor.id)).toBe(false);
  });
});

/** Limits, and an application that does not create actors at sign-in (with the fake GitHub, which takes any redirect URI). */
describe.each(STORAGES)('Provider sign-in options on $name', (storage) => {
  let github: FakeGitHub;
  const servers: TestServer[] = [];
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await github.close();
  });

  async function serverWith(identity: Record<string, unknown>): Promise<TestServer> {
    const server = await startFreshServer(
      storage,
      identityServerOptions({ identity: { providers: [github.providerOptions() as never], ...identity } }),
    );
    servers.push(server);
    return server;
  }

  const account = (id: number, email: string) =>
    github.signInAs({ id, login: `u${id}`, emails: [{ email, primary: true, verified: true }] });

  it('autoCreateActor: false signs in existing owners only (403 otherwise)', async () => {
    const server = await serverWith({ autoCreateActor: false });
    account(1, 'nobody@example.com');
    const res = await new TestBrowser(server.url).signInWithProvider('github');
    expect(res.status).toBe(403);
    expect(res.text).toContain('There is no actor for this account on this server.');
    expect(await database(server).db.selectFrom('actors').select('id').execute()).toHaveLength(0);

    const owner = await createActor(server, 'owner@example.com');
    account(2, 'owner@example.com');
    const browser = new TestBrowser(server.url);
    expect((await browser.signInWithProvider('github')).status).toBe(302);
    const session = await database(server)
      .db.selectFrom('login_sessions')
      .select('actor_id')
      .where('id_hash', '=', sha256Hex(browser.cookies.get('aw_session')!))
      .executeTakeFirst();
    expect(session?.actor_id).toBe(owner.id);
  });

  it('rate-limits new actors per address (sign-up) and sign-in starts per address (429 pages)', async () => {
    const server = await serverWith({
      rateLimits: { login: { max: 1, windowSeconds: 600 }, signUp: { max: 1, windowSeconds: 600 } },
    });
    account(3, 'first@example.com');
    expect((await new TestBrowser(server.url).signInWithProvider('github')).status).toBe(302);
    account(4, 'second@example.com');
    const tooMany = await new TestBrowser(server.url).signInWithProvider('github');
    expect(tooMany.status).toBe(429);
    expect(tooMany.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(tooMany.text).toContain('Too many new accounts');
    expect(
      await database(server)
        .db.selectFrom('actors')
        .select('id')
        .where('creator', '=', 'second@example.com')
        .execute(),
    ).toHaveLength(0);

    // Starts: three per address with login.max = 1 (two used above); the fourth is refused.
    const browser = new TestBrowser(server.url);
    await browser.startProviderSignIn('github');
    const form = formFields((await browser.get(`${server.url}oauth/login`)).text, 'oauth/login/github');
    const refused = await browser.post(`${server.url}oauth/login/github`, form);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many sign-in attempts');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formFields, TestBrowser } from './support/oauth-browser.js';
import { befriend, bearer } from './support/subscriptions.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { CONSOLE_PAGES, consoleActor, signedIn, submit, type ConsoleActor } from './support/www.js';

/**
 * Who may use an actor's console (`/<id>/www`): its owner, signed in or with
 * the creator's Basic credentials; nobody else. Every form needs its CSRF
 * token and a same-origin post. Pages are HTML, escaped, unframeable, without scripts.
 */
describe.each(STORAGES)('owner console access on $name', (storage) => {
  let server: TestServer;
  let owner: ConsoleActor;
  let other: ConsoleActor;
  let friendSecret: string;
  let adminSecret: string;
  let trustee: ConsoleActor;
  let ownerBrowser: TestBrowser;
  let pages: string[];

  beforeAll(async () => {
    server = await startFreshServer(storage, {
      identity: { rateLimits: { login: { max: 1000, windowSeconds: 60 } } },
    });
    owner = await consoleActor(server, 'owner@example.com');
    other = await consoleActor(server, 'other@example.com');
    const friend = await consoleActor(server, 'friend@example.com');
    const admin = await consoleActor(server, 'admin@example.com');
    trustee = await consoleActor(server, 'trustee', {
      passphrase: 'a-long-trustee-passphrase-0123456789',
      trustee_root: 'https://trustee.example/abc',
    });
    friendSecret = await befriend(friend, owner, 'friend');
    adminSecret = await befriend(admin, owner, 'admin');
    expect(
      (
        await call(`${owner.url}/properties/favourite`, {
          method: 'PUT',
          headers: owner.auth,
          body: 'cobalt-blue-42',
        })
      ).status,
    ).toBe(204);
    ownerBrowser = await signedIn(server, owner);
    pages = [...CONSOLE_PAGES, '/properties/favourite', `/trust/${friend.id}`];
  });
  afterAll(() => server.close());

  const page = (actor: ConsoleActor, path: string) => `${actor.console}${path}`;

  it('shows every page to the owner with Basic credentials and with a session: 200, HTML', async () => {
    for (const path of pages) {
      const withBasic = await call(page(owner, path), { headers: owner.auth });
      expect([path, withBasic.status]).toEqual([path, 200]);
      expect(withBasic.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const withSession = await ownerBrowser.get(page(owner, path));
      expect([path, withSession.status]).toEqual([path, 200]);
      expect(withSession.text).toContain('<main id="main">');
    }
  });

  it('sends a browser without a session to sign in (302), and back to the page after it', async () => {
    for (const path of pages) {
      const res = await call(page(owner, path));
      expect([path, res.status]).toEqual([path, 302]);
      const location = new URL(res.headers.get('location')!);
      expect(location.href.startsWith(`${server.url}oauth/login?`)).toBe(true);
      expect(location.searchParams.get('return_to')).toBe(`${owner.id}/www${path}`);
      expect(location.searchParams.get('actor')).toBe(owner.id);
    }
    const browser = new TestBrowser(server.url);
    const back = await browser.signIn(owner.id, owner.passphrase, `${owner.id}/www/trust`);
    expect(back.location?.href).toBe(`${owner.console}/trust`);
  });

  it.each([
    ['a wrong passphrase', () => ({ authorization: basic('owner@example.com', 'wrong') })],
    ['another actor’s creator credentials', () => other.auth],
    ['a friend’s trust secret', () => bearer(friendSecret)],
    ['an admin peer’s trust secret', () => bearer(adminSecret)],
    ['an unknown token', () => bearer('no-such-token')],
  ])('refuses %s with 403 on every page', async (_label, headers) => {
    for (const path of pages) {
      const res = await call(page(owner, path), { headers: headers() });
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).not.toContain('cobalt-blue-42');
    }
  });

  it('refuses the trustee: the console is the creator’s alone', async () => {
    const trusteeAuth = bearer('a-long-trustee-passphrase-0123456789');
    expect((await call(trustee.url, { headers: trusteeAuth })).status).toBe(200); // a trustee elsewhere
    for (const path of CONSOLE_PAGES) {
      expect((await call(page(trustee, path), { headers: trusteeAuth })).status).toBe(403);
    }
  });

  it('refuses the session of another actor’s owner (403, with a link to their own console)', async () => {
    const browser = await signedIn(server, other);
    for (const path of pages) {
      const res = await browser.get(page(owner, path));
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.text).toContain(`href="${other.console}"`);
      expect(res.text).not.toContain('cobalt-blue-42');
    }
  });

  it('answers 404 pages for an unknown actor and an unknown page', async () => {
    const unknown = await call(`${server.url}${'0'.repeat(32)}/www`, { headers: owner.auth });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const nowhere = await ownerBrowser.get(`${owner.console}/no/such/page`);
    expect(nowhere.status).toBe(404);
    expect(nowhere.text).toContain('no such page');
    // Behind the owner check like every page: a stranger learns nothing.
    expect((await call(`${owner.console}/no/such/page`, { headers: other.auth })).status).toBe(403);
  });

  it('refuses every form posted without its CSRF token (403), and changes nothing', async () => {
    const forms = [
      ['/properties', { name: 'added', kind: 'text', value: 'x' }],
      ['/properties/favourite/save', { value: 'red', format: 'text' }],
      ['/properties/favourite/keys', { key: 'k', value: 'v' }],
      ['/properties/favourite/delete', {}],
      ['/properties/favourite/items', { value: 'x' }],
      ['/properties/favourite/items/0/save', { value: 'x' }],
      ['/properties/favourite/items/0/delete', {}],
      ['/properties/favourite/metadata', { description: 'd' }],
      ['/trust', { peer_url: other.url, relationship: 'friend' }],
      [`/trust/${other.id}/approve`, {}],
      [`/trust/${other.id}/delete`, {}],
      [`/trust/${other.id}/refresh`, {}],
      [`/trust/${other.id}/permissions`, {}],
      [`/trust/${other.id}/permissions/reset`, {}],
      ['/subscriptions', { peer: other.id, target: 'properties', granularity: 'high' }],
      [`/subscriptions/${other.id}/s1/delete`, {}],
      ['/clients/revoke', { client_id: 'c' }],
    ] as const;
    for (const [path, fields] of forms) {
      const res = await ownerBrowser.post(page(owner, path), fields);
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      // Basic credentials (which a browser sends by itself) do not stand in for the token either.
      const basicOnly = await call(page(owner, path), {
        method: 'POST',
        headers: { ...owner.auth, 'content-type': 'application/x-www-form-urlencoded' },
        raw: new URLSearchParams(fields).toString(),
      });
      expect([path, basicOnly.status]).toEqual([path, 403]);
    }
    const start = await ownerBrowser.post(`${server.url}www`, { creator: 'csrf@example.com' });
    expect(start.status).toBe(403);
    expect((await call(`${owner.url}/properties/favourite`, { headers: owner.auth })).text).toBe(
      'cobalt-blue-42',
    );
    expect((await call(`${owner.url}/properties/added`, { headers: owner.auth })).status).toBe(404);
  });

  it('refuses a token from another browser, and a cross-site post even with the right token', async () => {
    const stolen = await submit(
      ownerBrowser,
      `${owner.console}/properties/favourite`,
      `${owner.console}/properties/favourite/save`,
      { value: 'green', format: 'text' },
    );
    expect(stolen.status).toBe(303); // the right browser: saved
    const page2 = await ownerBrowser.get(`${owner.console}/properties/favourite`);
    const token = formFields(page2.text, `${owner.console}/properties/favourite/save`).csrf;
    const elsewhere = await signedIn(server, owner);
    const replay = await elsewhere.post(`${owner.console}/properties/favourite/save`, {
      csrf: token,
      value: 'red',
      format: 'text',
    });
    expect(replay.status).toBe(403);
    const crossSite = await ownerBrowser.post(
      `${owner.console}/properties/favourite/save`,
      { csrf: token, value: 'red', format: 'text' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect(crossSite.text).toContain('Cross-site form submission refused');
    expect((await call(`${owner.url}/properties/favourite`, { headers: owner.auth })).text).toBe('green');
    // The same token from its own browser, same-origin: accepted.
    const own = await ownerBrowser.post(`${owner.console}/properties/favourite/save`, {
      csrf: token,
      value: 'cobalt-blue-42',
      format: 'text',
    });
    expect(own.status).toBe(303);
    expect((await call(`${owner.url}/properties/favourite`, { headers: owner.auth })).text).toBe(
      'cobalt-blue-42',
    );
  });

  it('sends pages that run no script and cannot be framed, with HttpOnly SameSite=Lax cookies', async () => {
    const res = await ownerBrowser.get(owner.console);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).not.toMatch(/<script|\son[a-z]+=|style="/i);
    const fresh = await call(`${server.url}www`);
    const cookie = fresh.headers.getSetCookie().find((c) => c.startsWith('aw_csrf='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // an http:// base URL
  });

  it('renders a property named <script> inert, name and value escaped', async () => {
    const created = await call(`${owner.url}/properties`, {
      method: 'POST',
      headers: owner.auth,
      body: { '<script>': '<img src=x onerror=alert(1)>' },
    });
    expect(created.status).toBe(201);
    for (const path of ['/properties', '/properties/%3Cscript%3E']) {
      const res = await ownerBrowser.get(page(owner, path));
      expect(res.status).toBe(200);
      expect(res.text).toContain('&lt;script&gt;');
      expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(res.text).not.toMatch(/<script|<img/i);
    }
  });
});

describe.each(STORAGES)('owner console without sign-in (identity off) on $name', (storage) => {
  let server: TestServer;
  let owner: ConsoleActor;
  beforeAll(async () => {
    server = await startFreshServer(storage);
    owner = await consoleActor(server);
  });
  afterAll(() => server.close());

  it('challenges with Basic (401, HTML) and lets the creator in', async () => {
    for (const path of CONSOLE_PAGES) {
      const anonymous = await call(`${owner.console}${path}`);
      expect([path, anonymous.status]).toEqual([path, 401]);
      expect(anonymous.headers.get('www-authenticate')).toBe(`Basic realm="${new URL(server.url).host}"`);
      expect(anonymous.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect((await call(`${owner.console}${path}`, { headers: owner.auth })).status).toBe(200);
    }
    const post = await call(`${owner.console}/properties`, {
      method: 'POST',
      raw: 'name=x&value=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.status).toBe(401);
  });

  it('works for a browser with Basic credentials: forms carry a token bound to its cookie', async () => {
    const browser = new TestBrowser(server.url);
    const res = await submit(
      browser,
      `${owner.console}/properties`,
      `${owner.console}/properties`,
      { name: 'greeting', kind: 'text', value: 'hi' },
      owner.auth,
    );
    expect(res.status).toBe(303);
    expect((await call(`${owner.url}/properties/greeting`, { headers: owner.auth })).text).toBe('hi');
    // The same form from a browser without the cookie: refused.
    const stranger = new TestBrowser(server.url);
    const token = formFields(
      (await browser.get(`${owner.console}/properties`, owner.auth)).text,
      `${owner.console}/properties`,
    ).csrf;
    const refused = await stranger.post(
      `${owner.console}/properties`,
      { csrf: token, name: 'x', value: 'y' },
      owner.auth,
    );
    expect(refused.status).toBe(403);
  });
});

describe('owner console cookies on an https base URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(STORAGES[0], { baseUrl: 'https://console.example/', identity: {} });
  });
  afterAll(() => server.close());

  it('are Secure, HttpOnly, SameSite=Lax and __Host- prefixed', async () => {
    const res = await call(`${server.url}www`);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-aw_csrf='))!;
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
  });
});

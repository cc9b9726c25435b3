import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  describeWithChromium,
  openChromium,
  screenshot,
  seriousViolations,
  type AxeViolation,
} from './support/browser.js';
import { mcpToolsList, obtainTokens, registerClient } from './support/identity-fixtures.js';
import { TestBrowser } from './support/oauth-browser.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const BROWSER_TIMEOUT_MS = 120_000;
const IDENTITY = { identity: { rateLimits: { login: { max: 1000, windowSeconds: 60 } } } };

/**
 * The owner console in a real browser (Debian's Chromium through
 * playwright-core), as a person uses it: create an actor and sign in, edit a
 * property and a list, start a trust on server A and approve it in B's
 * console, subscribe and see the subscription on both sides, revoke a
 * connected application. Every page is checked with axe-core in light and
 * dark (no serious or critical violation) and photographed into the test
 * output. The same pages are covered over plain HTTP on both backends by the
 * other www suites; this one runs on the default storage.
 */
describeWithChromium('owner console in Chromium', () => {
  let serverA: TestServer;
  let serverB: TestServer;
  let chromeA: Awaited<ReturnType<typeof openChromium>>;
  let chromeB: Awaited<ReturnType<typeof openChromium>>;
  let pageA: Page;
  let pageB: Page;
  const findings: { page: string; scheme: string; violations: AxeViolation[] }[] = [];
  const alice = { id: '', passphrase: '', console: '' };

  beforeAll(async () => {
    serverA = await startFreshServer(STORAGES[0], { ...IDENTITY, www: { title: 'Notes' } });
    serverB = await startFreshServer(STORAGES[0], { ...IDENTITY, www: { title: 'Notes' } });
    chromeA = await openChromium();
    chromeB = await openChromium();
    pageA = await chromeA.context.newPage();
    pageB = await chromeB.context.newPage();
  }, BROWSER_TIMEOUT_MS);
  afterAll(async () => {
    await chromeA?.close();
    await chromeB?.close();
    await serverA?.close();
    await serverB?.close();
  }, BROWSER_TIMEOUT_MS);

  /** Photographs the page and runs axe on it, light and dark; findings are checked at the end. */
  async function look(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      findings.push({ page: name, scheme, violations: await seriousViolations(page) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }

  const notice = (page: Page) => page.locator('[role=status]').textContent();
  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
  /** Clicks a link or submit button and waits for the page it leads to. */
  const press = async (page: Page, selector: string) => {
    await Promise.all([page.waitForNavigation(), page.click(selector)]);
  };

  it(
    'creates an actor on the start page, signs out and signs in again',
    async () => {
      await pageA.goto(serverA.url); // GET / sends browsers to the start page
      expect(pageA.url()).toBe(`${serverA.url}www`);
      await look(pageA, 'start');
      await pageA.fill('#creator', 'alice@example.com');
      await press(pageA, 'button:text-is("Create")');
      expect(await text(pageA, 'h1')).toBe('Your actor is ready');
      alice.id = (await pageA.locator('dt:text("Actor id") + dd code').textContent())!;
      alice.passphrase = (await pageA.locator('dt:text("Passphrase") + dd code').textContent())!;
      alice.console = `${serverA.url}${alice.id}/www`;
      await look(pageA, 'created');

      await press(pageA, 'a:text-is("Open your console")');
      expect(pageA.url()).toBe(alice.console);
      await press(pageA, 'button:has-text("Sign out")');
      expect(pageA.url()).toBe(`${serverA.url}www`);
      await pageA.goto(alice.console);
      expect(pageA.url()).toContain(`${serverA.url}oauth/login?`);
      await pageA.fill('#passphrase', alice.passphrase);
      await press(pageA, 'button:has-text("Sign in")');
      expect(pageA.url()).toBe(alice.console);
      expect(await text(pageA, 'h1')).toBe('Your actor');
      await look(pageA, 'overview');
      // The same page dark, and on a phone.
      await pageA.emulateMedia({ colorScheme: 'dark' });
      await screenshot(pageA, 'overview-dark');
      await pageA.emulateMedia({ colorScheme: 'light' });
      await pageA.setViewportSize({ width: 390, height: 780 });
      await screenshot(pageA, 'overview-phone');
      await pageA.setViewportSize({ width: 1000, height: 720 });
    },
    BROWSER_TIMEOUT_MS,
  );

  it(
    'creates and edits a property, and adds an item to a list',
    async () => {
      const auth = { authorization: basic('alice@example.com', alice.passphrase) };
      await press(pageA, 'nav >> text=Properties');
      await pageA.fill('#name', 'greeting');
      await pageA.fill('#value', 'Hello');
      await press(pageA, 'button:text-is("Add")');
      expect(await notice(pageA)).toBe('Property added.');
      await pageA.fill('#value', 'Hello again');
      await press(pageA, 'button:text-is("Save")');
      expect(await notice(pageA)).toBe('Saved.');
      expect((await call(`${serverA.url}${alice.id}/properties/greeting`, { headers: auth })).text).toBe(
        'Hello again',
      );
      await look(pageA, 'property');

      await press(pageA, 'nav >> text=Properties');
      await pageA.fill('#name', 'notes');
      await pageA.check('input[name=kind][value=list]');
      await pageA.fill('#value', 'Things to remember');
      await press(pageA, 'button:text-is("Add")');
      await pageA.fill('#new-item', 'buy milk');
      await press(pageA, 'button:has-text("Add at the end")');
      expect(await notice(pageA)).toBe('Item added.');
      expect(await pageA.locator('tbody tr').count()).toBe(1);
      expect((await call(`${serverA.url}${alice.id}/properties/notes`, { headers: auth })).json).toEqual([
        'buy milk',
      ]);
      await look(pageA, 'list');

      // A property named <script> stays text: no script element, no handler ran.
      await call(`${serverA.url}${alice.id}/properties`, {
        method: 'POST',
        headers: auth,
        body: { '<script>': '<img src=x onerror="document.title=\'pwned\'">' },
      });
      await press(pageA, 'nav >> text=Properties');
      expect(await pageA.locator('th a:text-is("<script>")').count()).toBe(1);
      expect(await pageA.locator('script, main img').count()).toBe(0);
      expect(await pageA.title()).not.toBe('pwned');
      await look(pageA, 'properties');
    },
    BROWSER_TIMEOUT_MS,
  );

  it(
    'starts a trust from A and approves it in B’s console',
    async () => {
      const bob = await call(serverB.url, { method: 'POST', body: { creator: 'bob@example.com' } });
      const bobConsole = `${serverB.url}${bob.json.id}/www`;
      await press(pageA, 'nav >> text=Trust');
      await pageA.fill('#peer_url', `${serverB.url}${bob.json.id}`);
      await pageA.selectOption('#relationship', 'friend');
      await pageA.fill('#description', 'Alice, from the notes app');
      await press(pageA, 'button:has-text("Ask for trust")');
      expect(await notice(pageA)).toMatch(/Trust requested/);
      expect(await text(pageA, '#waiting')).toBe('Waiting for the peer');

      await pageB.goto(bobConsole);
      await pageB.fill('#passphrase', bob.json.passphrase);
      await press(pageB, 'button:has-text("Sign in")');
      await press(pageB, 'nav >> text=Trust');
      expect(await text(pageB, '#pending + .scroll')).toContain('Alice, from the notes app');
      await look(pageB, 'trust-request');
      await press(pageB, `button:has-text("Approve ${alice.id.slice(0, 8)}")`);
      expect(await notice(pageB)).toBe('Trust approved; the peer was told.');

      await pageA.reload();
      expect(await text(pageA, '#approved + .scroll')).toContain('friend');
      await look(pageA, 'trust');
      await press(pageA, `#approved + .scroll >> text=Permissions of ${bob.json.id.slice(0, 8)}`);
      expect(await text(pageA, 'h2#permissions')).toBe('Permissions');
      await look(pageA, 'trust-peer');
    },
    BROWSER_TIMEOUT_MS,
  );

  it(
    'subscribes A to B and shows the subscription on both consoles',
    async () => {
      await press(pageA, 'nav >> text=Subscriptions');
      await press(pageA, 'button:text-is("Subscribe")');
      expect(await notice(pageA)).toBe('Subscribed.');
      expect(await text(pageA, '#outbound + .scroll')).toContain('properties');
      await look(pageA, 'subscriptions');
      await press(pageB, 'nav >> text=Subscriptions');
      expect(await text(pageB, '#inbound + .scroll')).toContain(alice.id.slice(0, 8));
      expect(await text(pageB, '#inbound + .scroll')).toContain('up to date');
      await look(pageB, 'subscriptions-publisher');
    },
    BROWSER_TIMEOUT_MS,
  );

  it(
    'lists a connected MCP client and revokes it',
    async () => {
      const redirectUri = 'http://127.0.0.1:8123/callback';
      const registered = await registerClient(serverA, {
        client_name: 'Claude (test)',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
      });
      const tokens = await obtainTokens(
        serverA,
        new TestBrowser(serverA.url),
        { clientId: registered.client_id, redirectUri },
        { id: alice.id, creator: 'alice@example.com', passphrase: alice.passphrase },
      );
      expect((await mcpToolsList(`${serverA.url}${alice.id}/mcp`, tokens.access)).status).toBe(200);

      await press(pageA, 'nav >> text=Applications');
      expect(await text(pageA, 'tbody')).toContain('Claude (test)');
      await look(pageA, 'clients');
      await press(pageA, 'button:has-text("Revoke Claude (test)")');
      expect(await notice(pageA)).toMatch(/Access revoked/);
      expect(await text(pageA, 'main')).toContain('No application is connected.');
      expect((await mcpToolsList(`${serverA.url}${alice.id}/mcp`, tokens.access)).status).toBe(401);

      await press(pageA, 'nav >> text=Methods');
      await look(pageA, 'methods');
    },
    BROWSER_TIMEOUT_MS,
  );

  it('finds accessibility violations where there are some (the check is not blind)', async () => {
    const page = await chromeA.context.newPage();
    await page.setContent(
      '<html lang="en"><body><main><input type="text"><p style="color:#bbb">faint</p></main></body></html>',
    );
    const ids = (await seriousViolations(page)).map((v) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['label', 'color-contrast']));
    await page.close();
  });

  it('has no serious or critical accessibility violation on any page, light or dark', () => {
    expect(findings.length).toBeGreaterThanOrEqual(24);
    expect(findings.filter((f) => f.violations.length > 0)).toEqual([]);
  });
});

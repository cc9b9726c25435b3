import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mcpToolsList, obtainTokens, registerClient } from './support/identity-fixtures.js';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import { TestBrowser } from './support/oauth-browser.js';
import { waitFor } from './support/subscriptions.js';
import { call, freePort, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { consoleActor, fieldValue, message, signedIn, submit, type ConsoleActor } from './support/www.js';

const IDENTITY = { identity: { rateLimits: { login: { max: 1000, windowSeconds: 60 } } } };

/**
 * Trust, subscriptions, connected applications and methods in the owner
 * console, between two servers over real HTTP, on both backends. What a form
 * changed is checked through the protocol API on both sides; a peer that does
 * not answer leaves everything as it was and the page says so.
 */
describe.each(STORAGES)('owner console with peers on $name', (storage) => {
  let serverA: TestServer;
  let serverB: TestServer;
  let a: ConsoleActor;
  let b: ConsoleActor;
  let browserA: TestBrowser;
  let browserB: TestBrowser;

  beforeAll(async () => {
    serverA = await startFreshServer(storage, IDENTITY, { providers: [McpFixtureHooks] });
    serverB = await startFreshServer(storage, IDENTITY);
    a = await consoleActor(serverA, 'alice@example.com');
    b = await consoleActor(serverB, 'bob@example.com');
    browserA = await signedIn(serverA, a);
    browserB = await signedIn(serverB, b);
  });
  afterAll(async () => {
    await serverA.close();
    await serverB.close();
  });

  const trustOf = async (actor: ConsoleActor, peerId: string) =>
    (await call(`${actor.url}/trust`, { headers: actor.auth })).json?.find(
      (t: { peerid: string }) => t.peerid === peerId,
    );

  it('starts a trust from A’s console and approves it on B’s', async () => {
    const asked = await submit(browserA, `${a.console}/trust`, `${a.console}/trust`, {
      peer_url: b.url,
      relationship: 'friend',
      description: 'Alice here',
    });
    expect(asked.status).toBe(303);
    expect(asked.location?.href).toBe(`${a.console}/trust?notice=trust-requested`);
    expect(await trustOf(a, b.id)).toMatchObject({
      approved: true,
      peer_approved: false,
      relationship: 'friend',
    });
    expect((await browserA.get(`${a.console}/trust`)).text).toContain('Waiting for the peer');

    const pending = await browserB.get(`${b.console}/trust`);
    expect(pending.text).toContain('Waiting for your approval');
    expect(pending.text).toContain('Alice here');
    const approved = await submit(browserB, `${b.console}/trust`, `${b.console}/trust/${a.id}/approve`);
    expect(approved.status).toBe(303);
    expect(message((await browserB.get(approved.location!)).text, 'status')).toMatch(/approved/);
    expect(await trustOf(b, a.id)).toMatchObject({ approved: true, peer_approved: true });
    expect(await trustOf(a, b.id)).toMatchObject({ approved: true, peer_approved: true }); // B told A
    expect((await browserA.get(`${a.console}/trust`)).text).toContain(
      `Delete trust with ${b.id.slice(0, 8)}`,
    );
  });

  it('edits the permissions of one trust, refuses a bad rule with the form kept, and resets them', async () => {
    const peerPage = `${b.console}/trust/${a.id}`;
    const permissions = () =>
      call(`${b.url}/trust/friend/${a.id}/permissions`, { headers: b.auth }).then((r) => r.json);
    const saved = await submit(browserB, peerPage, `${peerPage}/permissions`, {
      properties_custom: '1',
      properties_patterns: 'public/*\nprofile',
      properties_operations: 'read',
      properties_excluded: '',
      notes: 'only the public part',
    });
    expect(saved.status).toBe(303);
    // The override's patterns add to the friend type's (`*`), its operations replace the type's.
    expect(await permissions()).toMatchObject({
      is_custom: true,
      properties: { patterns: ['*', 'public/*', 'profile'], operations: ['read'] },
      notes: 'only the public part',
    });
    const shown = await browserB.get(peerPage);
    expect(shown.text).toContain('name="properties_custom" value="1" checked');
    expect(fieldValue(shown.text, 'properties_patterns')).toBe('public/*\nprofile');
    expect((await browserB.get(`${b.console}/trust`)).text).toContain('custom permissions');

    const tooLong = 'x'.repeat(300);
    const refused = await submit(browserB, peerPage, `${peerPage}/permissions`, {
      methods_custom: '1',
      methods_allowed: tooLong,
    });
    expect(refused.status).toBe(400);
    expect(message(refused.text, 'alert')).toMatch(/at most 256/);
    expect(fieldValue(refused.text, 'methods_allowed')).toBe(tooLong);
    expect((await permissions()).methods).not.toEqual({ allowed: [tooLong] });

    const reset = await submit(browserB, peerPage, `${peerPage}/permissions/reset`);
    expect(reset.status).toBe(303);
    expect(await permissions()).toMatchObject({ is_custom: false });
  });

  it('subscribes A to B, shows both sides with their sequence and delivery, and ends it', async () => {
    const subscribed = await submit(browserA, `${a.console}/subscriptions`, `${a.console}/subscriptions`, {
      peer: b.id,
      target: 'properties',
      subtarget: '',
      granularity: 'high',
    });
    expect(subscribed.status).toBe(303);
    const outbound = (await call(`${a.url}/subscriptions`, { headers: a.auth })).json;
    expect(JSON.stringify(outbound)).toContain(b.id);
    expect((await browserA.get(`${a.console}/subscriptions`)).text).toContain(
      `Unsubscribe from ${b.id.slice(0, 8)}`,
    );
    const inbound = await browserB.get(`${b.console}/subscriptions`);
    expect(inbound.text).toContain(`End subscription of ${a.id.slice(0, 8)}`);
    expect(inbound.text).toContain('up to date');

    const write = await call(`${b.url}/properties/mood`, { method: 'PUT', headers: b.auth, body: 'sunny' });
    expect(write.status).toBe(204);
    await waitFor(
      async () =>
        /<dt>Delivered<\/dt><dd>[1-9]/.test((await browserB.get(`${b.console}/subscriptions`)).text),
      'the callback to A',
    );
    const after = (await browserB.get(`${b.console}/subscriptions`)).text;
    expect(after).toMatch(/<td>high<\/td><td>1<\/td>/); // last sequence 1

    const overview = await browserA.get(a.console);
    expect(overview.text).toMatch(/You subscribed to properties of [0-9a-f]{8}/);
    expect(overview.text).toMatch(/Trust with [0-9a-f]{8}… at 127\.0\.0\.1:\d+ \(friend\) approved by both/);

    const subscriptionId = /subscriptions\/[0-9a-f]+\/([0-9a-f]+)\/delete/.exec(
      (await browserA.get(`${a.console}/subscriptions`)).text,
    )![1];
    const ended = await submit(
      browserA,
      `${a.console}/subscriptions`,
      `${a.console}/subscriptions/${b.id}/${subscriptionId}/delete`,
    );
    expect(ended.status).toBe(303);
    expect(
      JSON.stringify((await call(`${a.url}/subscriptions`, { headers: a.auth })).json ?? []),
    ).not.toContain(subscriptionId);
    expect((await browserB.get(`${b.console}/subscriptions`)).text).toContain('No peer is subscribed.');
  });

  it('keeps the form and changes nothing when the peer to trust does not answer', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}/${'d'.repeat(32)}`;
    const before = (await call(`${a.url}/trust`, { headers: a.auth })).json ?? [];
    const res = await submit(browserA, `${a.console}/trust`, `${a.console}/trust`, {
      peer_url: deadUrl,
      relationship: 'friend',
      description: 'are you there?',
    });
    expect(res.status).toBe(408);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(message(res.text, 'alert')).toMatch(/meta/);
    expect(fieldValue(res.text, 'peer_url')).toBe(deadUrl);
    expect(fieldValue(res.text, 'description')).toBe('are you there?');
    expect((await call(`${a.url}/trust`, { headers: a.auth })).json ?? []).toEqual(before);
  });

  it('approves nothing while the asking peer is down; deletes only when told to delete here only', async () => {
    const serverC = await startFreshServer(storage);
    const c = await consoleActor(serverC, 'carol@example.com');
    const asked = await call(`${c.url}/trust`, {
      method: 'POST',
      headers: c.auth,
      body: { url: b.url, relationship: 'friend' },
    });
    expect(asked.status).toBe(201);
    await serverC.close(); // C is gone

    const approve = await submit(browserB, `${b.console}/trust`, `${b.console}/trust/${c.id}/approve`);
    expect(approve.status).toBe(502);
    expect(message(approve.text, 'alert')).toMatch(/did not answer.*Nothing was changed/);
    expect(await trustOf(b, c.id)).toMatchObject({ approved: false });

    const remove = await submit(browserB, `${b.console}/trust`, `${b.console}/trust/${c.id}/delete`);
    expect(remove.status).toBe(502);
    expect(remove.text).toContain('Delete here only?');
    expect(await trustOf(b, c.id)).toBeDefined();
    const hereOnly = await browserB.post(`${b.console}/trust/${c.id}/delete`, {
      csrf: tokenOf(remove.text, `${b.console}/trust/${c.id}/delete`),
      local_only: '1',
    });
    expect(hereOnly.status).toBe(303);
    expect(hereOnly.location?.href).toBe(`${b.console}/trust?notice=trust-deleted-here`);
    expect(await trustOf(b, c.id)).toBeUndefined();
  });

  it('lists a connected MCP client with its last use and revokes it', async () => {
    const redirectUri = 'http://127.0.0.1:8123/callback';
    const registered = await registerClient(serverA, {
      client_name: 'Console test client',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
    });
    const client = { clientId: registered.client_id as string, redirectUri };
    const tokens = await obtainTokens(serverA, new TestBrowser(serverA.url), client, a);
    expect((await mcpToolsList(`${a.url}/mcp`, tokens.access)).status).toBe(200);

    const listed = await browserA.get(`${a.console}/clients`);
    expect(listed.text).toContain('Console test client');
    expect(listed.text).toContain(client.clientId);
    expect(listed.text).not.toContain('<span class="muted">never</span>'); // used once
    expect((await browserA.get(a.console)).text).toContain('Console test client used its tools');

    const revoked = await submit(browserA, `${a.console}/clients`, `${a.console}/clients/revoke`);
    expect(revoked.status).toBe(303);
    expect((await mcpToolsList(`${a.url}/mcp`, tokens.access)).status).toBe(401);
    expect((await browserA.get(`${a.console}/clients`)).text).toContain('No application is connected.');
  });

  it('lists the application’s methods, actions and MCP tools with their descriptions', async () => {
    const res = await browserA.get(`${a.console}/methods`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<code>search</code>');
    expect(res.text).toContain('Search notes');
    expect(res.text).toContain('<code>get_weather</code>');
    expect(res.text).toContain('Current weather');
    const none = await browserB.get(`${b.console}/methods`);
    expect(none.text.match(/<p class="muted">None.<\/p>/g)).toHaveLength(3);
  });
});

/** The CSRF token of the form posting to `action`. */
function tokenOf(html: string, action: string): string {
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) => f.includes(`action="${action}"`) && f.includes('name="local_only"'))!;
  return /name="csrf" value="([^"]+)"/.exec(form)![1];
}

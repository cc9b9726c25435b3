import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formFields, type TestBrowser } from './support/oauth-browser.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { consoleActor, fieldValue, message, signedIn, submit, type ConsoleActor } from './support/www.js';

/**
 * The properties pages of the owner console, over real HTTP on both
 * backends: every change made through the forms is checked through the
 * `/properties` API, and bad input comes back as a readable 4xx page with the
 * input kept.
 */
describe.each(STORAGES)('owner console properties on $name', (storage) => {
  let server: TestServer;
  let owner: ConsoleActor;
  let browser: TestBrowser;
  let pages: string;

  beforeAll(async () => {
    server = await startFreshServer(storage, { identity: {}, bodyLimit: 64 * 1024 });
    owner = await consoleActor(server);
    browser = await signedIn(server, owner);
    pages = `${owner.console}/properties`;
  });
  afterAll(() => server.close());

  const api = (path: string) => call(`${owner.url}/properties/${path}`, { headers: owner.auth });
  const propertyPage = (name: string, path?: string) =>
    `${pages}/${encodeURIComponent(name)}${path ? `?path=${encodeURIComponent(path)}` : ''}`;

  it('adds a text property and shows it on the list, with a notice after the redirect', async () => {
    const added = await submit(browser, pages, pages, {
      name: 'greeting',
      kind: 'text',
      value: 'Hello, world',
    });
    expect(added.status).toBe(303);
    expect(added.location?.href).toBe(`${pages}/greeting?notice=property-added`);
    expect((await api('greeting')).text).toBe('Hello, world');
    const shown = await browser.get(added.location!);
    expect(message(shown.text, 'status')).toBe('Property added.');
    expect(fieldValue(shown.text, 'value')).toBe('Hello, world');
    const list = await browser.get(pages);
    expect(list.text).toContain(`<a href="${pages}/greeting">greeting</a>`);
  });

  it('browses a nested value, edits a key in place, adds a key and deletes one', async () => {
    const added = await submit(browser, pages, pages, {
      name: 'place',
      kind: 'json',
      value: '{"city": "Oslo", "position": {"lat": 59.9, "lon": 10.7}}',
    });
    expect(added.status).toBe(303);
    const top = await browser.get(propertyPage('place'));
    expect(top.text).toContain(`href="${propertyPage('place', 'position')}"`);
    const nested = await browser.get(propertyPage('place', 'position'));
    expect(nested.status).toBe(200);
    expect(nested.text).toContain('<h1>place / position</h1>');

    const saved = await submit(browser, propertyPage('place', 'position/lat'), `${pages}/place/save`, {
      value: '60.1',
      format: 'json',
    });
    expect(saved.status).toBe(303);
    expect(saved.location?.href).toBe(`${propertyPage('place', 'position/lat')}&notice=property-saved`);
    expect((await api('place/position/lat')).json).toBe(60.1);

    const key = await submit(browser, propertyPage('place', 'position'), `${pages}/place/keys`, {
      key: 'alt',
      value: '12',
      format: 'json',
    });
    expect(key.status).toBe(303);
    expect((await api('place/position')).json).toEqual({ lat: 60.1, lon: 10.7, alt: 12 });

    const deleted = await submit(browser, propertyPage('place', 'position/lon'), `${pages}/place/delete`);
    expect(deleted.status).toBe(303);
    expect(deleted.location?.href).toBe(`${propertyPage('place', 'position')}&notice=property-deleted`);
    expect((await api('place/position')).json).toEqual({ lat: 60.1, alt: 12 });
  });

  it('keeps the input and changes nothing when the JSON does not parse (400)', async () => {
    const res = await submit(browser, propertyPage('place', 'city'), `${pages}/place/save`, {
      value: '{"not json',
      format: 'json',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(message(res.text, 'alert')).toMatch(/not valid JSON/);
    expect(fieldValue(res.text, 'value')).toBe('{"not json');
    expect((await api('place/city')).text).toBe('Oslo');
  });

  it.each([
    ['a name already taken', { name: 'greeting', kind: 'text', value: 'again' }, 409, /already a property/],
    ['a reserved name', { name: 'list:x', kind: 'text', value: 'v' }, 400, /reserved/],
    ['a name with a slash', { name: 'a/b', kind: 'text', value: 'v' }, 400, /forbidden character/],
    ['an empty JSON value', { name: 'empty', kind: 'json', value: '  ' }, 400, /Enter a JSON value/],
  ])('refuses %s with a readable page, the form filled in as sent', async (_label, fields, status, why) => {
    const res = await submit(browser, pages, pages, fields);
    expect(res.status).toBe(status);
    expect(message(res.text, 'alert')).toMatch(why);
    expect(fieldValue(res.text, 'name')).toBe(fields.name);
    expect(fieldValue(res.text, 'value')).toBe(fields.value);
  });

  it('answers 4xx pages, never 500, for bad addresses and bodies', async () => {
    for (const [url, status] of [
      [`${pages}/nothing-here`, 404],
      [`${pages}/bad%01name`, 400],
      [`${pages}/list%3Ax`, 400],
      [propertyPage('place', 'position/../x'), 400],
      [propertyPage('place', 'nope'), 404],
      [propertyPage('greeting', 'inside'), 404],
    ] as const) {
      const res = await browser.get(url);
      expect([url, res.status]).toEqual([url, status]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
    const big = await submit(browser, pages, pages, {
      name: 'big',
      kind: 'text',
      value: 'x'.repeat(70 * 1024),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const json = await call(pages, {
      method: 'POST',
      headers: { ...owner.auth, origin: new URL(server.url).origin },
      body: { name: 'x', value: 'y' },
    });
    expect(json.status).toBe(403); // not a form: no CSRF token to find
  });

  it('answers 4xx, never 500, to NUL characters in addresses and fields (PostgreSQL cannot store them)', async () => {
    for (const [url, status] of [
      [`${server.url}%00/www`, 404],
      [`${owner.console}/trust/%00`, 400],
      [`${pages}/a%00b`, 400],
    ] as const) {
      const res = await browser.get(url);
      expect([url, res.status]).toEqual([url, status]);
    }
    const token = formFields(
      (await browser.get(`${owner.console}/trust`)).text,
      `${owner.console}/trust`,
    ).csrf;
    for (const [path, fields, status] of [
      ['/trust/%00/approve', {}, 400],
      ['/subscriptions/%00/s/delete', {}, 400],
      ['/clients/revoke', { client_id: 'a\u0000b' }, 400],
      ['/trust', { peer_url: 'http://127.0.0.1:9/x', relationship: 'friend', description: 'a\u0000b' }, 400],
      ['/properties', { name: 'nul', kind: 'text', value: 'a\u0000b' }, 400],
    ] as const) {
      const res = await browser.post(`${owner.console}${path}`, { csrf: token, ...fields });
      expect([path, res.status]).toEqual([path, status]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
  });

  it('creates a list, adds and edits items, pages through them, describes and deletes it', async () => {
    const created = await submit(browser, pages, pages, {
      name: 'notes',
      kind: 'list',
      value: 'Things to remember',
    });
    expect(created.status).toBe(303);
    const listPage = propertyPage('notes');
    expect(
      (await call(`${owner.url}/properties/notes/metadata`, { headers: owner.auth })).json,
    ).toMatchObject({
      description: 'Things to remember',
      count: 0,
    });

    const added = await submit(browser, listPage, `${pages}/notes/items`, {
      value: 'first note',
      format: 'text',
    });
    expect(added.status).toBe(303);
    expect((await api('notes')).json).toEqual(['first note']);
    for (let i = 1; i < 25; i++) {
      const res = await call(`${owner.url}/properties/notes`, {
        method: 'POST',
        headers: owner.auth,
        body: { n: i },
      });
      expect(res.status).toBe(201);
    }
    const second = await browser.get(`${listPage}?page=2`);
    expect(second.status).toBe(200);
    expect(second.text).toContain('Page 2 of 2');
    expect(second.text).toContain('Edit item 24');
    expect(second.text).not.toContain('Edit item 19<');

    const edited = await submit(browser, listPage, `${pages}/notes/items/3/save`, {
      value: '{"n": 33}',
      format: 'json',
    });
    expect(edited.status).toBe(303);
    expect((await api('notes/3')).json).toEqual({ n: 33 });
    const removed = await submit(browser, listPage, `${pages}/notes/items/0/delete`);
    expect(removed.status).toBe(303);
    const items = (await api('notes')).json as unknown[];
    expect(items).toHaveLength(24);
    expect(items[0]).toEqual({ n: 1 });

    const described = await submit(browser, listPage, `${pages}/notes/metadata`, {
      description: 'Notes',
      explanation: 'One per line',
    });
    expect(described.status).toBe(303);
    expect(
      (await call(`${owner.url}/properties/notes/metadata`, { headers: owner.auth })).json,
    ).toMatchObject({
      description: 'Notes',
      explanation: 'One per line',
    });

    const outOfRange = await browser.post(`${pages}/notes/items/999/save`, {
      ...formFields((await browser.get(listPage)).text, `${pages}/notes/items`),
      value: 'x',
      format: 'text',
    });
    expect(outOfRange.status).toBe(404);
    expect(message(outOfRange.text, 'alert')).toBe('List notes has no item 999');
    const badIndex = await browser.post(`${pages}/notes/items/abc/save`, {
      ...formFields((await browser.get(listPage)).text, `${pages}/notes/items`),
      value: 'x',
    });
    expect(badIndex.status).toBe(400);
    expect(badIndex.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(badIndex.text).toContain('The item number must be a whole number');

    const deleted = await submit(browser, listPage, `${pages}/notes/delete`);
    expect(deleted.status).toBe(303);
    expect((await api('notes')).status).toBe(404);
  });

  it('deletes a property from its page', async () => {
    const res = await submit(browser, propertyPage('greeting'), `${pages}/greeting/delete`);
    expect(res.status).toBe(303);
    expect(res.location?.href).toBe(`${pages}?notice=property-deleted`);
    expect((await api('greeting')).status).toBe(404);
  });
});

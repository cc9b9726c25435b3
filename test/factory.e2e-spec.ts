import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** Factory `POST /` and `GET /` (ActingWeb spec, "Instantiation of Actors"). */
describe.each(STORAGES)('factory on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage, { bodyLimit: 4096 });
  });
  afterAll(() => server.close());

  const actorCount = async () => {
    const row = await server.app
      .get(ActingWebDatabase)
      .db.selectFrom('actors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  const countOf = async (creator: string, passphrase: string, id: string) =>
    (await call(server.url + id, { headers: { authorization: basic(creator, passphrase) } })).status;

  it('creates an actor from JSON: 201, absolute Location, id/creator/passphrase', async () => {
    const res = await call(server.url, { method: 'POST', body: { creator: 'u@x', passphrase: 'p' } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      creator: 'u@x',
      passphrase: 'p',
    });
    expect(res.headers.get('location')).toBe(server.url + res.json.id);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await countOf('u@x', 'p', res.json.id)).toBe(200);
  });

  it.each([
    ['no body', {}],
    ['an empty JSON object', { body: {} }],
    ['an empty text body', { raw: '' }],
  ])('creates a default actor from %s', async (_label, init) => {
    const res = await call(server.url, { method: 'POST', ...init });
    expect(res.status).toBe(201);
    expect(res.json.creator).toBe('creator');
    expect(res.json.passphrase).toMatch(/^[0-9a-f]{40}$/);
    expect(await countOf('creator', res.json.passphrase, res.json.id)).toBe(200);
  });

  it('accepts a form body, and JSON that curl labels as a form', async () => {
    const form = await call(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: 'creator=Form%40Example.com&passphrase=secret',
    });
    expect(form.status).toBe(201);
    expect(form.json).toMatchObject({ creator: 'form@example.com', passphrase: 'secret' });

    const curlish = await call(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      raw: '{"creator":"a@b.c"}',
    });
    expect(curlish.status).toBe(201);
    expect(curlish.json.creator).toBe('a@b.c');
  });

  it('sniffs JSON sent without a content type', async () => {
    const res = await call(server.url, { method: 'POST', raw: '{"creator":"sniffed"}' });
    expect(res.status).toBe(201);
    expect(res.json.creator).toBe('sniffed');
  });

  it('trims the creator and lowercases emails; keeps unicode exactly', async () => {
    const email = await call(server.url, { method: 'POST', body: { creator: '  Alice@Example.COM ' } });
    expect(email.json.creator).toBe('alice@example.com');
    const unicode = await call(server.url, { method: 'POST', body: { creator: 'Ærlig Øystein å' } });
    expect(unicode.json.creator).toBe('Ærlig Øystein å');
    const root = await call(server.url + unicode.json.id, {
      headers: { authorization: basic('Ærlig Øystein å', unicode.json.passphrase) },
    });
    expect(root.json.creator).toBe('Ærlig Øystein å');
  });

  it('stores and echoes trustee_root', async () => {
    const res = await call(server.url, {
      method: 'POST',
      body: { trustee_root: 'https://trustee.example/abc' },
    });
    expect(res.status).toBe(201);
    expect(res.json.trustee_root).toBe('https://trustee.example/abc');
    const meta = await call(`${server.url}${res.json.id}/meta/trustee_root`);
    expect(meta.text).toBe('https://trustee.example/abc');
  });

  it('gives two actors created in a row different ids', async () => {
    const [a, b] = await Promise.all([
      call(server.url, { method: 'POST' }),
      call(server.url, { method: 'POST' }),
    ]);
    expect(a.json.id).not.toBe(b.json.id);
    expect(a.json.passphrase).not.toBe(b.json.passphrase);
  });

  // Errors raised while parsing the body come from Nest's own error layer: same status, `{statusCode, message}`.
  it.each([
    ['malformed JSON', { raw: '{"creator": ', headers: { 'content-type': 'application/json' } }],
    ['a JSON array', { body: [1, 2] }],
    ['a JSON string', { body: 'creator' }],
    ['a non-string creator', { body: { creator: 42 } }],
    ['an empty passphrase', { body: { passphrase: '' } }],
    ['a creator of 256 characters', { body: { creator: 'x'.repeat(256) } }],
    ['a trustee_root that is not a URL', { body: { trustee_root: 'not a url' } }],
    [
      'a __proto__ key',
      { raw: '{"__proto__": {"admin": true}}', headers: { 'content-type': 'application/json' } },
    ],
    [
      'a constructor.prototype key',
      { raw: '{"constructor": {"prototype": {"x": 1}}}', headers: { 'content-type': 'application/json' } },
    ],
    [
      'JSON nested 10,000 deep',
      { raw: '['.repeat(2000) + ']'.repeat(2000), headers: { 'content-type': 'application/json' } },
    ],
    [
      'a __proto__ form field',
      { raw: '__proto__=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    ],
  ])('answers 400 with a JSON error for %s, and creates nothing', async (_label, init) => {
    const before = await actorCount();
    const res = await call(server.url, { method: 'POST', ...(init as object) });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400, message: expect.any(String) });
    expect(res.headers.get('location')).toBeNull();
    expect(await actorCount()).toBe(before);
  });

  it('answers 413 with a JSON error for a body over the limit', async () => {
    const before = await actorCount();
    const res = await call(server.url, {
      method: 'POST',
      body: { creator: 'x', padding: 'y'.repeat(10_000) },
    });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ statusCode: 413 });
    expect(await actorCount()).toBe(before);
  });

  it('describes itself at GET / (JSON by default; browsers go to the start page, /www)', async () => {
    const json = await call(server.url);
    expect(json.status).toBe(200);
    expect(json.json).toMatchObject({
      type: 'urn:actingweb:test.example:e2e',
      create: { method: 'POST', url: server.url },
    });
    const html = await call(server.url, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(302);
    expect(html.headers.get('location')).toBe(`${server.url}www`);
    const start = await call(`${server.url}www`);
    expect(start.status).toBe(200);
    expect(start.headers.get('content-type')).toContain('text/html');
    expect(start.text).toContain(`<form method="post" action="${server.url}www"`);
  });
});

describe.each(STORAGES)('unique creator on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage, { uniqueCreator: true });
  });
  afterAll(() => server.close());

  it('refuses a second actor for a creator, unless the passphrase matches', async () => {
    const first = await call(server.url, {
      method: 'POST',
      body: { creator: 'solo@example.com', passphrase: 'first-pass' },
    });
    expect(first.status).toBe(201);

    const other = await call(server.url, {
      method: 'POST',
      body: { creator: 'SOLO@example.com', passphrase: 'other' },
    });
    expect(other.status).toBe(403);
    expect(other.json.message).toBe('Creator already exists');

    const same = await call(server.url, {
      method: 'POST',
      body: { creator: 'solo@example.com', passphrase: 'first-pass' },
    });
    expect(same.status).toBe(201);
    expect(same.json.id).toBe(first.json.id);
  });

  it('creates exactly one actor when many requests race for one creator', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(server.url, { method: 'POST', body: { creator: 'race@example.com', passphrase: `p${i}` } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 403)).toHaveLength(9);
  });
});

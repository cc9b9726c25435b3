import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { TrustRepository } from '../libs/actingweb/src/storage/trust.repository.js';
import { newActor } from './support/actors.js';
import { call, rawCall, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** `/properties` for simple values (ActingWeb spec: properties; docs/properties.md). */
describe.each(STORAGES)('properties on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage, { bodyLimit: 64 * 1024 });
  });
  afterAll(() => server.close());

  async function storedRows(actorId: string) {
    return server.app
      .get(ActingWebDatabase)
      .db.selectFrom('properties')
      .select(['name', 'value'])
      .where('actor_id', '=', actorId)
      .orderBy('name')
      .execute();
  }

  it('a new actor has {} (200 JSON), and a missing property is 404', async () => {
    const a = await newActor(server);
    const all = await call(a.props, a.as());
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(all.json).toEqual({});
    expect((await call(`${a.props}/missing`, a.as())).status).toBe(404);
  });

  it('PUT text, read it back raw; PUT again replaces', async () => {
    const a = await newActor(server);
    const put = await call(
      `${a.props}/name`,
      a.as({ method: 'PUT', raw: 'Alice', headers: { 'content-type': 'text/plain' } }),
    );
    expect(put.status).toBe(204);
    const got = await call(`${a.props}/name`, a.as());
    expect(got.status).toBe(200);
    expect(got.text).toBe('Alice');
    await call(`${a.props}/name`, a.as({ method: 'PUT', raw: 'Bob' }));
    expect((await call(`${a.props}/name`, a.as())).text).toBe('Bob');
  });

  it('keeps JSON types and unicode exactly', async () => {
    const a = await newActor(server);
    const value = { æøå: 'ÆØÅ 😀', n: 1.5, list: [1, 'two', null], nested: { t: true } };
    await call(`${a.props}/doc`, a.as({ method: 'PUT', body: value }));
    const got = await call(`${a.props}/doc`, a.as());
    expect(got.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(got.json).toEqual(value);
    await call(`${a.props}/count`, a.as({ method: 'PUT', body: 4 }));
    expect((await call(`${a.props}/count`, a.as())).json).toBe(4);
    expect((await call(a.props, a.as())).json).toEqual({ count: 4, doc: value });
  });

  it('nested PUT creates and merges levels, keeping siblings; nested GET walks in', async () => {
    const a = await newActor(server);
    await call(`${a.props}/loc`, a.as({ method: 'PUT', body: { name: 'Oslo', lat: { deg: 59 } } }));
    expect((await call(`${a.props}/loc/lat/min`, a.as({ method: 'PUT', body: 4 }))).status).toBe(204);
    expect((await call(`${a.props}/loc/lat/min`, a.as())).json).toBe(4);
    expect((await call(`${a.props}/loc`, a.as())).json).toEqual({ name: 'Oslo', lat: { deg: 59, min: 4 } });
    await call(`${a.props}/fresh/a/b`, a.as({ method: 'PUT', raw: 'deep' }));
    expect((await call(`${a.props}/fresh`, a.as())).json).toEqual({ a: { b: 'deep' } });
    expect((await call(`${a.props}/loc/name/x`, a.as())).status).toBe(404);
    expect((await call(`${a.props}/loc/nothing`, a.as())).status).toBe(404);
  });

  it('nested DELETE removes one key (204), again → 404', async () => {
    const a = await newActor(server);
    await call(`${a.props}/loc`, a.as({ method: 'PUT', body: { lat: { min: 4, deg: 59 } } }));
    expect((await call(`${a.props}/loc/lat/min`, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await call(`${a.props}/loc/lat/min`, a.as({ method: 'DELETE' }))).status).toBe(404);
    expect((await call(`${a.props}/loc`, a.as())).json).toEqual({ lat: { deg: 59 } });
  });

  it('DELETE one property, then 404; repeated delete 404; DELETE all → {}', async () => {
    const a = await newActor(server);
    await call(a.props, a.as({ method: 'POST', body: { a: '1', b: '2' } }));
    expect((await call(`${a.props}/a`, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await call(`${a.props}/a`, a.as())).status).toBe(404);
    expect((await call(`${a.props}/a`, a.as({ method: 'DELETE' }))).status).toBe(404);
    expect((await call(a.props, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await call(a.props, a.as())).json).toEqual({});
  });

  it('POST stores several at once (201 with the stored values), JSON or form', async () => {
    const a = await newActor(server);
    const res = await call(a.props, a.as({ method: 'POST', body: { a: '1', b: { c: 'd' } } }));
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ a: '1', b: { c: 'd' } });
    const form = await call(
      a.props,
      a.as({
        method: 'POST',
        raw: 'x=1&y=%C3%A6',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
    expect(form.status).toBe(201);
    expect((await call(a.props, a.as())).json).toEqual({ a: '1', b: { c: 'd' }, x: '1', y: 'æ' });
  });

  it.each([
    ['a JSON array', { body: [1, 2] }],
    ['a string', { raw: 'just text' }],
    ['an empty object', { body: {} }],
    ['a forbidden name', { raw: '{"ok":1,"prototype":2}', headers: { 'content-type': 'application/json' } }],
    ['an empty name', { body: { '': 1 } }],
    ['a name with a slash', { body: { 'a/b': 1 } }],
    ['a reserved list: name', { body: { 'list:x': 1 } }],
  ])('POST with %s → 400, nothing stored', async (_label, init) => {
    const a = await newActor(server);
    const res = await call(a.props, a.as({ method: 'POST', ...(init as object) }));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ statusCode: 400 });
    expect(await storedRows(a.id)).toEqual([]);
  });

  it.each([
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['prototype', 'x/prototype'],
    ['an empty segment', 'a//b'],
    ['a dot-dot segment', 'a/../b'],
    ['an encoded slash', 'a%2Fb'],
    ['an encoded backslash', 'a%5cb'],
    ['a control character', 'a%00b'],
    ['bad percent-encoding', 'a%E0%A4%A'],
    ['a 256-character name', 'n'.repeat(256)],
  ])('PUT to a path with %s → 400 and nothing changes', async (_label, path) => {
    const a = await newActor(server);
    await call(`${a.props}/keep`, a.as({ method: 'PUT', body: { v: 1 } }));
    // Sent byte-for-byte: fetch would normalise `a/../b` away before the server saw it.
    const res = await rawCall(server.url, `/${a.id}/properties/${path}`, {
      method: 'PUT',
      headers: { ...a.as().headers, 'content-type': 'application/json' },
      body: '{"polluted":true}',
    });
    expect(res.status).toBe(400);
    expect(await storedRows(a.id)).toEqual([{ name: 'keep', value: '{"v":1}' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a path deeper than the limit, and a value nested 10,000 deep, with 400', async () => {
    const a = await newActor(server);
    expect(
      (
        await call(
          `${a.props}/${Array.from({ length: 70 }, (_, i) => `k${i}`).join('/')}`,
          a.as({ method: 'PUT', body: 1 }),
        )
      ).status,
    ).toBe(400);
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(
      (
        await call(
          `${a.props}/deep`,
          a.as({ method: 'PUT', raw: deep, headers: { 'content-type': 'application/json' } }),
        )
      ).status,
    ).toBe(400);
    expect(await storedRows(a.id)).toEqual([]);
  });

  it('answers 413 for a value over the body limit, 400 for invalid JSON, and stores nothing', async () => {
    const a = await newActor(server);
    expect((await call(`${a.props}/big`, a.as({ method: 'PUT', raw: 'x'.repeat(100 * 1024) }))).status).toBe(
      413,
    );
    expect(
      (
        await call(
          `${a.props}/bad`,
          a.as({ method: 'PUT', raw: '{"a":', headers: { 'content-type': 'application/json' } }),
        )
      ).status,
    ).toBe(400);
    expect((await call(`${a.props}/empty`, a.as({ method: 'PUT' }))).status).toBe(400);
    expect(await storedRows(a.id)).toEqual([]);
  });

  it('loses none of 50 concurrent PUTs to different sub-paths of one property', async () => {
    const a = await newActor(server);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(`${a.props}/shared/k${i}`, a.as({ method: 'PUT', body: i }))),
    );
    expect(results.every((r) => r.status === 204)).toBe(true);
    const shared = (await call(`${a.props}/shared`, a.as())).json as Record<string, number>;
    expect(Object.keys(shared)).toHaveLength(50);
    for (let i = 0; i < 50; i++) expect(shared[`k${i}`]).toBe(i);
  });

  it('checks who may read and write', async () => {
    const a = await newActor(server);
    const trusts = server.app.get(TrustRepository);
    const add = (peerId: string, relationship: string, secret: string) =>
      trusts.insert({
        actorId: a.id,
        peerId,
        baseuri: 'http://peer/',
        peerType: 'urn:actingweb:t:p',
        relationship,
        secret,
        description: '',
        approved: true,
        peerApproved: true,
        verified: true,
        verificationToken: null,
        establishedVia: 'trust',
        createdAt: new Date().toISOString(),
      });
    await add('assoc', 'associate', 'assoc-secret');
    await add('admin', 'admin', 'admin-secret');
    await call(`${a.props}/x`, a.as({ method: 'PUT', raw: 'v' }));

    expect((await call(`${a.props}/x`)).status).toBe(401);
    expect((await call(`${a.props}/x`, { method: 'PUT', raw: 'w' })).status).toBe(401);
    // associate may read public/* only (its trust type's permissions), and never write.
    expect((await call(`${a.props}/x`, { headers: { authorization: 'Bearer assoc-secret' } })).status).toBe(
      403,
    );
    await call(`${a.props}/public`, a.as({ method: 'PUT', body: { note: 'hi' } }));
    expect(
      (await call(`${a.props}/public/note`, { headers: { authorization: 'Bearer assoc-secret' } })).text,
    ).toBe('hi');
    expect(
      (
        await call(`${a.props}/x`, {
          method: 'PUT',
          raw: 'w',
          headers: { authorization: 'Bearer assoc-secret' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(`${a.props}/x`, {
          method: 'PUT',
          raw: 'admin',
          headers: { authorization: 'Bearer admin-secret' },
        })
      ).status,
    ).toBe(204);
    expect((await call(`${a.props}/x`, a.as())).text).toBe('admin');
  });

  it('honours _method=PUT and _method=DELETE', async () => {
    const a = await newActor(server);
    expect((await call(`${a.props}/m?_method=PUT`, a.as({ method: 'POST', raw: 'via-post' }))).status).toBe(
      204,
    );
    expect((await call(`${a.props}/m`, a.as())).text).toBe('via-post');
    expect((await call(`${a.props}/m?_method=DELETE`, a.as())).status).toBe(204);
    expect((await call(`${a.props}/m`, a.as())).status).toBe(404);
  });

  it('answers 404 for the properties of an unknown actor', async () => {
    expect((await call(`${server.url}nonexistent/properties`)).status).toBe(404);
    expect((await call(`${server.url}nonexistent/properties/x`, { method: 'PUT', raw: '1' })).status).toBe(
      404,
    );
  });
});

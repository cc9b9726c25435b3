import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  askForTrust,
  befriend,
  bearer,
  newActor as newActorOn,
  type NewActorBody,
} from './support/actors.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/**
 * Actor root `GET/DELETE /<id>` and who may use it (ActingWeb spec, "Deleting
 * Actor Instances" and "Authentication"): the creator, the trustee, admin peers.
 */
describe.each(STORAGES)('actor root on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage);
  });
  afterAll(() => server.close());
  const newActor = (body?: NewActorBody) => newActorOn(server, body);

  it('GET as the creator returns id, creator and passphrase', async () => {
    const actor = await newActor();
    const res = await call(actor.url, { headers: actor.auth });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ id: actor.id, creator: 'owner@example.com', passphrase: actor.passphrase });
  });

  it('GET and DELETE without credentials answer 401 with a Basic challenge', async () => {
    const actor = await newActor();
    for (const method of ['GET', 'DELETE']) {
      const res = await call(actor.url, { method });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Basic realm="127.0.0.1:' + new URL(server.url).port + '"',
      );
      expect(res.json).toMatchObject({ statusCode: 401 });
    }
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(200);
  });

  it.each([
    ['a wrong passphrase', (a: { creator: string }) => basic(a.creator, 'wrong')],
    ['a wrong user name', (a: { passphrase: string }) => basic('someone@else', a.passphrase)],
    ['a malformed Basic value', () => 'Basic %%%'],
    ['an unknown Bearer token', () => 'Bearer not-a-known-token'],
    ['an unsupported scheme', () => 'Digest username="x"'],
    ['a bare scheme', () => 'Bearer'],
  ])('answers 403 for %s, and nothing is deleted', async (_label, header) => {
    const actor = await newActor();
    const authorization = header(actor as never);
    expect((await call(actor.url, { headers: { authorization } })).status).toBe(403);
    const del = await call(actor.url, { method: 'DELETE', headers: { authorization } });
    expect(del.status).toBe(403);
    expect(del.json).toMatchObject({ statusCode: 403 });
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(200);
  });

  it("never opens one actor with another actor's credentials", async () => {
    const alice = await newActor({ creator: 'same@example.com', passphrase: 'alice-pass' });
    const bob = await newActor({ creator: 'same@example.com', passphrase: 'bob-pass' });
    expect((await call(bob.url, { headers: alice.auth })).status).toBe(403);
    expect((await call(bob.url, { method: 'DELETE', headers: alice.auth })).status).toBe(403);
    // An admin trust with alice does not open bob either.
    const secret = await befriend(await newActor('peer@example.com'), alice, 'admin');
    expect((await call(alice.url, { headers: bearer(secret) })).status).toBe(200);
    expect((await call(bob.url, { headers: bearer(secret) })).status).toBe(403);
  });

  it('answers 404 for an unknown actor, with or without credentials', async () => {
    const actor = await newActor();
    for (const path of [
      '0123456789abcdef0123456789abcdef',
      'nonexistent',
      'nonexistent/meta',
      'nonexistent/meta/id',
    ]) {
      expect((await call(server.url + path)).status).toBe(404);
      expect((await call(server.url + path, { headers: actor.auth })).status).toBe(404);
    }
    expect((await call(server.url + 'nonexistent', { method: 'DELETE' })).status).toBe(404);
  });

  it('DELETE as the creator answers 204, then the actor is gone everywhere', async () => {
    const actor = await newActor();
    const del = await call(actor.url, { method: 'DELETE', headers: actor.auth });
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(404);
    expect((await call(actor.url + '/meta')).status).toBe(404);
    expect((await call(actor.url + '/meta/id')).status).toBe(404);
    expect((await call(actor.url, { method: 'DELETE', headers: actor.auth })).status).toBe(404);
  });

  it('DELETE with an admin relationship succeeds; friend and unapproved admin get 403', async () => {
    const actor = await newActor();
    const friend = await befriend(await newActor('friend@example.com'), actor, 'friend');
    const pendingAdmin = await askForTrust(await newActor('pending@example.com'), actor, 'admin');
    const admin = await befriend(await newActor('admin@example.com'), actor, 'admin');

    expect((await call(actor.url, { method: 'DELETE', headers: bearer(friend) })).status).toBe(403);
    const pending = await call(actor.url, {
      method: 'DELETE',
      headers: bearer(pendingAdmin),
    });
    expect(pending.status).toBe(403);
    expect(pending.json.message).toMatch(/not approved/);
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(200);

    expect((await call(actor.url, { method: 'DELETE', headers: bearer(admin) })).status).toBe(204);
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(404);
  });

  it('lets a trustee use the passphrase as a Bearer token only when it is strong enough', async () => {
    const strong = await newActor({
      creator: 'trustee',
      passphrase: 'a-strong-trustee-passphrase',
      trustee_root: 'http://trustee.example/t',
    });
    expect(
      (await call(strong.url, { headers: { authorization: 'Bearer a-strong-trustee-passphrase' } })).status,
    ).toBe(200);

    const weak = await newActor({
      creator: 'trustee',
      passphrase: 'short',
      trustee_root: 'http://trustee.example/t',
    });
    expect((await call(weak.url, { headers: { authorization: 'Bearer short' } })).status).toBe(403);

    // Without a trustee_root the passphrase is no Bearer token.
    const noTrustee = await newActor({ creator: 'trustee', passphrase: 'a-strong-trustee-passphrase' });
    expect(
      (await call(noTrustee.url, { headers: { authorization: 'Bearer a-strong-trustee-passphrase' } }))
        .status,
    ).toBe(403);
  });

  it.each([
    ['GET', '?_method=DELETE'],
    ['POST', '?_method=DELETE'],
    ['POST', '?_method=delete'],
  ])('honours %s %s as DELETE', async (method, query) => {
    const actor = await newActor();
    const res = await call(actor.url + query, { method, headers: actor.auth });
    expect(res.status).toBe(204);
    expect((await call(actor.url, { headers: actor.auth })).status).toBe(404);
  });

  it('honours X-HTTP-Method-Override, and ignores overrides to unknown methods', async () => {
    const actor = await newActor();
    const ignored = await call(actor.url + '?_method=TRACE', { headers: actor.auth });
    expect(ignored.status).toBe(200);
    const res = await call(actor.url, {
      method: 'POST',
      headers: { ...actor.auth, 'x-http-method-override': 'DELETE' },
    });
    expect(res.status).toBe(204);
  });
});

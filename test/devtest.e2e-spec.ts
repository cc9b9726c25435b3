import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ActorService } from '@actingweb/nestjs';
import { bearer, newActor } from './support/actors.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** `/devtest` (the Python reference's devtest handler): ping, attribute buckets, and the twin proxy. */
describe.each(STORAGES)('/devtest on $name', (storage) => {
  let on: TestServer;
  let off: TestServer;

  beforeAll(async () => {
    on = await startFreshServer(storage, { devtest: true, autoApprove: ['friend', 'admin'] });
    off = await startFreshServer(storage);
  });
  afterAll(async () => {
    await Promise.all([on.close(), off.close()]);
  });

  it('answers 404 on every /devtest path when devtest is off, also for an existing actor', async () => {
    const a = await newActor(off);
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', 'ping'],
      ['PUT', 'ping'],
      ['DELETE', 'ping'],
      ['GET', 'attribute'],
      ['GET', 'attribute/b'],
      ['PUT', 'attribute/b/n', { x: 1 }],
      ['DELETE', 'attribute'],
      ['GET', 'proxy/properties'],
      ['PUT', 'proxy/properties/x', 1],
      ['POST', 'proxy/create', {}],
      ['GET', 'nothing/here'],
    ];
    for (const [method, path, body] of attempts) {
      for (const headers of [a.auth, {}]) {
        const res = await call(`${a.url}/devtest/${path}`, { method, headers, body });
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
    }
    expect((await call(`${off.url}nosuchactor/devtest/ping`, { headers: a.auth })).status).toBe(404);
    // The 404 comes first, before the credentials and the body: a body that cannot be read changes nothing.
    for (const headers of [a.auth, {}]) {
      const res = await call(`${a.url}/devtest/attribute/b/n`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        raw: '{"x":',
      });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not found' });
    }
  });

  it('pings, for the creator, the trustee and admin peers only', async () => {
    const a = await newActor(on);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(`${a.url}/devtest/ping`, { method, headers: a.auth });
      expect([method, res.status, res.text]).toEqual([method, 204, '']);
    }
    expect((await call(`${a.url}/devtest/ping`, { method: 'POST', headers: a.auth })).status).toBe(404);
    expect((await call(`${on.url}nosuchactor/devtest/ping`, { headers: a.auth })).status).toBe(404);

    const anonymous = await call(`${a.url}/devtest/ping`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = { authorization: basic(a.creator, 'nope') };
    expect((await call(`${a.url}/devtest/ping`, { headers: wrong })).status).toBe(403);

    // A friend peer may not; an admin peer may.
    const friend = await newActor(on, 'friend@example.com');
    const asFriend = await call(`${friend.url}/trust`, {
      method: 'POST',
      headers: friend.auth,
      body: { url: a.url, relationship: 'friend' },
    });
    expect(asFriend.status).toBe(201);
    expect(asFriend.json.peer_approved).toBe(true);
    expect((await call(`${a.url}/devtest/ping`, { headers: bearer(asFriend.json.secret) })).status).toBe(403);
    expect((await call(`${a.url}/devtest/attribute`, { headers: bearer(asFriend.json.secret) })).status).toBe(
      403,
    );

    const admin = await newActor(on, 'admin@example.com');
    const asAdmin = await call(`${admin.url}/trust`, {
      method: 'POST',
      headers: admin.auth,
      body: { url: a.url, relationship: 'admin' },
    });
    expect(asAdmin.status).toBe(201);
    expect((await call(`${a.url}/devtest/ping`, { headers: bearer(asAdmin.json.secret) })).status).toBe(204);

    // The trustee (creator "trustee", strong passphrase as Bearer).
    await call(`${a.url}/trust/trustee`, {
      method: 'PUT',
      headers: a.auth,
      body: { trustee_root: 'https://trustee.example/t', creator: 'trustee' },
    });
    expect((await call(`${a.url}/devtest/ping`, { headers: bearer(a.passphrase) })).status).toBe(204);
  });

  it('reads and writes the actor attribute buckets', async () => {
    const a = await newActor(on);
    const other = await newActor(on);
    const base = `${a.url}/devtest/attribute`;
    expect((await call(base, { headers: a.auth })).status).toBe(404);
    expect((await call(`${base}/b1`, { headers: a.auth })).status).toBe(404);

    expect((await call(`${base}/b1/n1`, { method: 'PUT', headers: a.auth, body: { x: 1 } })).status).toBe(
      204,
    );
    expect((await call(`${base}/b1/n2`, { method: 'PUT', headers: a.auth, body: 'text' })).status).toBe(204);
    expect((await call(`${base}/b2/n1`, { method: 'PUT', headers: a.auth, body: [1, 2] })).status).toBe(204);
    expect((await call(`${base}/b1/n3`, { method: 'PUT', headers: a.auth })).status).toBe(400);

    const one = await call(`${base}/b1/n1`, { headers: a.auth });
    expect(one.status).toBe(200);
    expect(one.json.data).toEqual({ x: 1 });
    expect(Number.isNaN(Date.parse(one.json.timestamp))).toBe(false);
    expect((await call(`${a.url}/devtest/attributes/b1/n1`, { headers: a.auth })).json.data).toEqual({
      x: 1,
    });
    expect((await call(`${base}/b1/missing`, { headers: a.auth })).status).toBe(404);

    const bucket = await call(`${base}/b1`, { headers: a.auth });
    expect(bucket.status).toBe(200);
    expect(Object.keys(bucket.json).sort()).toEqual(['n1', 'n2']);
    expect(bucket.json.n2).toEqual({ data: 'text', timestamp: expect.any(String) });
    const all = await call(`${a.url}/devtest/attributes`, { headers: a.auth });
    expect(Object.keys(all.json).sort()).toEqual(['b1', 'b2']);
    expect(all.json.b2.n1.data).toEqual([1, 2]);

    // POST writes several at once (and answers with them).
    const many = await call(`${base}/b3`, { method: 'POST', headers: a.auth, body: { k1: 1, k2: { y: 2 } } });
    expect(many.status).toBe(200);
    expect(many.json).toEqual({ k1: 1, k2: { y: 2 } });
    expect((await call(`${base}/b3/k2`, { headers: a.auth })).json.data).toEqual({ y: 2 });

    // Another actor's buckets are its own.
    expect((await call(`${other.url}/devtest/attribute/b1`, { headers: other.auth })).status).toBe(404);
    expect((await call(`${other.url}/devtest/attribute/b1/n1`, { headers: a.auth })).status).toBe(403);

    expect((await call(`${base}/b1/n1`, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(`${base}/b1/n1`, { headers: a.auth })).status).toBe(404);
    expect((await call(`${base}/b3`, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(`${base}/b3`, { headers: a.auth })).status).toBe(404);
    expect((await call(`${base}/b2/n1`, { headers: a.auth })).status).toBe(200);
    expect((await call(base, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(base, { headers: a.auth })).status).toBe(404);
    expect((await call(`${base}/b1/n2`, { headers: a.auth })).status).toBe(404);
  });

  it('proxies /properties to a twin actor through a real trust, and reuses the twin', async () => {
    const a = await newActor(on);
    const proxy = `${a.url}/devtest/proxy/properties`;

    // Concurrent first uses create one twin.
    const first = await Promise.all([1, 2, 3].map(() => call(proxy, { headers: a.auth })));
    expect(first.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(first[0].json).toEqual({});

    expect(
      (await call(`${proxy}/color`, { method: 'PUT', headers: a.auth, body: { shade: 'blue' } })).status,
    ).toBe(204);
    expect((await call(`${proxy}/note`, { method: 'PUT', headers: a.auth, body: 'plain text' })).status).toBe(
      204,
    );
    const color = await call(`${proxy}/color`, { headers: a.auth });
    expect(color.status).toBe(200);
    expect(color.json).toEqual({ shade: 'blue' });
    const note = await call(`${proxy}/note`, { headers: a.auth });
    expect(note.text).toBe('plain text');
    expect(note.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await call(`${proxy}/color/shade`, { headers: a.auth })).text).toBe('blue');
    expect((await call(proxy, { headers: a.auth })).json).toEqual({
      color: { shade: 'blue' },
      note: 'plain text',
    });
    // The twin's own status comes back as it is.
    expect((await call(`${proxy}/missing`, { headers: a.auth })).status).toBe(404);
    expect((await call(`${proxy}/a%2Fb`, { headers: a.auth })).status).toBe(400);

    // Exactly one trust (admin, approved both ways) with exactly one twin, whatever the number of calls.
    const trusts = await call(`${a.url}/trust`, { headers: a.auth });
    expect(trusts.json).toHaveLength(1);
    const trust = trusts.json[0];
    expect(trust).toMatchObject({
      relationship: 'admin',
      approved: true,
      peer_approved: true,
      verified: true,
    });
    expect(trust.baseuri).toBe(on.url + trust.peerid);

    // The twin really holds the values: read them with the trust secret, and see it is a trustee-created actor.
    const twinUrl = trust.baseuri as string;
    expect((await call(`${twinUrl}/properties/color`, { headers: bearer(trust.secret) })).json).toEqual({
      shade: 'blue',
    });
    expect((await call(`${twinUrl}/meta/trustee_root`)).text).toBe(a.url);
    expect((await call(`${twinUrl}/meta`)).json.type).toBe('urn:actingweb:test.example:e2e');
    const twinSide = await call(`${twinUrl}/trust/admin/${a.id}`, { headers: bearer(trust.secret) });
    expect(twinSide.status).toBe(200);
    expect(twinSide.json).toMatchObject({ approved: true, peer_approved: true });

    // POST proxy/create: the twin's meta, Location = the twin.
    const created = await call(`${a.url}/devtest/proxy/create`, {
      method: 'POST',
      headers: a.auth,
      body: { size: 3 },
    });
    expect(created.status).toBe(200);
    expect(created.headers.get('location')).toBe(twinUrl);
    expect(created.json.id).toBe(trust.peerid);
    expect((await call(`${proxy}/size`, { headers: a.auth })).json).toBe(3);

    // Deletes go through too (admin may delete).
    expect((await call(`${proxy}/color`, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(`${proxy}/color`, { headers: a.auth })).status).toBe(404);
    expect((await call(proxy, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(proxy, { headers: a.auth })).json).toEqual({});
    expect((await call(`${a.url}/trust`, { headers: a.auth })).json).toHaveLength(1);

    // A second actor gets its own twin.
    const b = await newActor(on);
    expect((await call(`${b.url}/devtest/proxy/properties`, { headers: b.auth })).status).toBe(200);
    const bTrusts = (await call(`${b.url}/trust`, { headers: b.auth })).json;
    expect(bTrusts).toHaveLength(1);
    expect(bTrusts[0].peerid).not.toBe(trust.peerid);

    // Deleting the actor deletes the twin it is trustee of.
    expect((await call(a.url, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(`${twinUrl}/meta`)).status).toBe(404);
  });

  it('makes the trust again when it was deleted, and a new twin when the old one is gone', async () => {
    const a = await newActor(on);
    const proxy = `${a.url}/devtest/proxy/properties`;
    expect((await call(`${proxy}/x`, { method: 'PUT', headers: a.auth, body: 1 })).status).toBe(204);
    const [trust] = (await call(`${a.url}/trust`, { headers: a.auth })).json;
    expect(
      (await call(`${a.url}/trust/admin/${trust.peerid}`, { method: 'DELETE', headers: a.auth })).status,
    ).toBe(204);
    // Trust gone, twin still there: the trust is made again with the same twin.
    expect((await call(proxy, { headers: a.auth })).json).toEqual({ x: 1 });
    const again = (await call(`${a.url}/trust`, { headers: a.auth })).json;
    expect(again).toHaveLength(1);
    expect(again[0].peerid).toBe(trust.peerid);
    expect(again[0].secret).not.toBe(trust.secret);

    // The twin is deleted (it tells us, so our trust goes too): the next use makes a new twin.
    expect(await on.app.get(ActorService).delete(trust.peerid)).toBe(true);
    expect((await call(`${a.url}/trust`, { headers: a.auth })).json).toEqual([]);
    expect((await call(proxy, { headers: a.auth })).json).toEqual({});
    const fresh = (await call(`${a.url}/trust`, { headers: a.auth })).json;
    expect(fresh).toHaveLength(1);
    expect(fresh[0].peerid).not.toBe(trust.peerid);
  });
});

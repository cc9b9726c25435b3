import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, newActor, type TestActor } from './support/actors.js';
import { startFakePeer, type FakePeer } from './support/fake-peer.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

let counter = 0;
/** A fresh peer id (32 hex) and secret (40 hex) per request. */
function requester(): { id: string; secret: string } {
  counter += 1;
  const n = `${process.pid}${counter}`.padStart(8, '0');
  return { id: n.repeat(4).slice(0, 32), secret: n.repeat(5).slice(0, 40) };
}

/**
 * `POST /<id>/trust/<relationship>` is open to anyone (ActingWeb spec, "Creation of a Trust Relationship"). What it accepts
 * (any relationship token, any baseuri), what it never does (call a baseuri
 * that is not an http(s) URL), what an unconfigured relationship may do, and
 * how much an anonymous sender can store.
 */
describe.each(STORAGES)('incoming trust requests on $name', (storage) => {
  let server: TestServer;
  let capped: TestServer;
  /** Records every request; a baseuri pointing here must never be called. */
  let bystander: FakePeer;

  beforeAll(async () => {
    server = await startFreshServer(storage);
    capped = await startFreshServer(storage, { trust: { maxPendingRequests: 3 }, autoApprove: ['friend'] });
    bystander = await startFakePeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  afterAll(async () => {
    await Promise.all([server.close(), capped.close(), bystander.close()]);
  });

  it('accepts any relationship name and any baseuri; 202 with the record and Location', async () => {
    const b = await newActor(server);
    const peer = requester();
    const res = await call(`${b.url}/trust/lover`, {
      method: 'POST',
      body: { id: peer.id, baseuri: 'testurl', type: 'urn:actingweb:x:y', secret: peer.secret, desc: 'hi' },
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`${b.url}/trust/lover/${peer.id}`);
    expect(res.json).toMatchObject({
      id: b.id,
      peerid: peer.id,
      baseuri: 'testurl',
      type: 'urn:actingweb:x:y',
      relationship: 'lover',
      desc: 'hi',
      approved: false,
      peer_approved: true,
      verified: false,
    });
    const stored = await call(`${b.url}/trust/lover/${peer.id}`, { headers: b.auth });
    expect([stored.status, stored.json.baseuri]).toEqual([202, 'testurl']);

    // Names are tokens of [A-Za-z0-9._-], 1-64 characters; a baseuri must not be empty.
    for (const name of ['Mixed.Case_name-1', 'x'.repeat(64)]) {
      const other = requester();
      const ok = await call(`${b.url}/trust/${name}`, {
        method: 'POST',
        body: { id: other.id, baseuri: 'x', secret: other.secret },
      });
      expect([name, ok.status]).toEqual([name, 202]);
    }
    const bad = requester();
    for (const name of ['a%20b', 'x'.repeat(65), 'a%2Fb'])
      expect(
        (await call(`${b.url}/trust/${name}`, { method: 'POST', body: { id: bad.id, baseuri: 'x' } })).status,
      ).toBe(400);
    const empty = await call(`${b.url}/trust/lover`, { method: 'POST', body: { id: bad.id, baseuri: '' } });
    expect(empty.status).toBe(400);
    expect(empty.json).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('never calls a baseuri that is not an http(s) URL: unverified, approve 204, delete 204', async () => {
    const b = await newActor(server);
    const peer = requester();
    // http, but with a query and with credentials: stored as given, never called.
    for (const baseuri of [`${bystander.url}?x=1`, bystander.url.replace('http://', 'http://user:pw@')]) {
      const one = requester();
      const res = await call(`${b.url}/trust/friend`, {
        method: 'POST',
        body: { id: one.id, baseuri, secret: one.secret, verify: 'token' },
      });
      expect(res.status).toBe(202);
      expect(res.json).toMatchObject({ baseuri, verified: false });
      expect(
        (
          await call(`${b.url}/trust/friend/${one.id}`, {
            method: 'PUT',
            headers: b.auth,
            body: { approved: true },
          })
        ).status,
      ).toBe(204);
      expect(
        (await call(`${b.url}/trust/friend/${one.id}`, { method: 'DELETE', headers: b.auth })).status,
      ).toBe(204);
    }
    expect(bystander.requests).toEqual([]);

    // Not a URL at all: the same, and deleting the actor does not trip over it either.
    const res = await call(`${b.url}/trust/friend`, {
      method: 'POST',
      body: { id: peer.id, baseuri: 'testurl', secret: peer.secret, verify: 'token' },
    });
    expect(res.json.verified).toBe(false);
    expect(
      (
        await call(`${b.url}/trust/friend/${peer.id}`, {
          method: 'PUT',
          headers: b.auth,
          body: { approved: true },
        })
      ).status,
    ).toBe(204);
    expect((await call(`${b.url}/trust/friend/${peer.id}`, { headers: b.auth })).json.approved).toBe(true);
    expect((await call(b.url, { method: 'DELETE', headers: b.auth })).status).toBe(204);
    expect(bystander.requests).toEqual([]);
  });

  it('gives a relationship without a trust type nothing beyond anonymous access, until the creator grants it', async () => {
    const b = await newActor(server);
    const peer = requester();
    await call(`${b.url}/properties`, {
      method: 'POST',
      headers: b.auth,
      body: { public: { x: 1 }, private: { k: 'secret' } },
    });
    await call(`${b.url}/trust/lover`, {
      method: 'POST',
      body: { id: peer.id, baseuri: 'testurl', secret: peer.secret },
    });
    expect(
      (
        await call(`${b.url}/trust/lover/${peer.id}`, {
          method: 'PUT',
          headers: b.auth,
          body: { approved: true },
        })
      ).status,
    ).toBe(204);
    const as = bearer(peer.secret);
    const subscribe = (body: Record<string, string>) =>
      call(`${b.url}/subscriptions/${peer.id}`, { method: 'POST', headers: as, body });

    // Approved, yet only what anyone may do: meta, its own trust record.
    expect((await call(`${b.url}/meta/id`, { headers: as })).status).toBe(200);
    expect((await call(`${b.url}/trust/lover/${peer.id}`, { headers: as })).status).toBe(200);
    expect((await call(`${b.url}/properties`, { headers: as })).status).toBe(403);
    expect((await call(`${b.url}/properties/public/x`, { headers: as })).status).toBe(403);
    expect((await call(`${b.url}/methods`, { headers: as })).status).toBe(403);
    expect((await call(`${b.url}/trust`, { headers: as })).status).toBe(403);
    expect((await call(b.url, { headers: as })).status).toBe(403);
    expect((await subscribe({ target: 'properties' })).status).toBe(403);
    expect((await subscribe({ target: 'properties', subtarget: 'public' })).status).toBe(403);
    expect((await subscribe({ target: 'resources', subtarget: 'public' })).status).toBe(403);

    // The creator grants public/* read: exactly that opens.
    const granted = await call(`${b.url}/trust/lover/${peer.id}/permissions`, {
      method: 'PUT',
      headers: b.auth,
      body: { properties: { patterns: ['public/*'], operations: ['read'] } },
    });
    expect(granted.status).toBe(201);
    expect(granted.json).toMatchObject({ trust_type: 'lover', source: 'custom_override' });
    expect((await call(`${b.url}/properties/public/x`, { headers: as })).text).toBe('1');
    expect((await call(`${b.url}/properties/private/k`, { headers: as })).status).toBe(403);
    expect((await call(`${b.url}/properties/public/x`, { method: 'PUT', headers: as, body: 2 })).status).toBe(
      403,
    );
    expect((await call(`${b.url}/properties`, { method: 'DELETE', headers: as })).status).toBe(403);
    expect((await call(`${b.url}/methods`, { headers: as })).status).toBe(403);
    expect((await subscribe({ target: 'properties', subtarget: 'public' })).status).toBe(201);
    expect((await subscribe({ target: 'properties' })).status).toBe(403);
    expect((await subscribe({ target: 'properties', subtarget: 'private' })).status).toBe(403);
  });

  it('keeps at most trust.maxPendingRequests unapproved requests per actor: 429 with Retry-After', async () => {
    const b = await newActor(capped);
    const other = await newActor(capped, 'other@example.com');
    const ask = (actor: TestActor, relationship: string, peer = requester()) =>
      call(`${actor.url}/trust/${relationship}`, {
        method: 'POST',
        body: { id: peer.id, baseuri: 'testurl', secret: peer.secret },
      });
    const first = requester();
    expect((await ask(b, 'associate', first)).status).toBe(202);
    expect((await ask(b, 'associate')).status).toBe(202);
    expect((await ask(b, 'lover')).status).toBe(202);

    const refused = await ask(b, 'associate');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.json).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect((await call(`${b.url}/trust`, { headers: b.auth })).json).toHaveLength(3);

    // A retry of a stored request still gets its record; auto-approved requests are not pending;
    // another actor has its own allowance.
    expect((await ask(b, 'associate', first)).status).toBe(202);
    expect((await ask(b, 'friend')).status).toBe(201);
    expect((await ask(other, 'associate')).status).toBe(202);

    // Approving one frees a place; approved trusts are never dropped.
    expect(
      (
        await call(`${b.url}/trust/associate/${first.id}`, {
          method: 'PUT',
          headers: b.auth,
          body: { approved: true },
        })
      ).status,
    ).toBe(204);
    expect((await ask(b, 'associate')).status).toBe(202);
    expect((await ask(b, 'associate')).status).toBe(429);
    const list = await call(`${b.url}/trust`, { headers: b.auth });
    expect(list.json).toHaveLength(5);
    expect(list.json.filter((t: { approved: boolean }) => t.approved)).toHaveLength(2);
  });

  it('keeps 100 pending requests by default', async () => {
    const b = await newActor(server);
    for (let i = 0; i < 100; i++) {
      const peer = requester();
      const res = await call(`${b.url}/trust/associate`, {
        method: 'POST',
        body: { id: peer.id, baseuri: 'testurl', secret: peer.secret },
      });
      expect(res.status).toBe(202);
    }
    const peer = requester();
    expect(
      (
        await call(`${b.url}/trust/associate`, {
          method: 'POST',
          body: { id: peer.id, baseuri: 'testurl', secret: peer.secret },
        })
      ).status,
    ).toBe(429);
  });

  it('bounds the free-text fields in bytes (desc 1 KiB)', async () => {
    const b = await newActor(server);
    const ask = (fields: Record<string, string>) => {
      const peer = requester();
      return call(`${b.url}/trust/associate`, {
        method: 'POST',
        body: { id: peer.id, baseuri: 'testurl', secret: peer.secret, ...fields },
      });
    };
    expect((await ask({ desc: 'd'.repeat(1024) })).status).toBe(202);
    expect((await ask({ desc: 'd'.repeat(1025) })).status).toBe(400);
    // 600 characters, 1800 bytes.
    const multiByte = await ask({ desc: '€'.repeat(600) });
    expect(multiByte.status).toBe(400);
    expect(multiByte.json.message).toMatch(/desc/);
    expect((await ask({ type: '€'.repeat(200) })).status).toBe(400);
    expect((await ask({ baseuri: 'b'.repeat(2049) })).status).toBe(400);
    expect((await call(`${b.url}/trust`, { headers: b.auth })).json).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, newActor, type TestActor } from './support/subscriptions.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

let counter = 0;
/** A fresh peer id (32 hex) and secret (40 hex) per request. */
function requester(): { id: string; secret: string } {
  counter += 1;
  const n = `${process.pid}${counter}`.padStart(8, '0');
  return { id: `b0${n}`.repeat(4).slice(0, 32), secret: `c0${n}`.repeat(5).slice(0, 40) };
}

/**
 * The bodies of `PUT /trust/<rel>/<peer>`, the peer's approval
 * (`POST /trust/<rel>/<peer>`) and `PUT /subscriptions/<peer>/<subid>`: what
 * each accepts, the 400 for what it does not (a JSON error body naming the
 * field), and the 404 for a trust or subscription that does not exist.
 */
describe.each(STORAGES)('trust and subscription change bodies on $name', (storage) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startFreshServer(storage, { autoApprove: ['friend'] });
  });
  afterAll(async () => {
    await server.close();
  });

  /** A trust a peer asked for (its baseuri is never called), approved here by `autoApprove`. */
  async function trustedPeer(b: TestActor): Promise<{ id: string; secret: string }> {
    const peer = requester();
    const res = await call(`${b.url}/trust/friend`, {
      method: 'POST',
      body: { id: peer.id, baseuri: 'testurl', secret: peer.secret },
    });
    expect(res.status).toBe(201);
    return peer;
  }

  it('PUT /trust/<rel>/<peer>: refuses a bad field with 400 naming it; accepts desc or description', async () => {
    const b = await newActor(server);
    const peer = await trustedPeer(b);
    const url = `${b.url}/trust/friend/${peer.id}`;
    const put = (body: unknown) => call(url, { method: 'PUT', headers: b.auth, body });

    for (const [body, message] of [
      [{ approved: 'maybe' }, 'approved must be true or false'],
      [{ approved: null }, 'approved must be true or false'],
      [{ desc: 'é'.repeat(600) }, 'desc must be a string of at most 1024 bytes'],
      [{ description: 5 }, 'desc must be a string of at most 1024 bytes'],
      [{ baseuri: 42 }, 'baseuri must be a URL'],
    ] as const) {
      const res = await put(body);
      expect([res.status, res.json]).toEqual([400, { statusCode: 400, error: 'Bad Request', message }]);
    }
    const notHttp = await put({ baseuri: 'ftp://peer.example/x' });
    expect(notHttp.status).toBe(400);
    expect(notHttp.json.message).toMatch(/absolute http\(s\) URL/);
    expect((await call(url, { headers: b.auth })).json).toMatchObject({ desc: '', baseuri: 'testurl' });

    expect((await put({ description: 'via description', baseuri: 'https://peer.example/p/' })).status).toBe(
      204,
    );
    expect((await call(url, { headers: b.auth })).json).toMatchObject({
      desc: 'via description',
      baseuri: 'https://peer.example/p',
    });
    // No body changes nothing, as in the reference.
    expect((await call(url, { method: 'PUT', headers: b.auth })).status).toBe(204);
    expect((await call(url, { headers: b.auth })).json.desc).toBe('via description');
  });

  it('PUT /trust/<rel>/<peer>: 404 for an unknown peer or another relationship, after a malformed body', async () => {
    const b = await newActor(server);
    const peer = await trustedPeer(b);
    const unknown = await call(`${b.url}/trust/friend/${requester().id}`, {
      method: 'PUT',
      headers: b.auth,
      body: { desc: 'x' },
    });
    expect([unknown.status, unknown.json.message]).toEqual([404, 'Trust relationship not found']);
    const otherRelationship = await call(`${b.url}/trust/admin/${peer.id}`, {
      method: 'PUT',
      headers: b.auth,
      body: { desc: 'x' },
    });
    expect(otherRelationship.status).toBe(404);
    // The body is read first (the reference's order too).
    const malformed = await call(`${b.url}/trust/friend/${requester().id}`, {
      method: 'PUT',
      headers: b.auth,
      body: { approved: 'maybe' },
    });
    expect(malformed.status).toBe(400);
    const query = await call(`${b.url}/permissions/${requester().id}`, { headers: b.auth });
    expect([query.status, query.json.message]).toEqual([404, 'Trust relationship not found']);
  });

  it("POST /trust/<rel>/<peer>: the peer's approval needs approved as a boolean or its string form", async () => {
    const b = await newActor(server);
    const peer = await trustedPeer(b);
    const url = `${b.url}/trust/friend/${peer.id}`;
    const refused = await call(url, {
      method: 'POST',
      headers: bearer(peer.secret),
      body: { approved: 'yes' },
    });
    expect([refused.status, refused.json.message]).toEqual([400, 'Body must be {"approved": true|false}']);
    expect((await call(url, { headers: b.auth })).json.peer_approved).toBe(true);
    const withdrawn = await call(url, {
      method: 'POST',
      headers: bearer(peer.secret),
      body: { approved: 'false' },
    });
    expect(withdrawn.status).toBe(204);
    expect((await call(url, { headers: b.auth })).json.peer_approved).toBe(false);
  });

  it('PUT /subscriptions/<peer>/<subid>: a non-negative integer sequence, or its decimal text', async () => {
    const b = await newActor(server);
    const peer = await trustedPeer(b);
    const created = await call(`${b.url}/subscriptions/${peer.id}`, {
      method: 'POST',
      headers: bearer(peer.secret),
      body: { target: 'properties' },
    });
    expect(created.status).toBe(201);
    const url = `${b.url}/subscriptions/${peer.id}/${created.json.subscriptionid}`;
    for (const n of [1, 2]) {
      await call(`${b.url}/properties/n`, { method: 'PUT', headers: b.auth, body: n });
    }
    const clear = (body: unknown) => call(url, { method: 'PUT', headers: bearer(peer.secret), body });

    for (const body of [{ sequence: -1 }, { sequence: 1.5 }, { sequence: '1e3' }, {}, [1]]) {
      const res = await clear(body);
      expect(res.status).toBe(400);
      expect(res.json.statusCode).toBe(400);
    }
    expect((await clear({ sequence: -1 })).json.message).toBe(
      'Body must be {"sequence": <non-negative integer>}',
    );
    const pending = async () =>
      (await call(url, { headers: bearer(peer.secret) })).json.data.map(
        (d: { sequence: number }) => d.sequence,
      );
    expect(await pending()).toEqual([1, 2]);
    expect((await clear({ sequence: '1' })).status).toBe(204);
    expect(await pending()).toEqual([2]);

    const unknown = await call(`${b.url}/subscriptions/${peer.id}/nope`, {
      method: 'PUT',
      headers: bearer(peer.secret),
      body: { sequence: 1 },
    });
    expect(unknown.status).toBe(404);
  });
});

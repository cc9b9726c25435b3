import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CallbackDelivery } from '../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { metaThen, startFakePeer, type FakePeer } from './support/fake-peer.js';
import {
  bearer,
  fakeSubscriber,
  newActor,
  type FakeSubscriber,
  type TestActor,
} from './support/subscriptions.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** A public-looking root: peer calls from these servers may reach public addresses only, by default. */
const PUBLIC_BASE_URL = 'https://aw.example.com/';
const REFUSED = /refused by the outgoing-request policy/;
const PEER_TYPE = 'urn:actingweb:fake.example:peer';

/** Answers like an ActingWeb peer: `/meta`, 202 to trust requests, 404 to anything else. */
const actingWebPeer = (id: string) =>
  metaThen(id, (req, res) => {
    res.writeHead(req.method === 'POST' ? 202 : 404, { 'content-type': 'application/json' });
    res.end('{}');
  });

/** The same fake peer on IPv6 loopback. */
async function startIpv6Peer(id: string): Promise<FakePeer & { port: number }> {
  const { createServer } = await import('node:http');
  const requests: FakePeer['requests'] = [];
  const answer = actingWebPeer(id);
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', body: '', raw: Buffer.alloc(0) });
    answer(req, res, '');
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://[::1]:${port}/fakeactor`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The outgoing-request policy (docs/security.md) over real HTTP: a server
 * whose baseUrl is public sends nothing to loopback peers, whatever form their
 * address takes, through any kind of peer call; `peers.allowedCidrs` lets
 * them through again.
 */
describe.each(STORAGES)('outgoing-request policy on $name', (storage) => {
  let guarded: TestServer; // public baseUrl, default policy
  let open: TestServer; // public baseUrl, loopback allowed by peers.allowedCidrs
  let peer: FakePeer;
  let peer6: FakePeer & { port: number };
  let port: number;
  const subscribers: FakeSubscriber[] = [];

  beforeAll(async () => {
    [guarded, open, peer, peer6] = await Promise.all([
      startFreshServer(storage, { baseUrl: PUBLIC_BASE_URL, autoApprove: ['friend'] }),
      startFreshServer(storage, {
        baseUrl: PUBLIC_BASE_URL,
        autoApprove: ['friend'],
        peers: { allowedCidrs: ['127.0.0.0/8', '::1'] },
      }),
      startFakePeer(actingWebPeer('recordedpeer')),
      startIpv6Peer('recordedpeer6'),
    ]);
    port = Number(new URL(peer.url).port);
  });
  beforeEach(() => {
    peer.requests.splice(0);
    peer6.requests.splice(0);
  });
  afterAll(async () => {
    await Promise.all([
      guarded.close(),
      open.close(),
      peer.close(),
      peer6.close(),
      ...subscribers.map((s) => s.close()),
    ]);
  });

  const requestsTo = (p: FakePeer) => p.requests.map((r) => `${r.method} ${r.url}`);
  const initiateTrust = (actor: TestActor, url: string) =>
    call(`${actor.url}/trust`, {
      method: 'POST',
      headers: actor.auth,
      body: { url, relationship: 'friend' },
    });
  const askForTrust = (actor: TestActor, relationship: string, body: Record<string, unknown> = {}) =>
    call(`${actor.url}/trust/${relationship}`, {
      method: 'POST',
      body: {
        id: randomBytes(16).toString('hex'),
        baseuri: peer.url,
        type: PEER_TYPE,
        secret: randomBytes(20).toString('hex'),
        ...body,
      },
    });

  describe('an anonymous trust request with a loopback baseuri', () => {
    it('makes no request there: the trust is stored, unverified; peers.allowedCidrs lets the verification out', async () => {
      const a = await newActor(guarded);
      const res = await askForTrust(a, 'friend', { verify: 'verification-token' });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ baseuri: peer.url, verified: false, approved: true });
      expect(requestsTo(peer)).toEqual([]);

      const b = await newActor(open);
      expect((await askForTrust(b, 'friend', { verify: 'verification-token' })).status).toBe(201);
      expect(requestsTo(peer)).toEqual([`GET /fakeactor/trust/friend/${b.id}`]);
    });

    it('gets no approval or delete notice: both still succeed here', async () => {
      const a = await newActor(guarded);
      const asked = await askForTrust(a, 'associate');
      expect(asked.status).toBe(202);
      const record = `${a.url}/trust/associate/${asked.json.peerid}`;
      const approved = await call(record, { method: 'PUT', headers: a.auth, body: { approved: true } });
      expect(approved.status).toBe(204);
      expect((await call(record, { headers: a.auth })).json).toMatchObject({ approved: true });
      await call(record, { method: 'DELETE', headers: a.auth });
      expect((await call(record, { headers: a.auth })).status).toBe(404);
      expect(requestsTo(peer)).toEqual([]);
    });
  });

  describe("the creator's POST /trust to a loopback peer", () => {
    it('is answered like an unreachable peer; the peer hears nothing and nothing is stored', async () => {
      const a = await newActor(guarded);
      const refused = await initiateTrust(a, peer.url);
      expect(refused.json.message).toMatch(REFUSED);
      expect(requestsTo(peer)).toEqual([]);
      expect((await call(`${a.url}/trust`, { headers: a.auth })).json).toEqual([]);

      // The status is the one of a peer that really is down (a closed port, where the policy allows it).
      const down = await startFakePeer(() => {});
      await down.close();
      const unreachable = await initiateTrust(await newActor(open), down.url);
      expect(unreachable.json.message).not.toMatch(REFUSED);
      expect(refused.status).toBe(unreachable.status);
      expect(refused.status).toBeGreaterThanOrEqual(400);
    });

    it.each([
      ['127.0.0.1', () => peer.url, () => peer],
      [
        'localhost (a name that resolves to loopback: refused when connecting)',
        () => `http://localhost:${port}/fakeactor`,
        () => peer,
      ],
      ['[::1]', () => peer6.url, () => peer6],
      ['[::ffff:127.0.0.1]', () => `http://[::ffff:127.0.0.1]:${port}/fakeactor`, () => peer],
      ['[::ffff:7f00:1]', () => `http://[::ffff:7f00:1]:${port}/fakeactor`, () => peer],
    ])(
      'to %s is refused, and goes through once peers.allowedCidrs allows loopback',
      async (_form, url, target) => {
        const refused = await initiateTrust(await newActor(guarded), url());
        expect(refused.json.message).toMatch(REFUSED);
        expect(requestsTo(target())).toEqual([]);

        const allowed = await initiateTrust(await newActor(open), url());
        expect(allowed.json?.message ?? '').not.toMatch(REFUSED);
        expect(requestsTo(target())).toEqual(['GET /fakeactor/meta', 'POST /fakeactor/trust/friend']);
      },
    );

    it('over https is refused the same way, before any TLS handshake', async () => {
      for (const url of [`https://127.0.0.1:${port}/fakeactor`, `https://localhost:${port}/fakeactor`]) {
        const refused = await initiateTrust(await newActor(guarded), url);
        expect(refused.json.message).toMatch(REFUSED);
      }
    });

    it('to a host listed in peers.allowedHosts goes through whatever it resolves to', async () => {
      const byName = await startFreshServer(storage, {
        baseUrl: PUBLIC_BASE_URL,
        peers: { allowedHosts: ['LOCALHOST'] },
      });
      try {
        await initiateTrust(await newActor(byName), `http://localhost:${port}/fakeactor`);
        expect(requestsTo(peer)).toEqual(['GET /fakeactor/meta', 'POST /fakeactor/trust/friend']);
        peer.requests.splice(0);
        const literal = await initiateTrust(await newActor(byName), peer.url);
        expect(literal.json.message).toMatch(REFUSED);
        expect(requestsTo(peer)).toEqual([]);
      } finally {
        await byName.close();
      }
    });
  });

  describe('a server whose baseUrl is on loopback (local development)', () => {
    it('reaches loopback peers, unless peers.allowBaseUrlClass is false', async () => {
      const [local, strict] = await Promise.all([
        startFreshServer(storage), // baseUrl http://127.0.0.1:<port>/
        startFreshServer(storage, { peers: { allowBaseUrlClass: false } }),
      ]);
      try {
        await initiateTrust(await newActor(local), peer.url);
        expect(requestsTo(peer)).toEqual(['GET /fakeactor/meta', 'POST /fakeactor/trust/friend']);
        peer.requests.splice(0);
        const refused = await initiateTrust(await newActor(strict), peer.url);
        expect(refused.json.message).toMatch(REFUSED);
        expect(requestsTo(peer)).toEqual([]);
      } finally {
        await Promise.all([local.close(), strict.close()]);
      }
    });
  });

  describe('subscription callbacks to a loopback subscriber', () => {
    const subscribedActor = async (server: TestServer) => {
      const publisher = await newActor(server);
      const subscriber = await fakeSubscriber(publisher, () => ({ status: 204 }));
      subscribers.push(subscriber);
      const subscriptionId = await subscriber.subscribe({ target: 'properties', granularity: 'high' });
      return { publisher, subscriber, subscriptionId };
    };
    const write = (actor: TestActor) =>
      call(`${actor.url}/properties/note`, { method: 'PUT', headers: actor.auth, body: { text: 'hi' } });

    it('are not sent (no answer, like an unreachable subscriber), the diff stays pollable; peers.allowedCidrs lets them out', async () => {
      const { publisher, subscriber, subscriptionId } = await subscribedActor(guarded);
      const delivery = guarded.app.get(CallbackDelivery);
      const failedBefore = delivery.stats().failed;
      expect((await write(publisher)).status).toBe(204);
      await delivery.whenIdle();
      expect(subscriber.callbacks()).toEqual([]);
      expect(delivery.stats().failed).toBe(failedBefore + 1);
      const polled = await call(`${publisher.url}/subscriptions/${subscriber.id}/${subscriptionId}`, {
        headers: bearer(subscriber.secret),
      });
      expect(polled.json.data).toEqual([
        expect.objectContaining({ sequence: 1, data: { note: { text: 'hi' } } }),
      ]);

      const allowed = await subscribedActor(open);
      expect((await write(allowed.publisher)).status).toBe(204);
      await open.app.get(CallbackDelivery).whenIdle();
      expect(allowed.subscriber.callbacks()).toEqual([
        expect.objectContaining({ data: { note: { text: 'hi' } } }),
      ]);
    });
  });
});

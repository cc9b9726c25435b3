import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startFakePeer, type FakePeer } from './support/fake-peer.js';
import { newActor, type TestActor } from './support/subscriptions.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/**
 * `POST /<me>/subscriptions` (ActingWeb spec, "Initiating and Enumerating Subscriptions"): the creator asks its actor
 * to subscribe at a peer. Success is 204 with `Location` = the subscription at
 * the peer; a peer that cannot be reached or does not create the subscription
 * is 408 with a JSON body saying what failed, and nothing is stored.
 */
describe.each(STORAGES)('asking an actor to subscribe at a peer on $name', (storage) => {
  let server: TestServer;
  const peers: FakePeer[] = [];

  beforeAll(async () => {
    server = await startFreshServer(storage, { autoApprove: ['friend'], peers: { timeoutMs: 300 } });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await server.close();
  });

  /** A fake peer that `actor` trusts as a friend, answering `POST <peer>/subscriptions/<actor>` with `answer`. */
  const trustedPeer = async (actor: TestActor, answer: Answer) => {
    const id = randomBytes(16).toString('hex');
    const peer = await startFakePeer((req, res, body) => {
      if (req.method === 'POST' && req.url === `/fakeactor/subscriptions/${actor.id}`) {
        answer(req, res, body);
        return;
      }
      res.writeHead(404);
      res.end();
    });
    peers.push(peer);
    const trust = await call(`${actor.url}/trust/friend`, {
      method: 'POST',
      body: { id, baseuri: peer.url, type: 'urn:actingweb:fake.example:peer', secret: 's'.repeat(40) },
    });
    expect(trust.status).toBe(201);
    return { id, peer };
  };
  const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const ask = (actor: TestActor, peerid: string) =>
    call(`${actor.url}/subscriptions`, {
      method: 'POST',
      headers: actor.auth,
      body: { peerid, target: 'properties', subtarget: 'notes', granularity: 'high' },
    });
  const stored = async (actor: TestActor) =>
    (await call(`${actor.url}/subscriptions`, { headers: actor.auth })).json.data as unknown[];

  it('204 with Location at the peer and no body; the request asks for compressed callbacks', async () => {
    const a = await newActor(server);
    const subId = 'c'.repeat(32);
    const { id, peer } = await trustedPeer(
      a,
      json(201, { subscriptionid: subId, target: 'properties', subtarget: 'notes', sequence: 0 }),
    );
    const res = await ask(a, id);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(res.headers.get('location')).toBe(`${peer.url}/subscriptions/${a.id}/${subId}`);

    const request = peer.requests.find((r) => r.method === 'POST')!;
    expect(request.authorization).toBe(`Bearer ${'s'.repeat(40)}`);
    expect(JSON.parse(request.body)).toEqual({
      id: a.id,
      target: 'properties',
      subtarget: 'notes',
      resource: '',
      granularity: 'high',
      accept_encoding: ['gzip', 'br', 'deflate'],
    });
    expect(await stored(a)).toEqual([
      expect.objectContaining({ peerid: id, subscriptionid: subId, callback: true, subtarget: 'notes' }),
    ]);
  });

  it.each<[string, Answer | 'down', RegExp]>([
    ['the peer refuses (403)', json(403, { error: 'no' }), /answered 403/],
    ['the peer fails (500)', json(500, {}), /answered 500/],
    ['the peer answers 200 instead of 201', json(200, { subscriptionid: 'x' }), /answered 200/],
    ['the peer answers 201 without a subscriptionid', json(201, { ok: true }), /no subscriptionid/],
    ['the peer does not answer in time', () => undefined, /did not answer in time/],
    ['the peer is unreachable', 'down', /unreachable/],
  ])('408 with a JSON body when %s; nothing is stored', async (_what, answer, message) => {
    const a = await newActor(server);
    const { id, peer } = await trustedPeer(a, answer === 'down' ? () => undefined : answer);
    if (answer === 'down') await peer.close();
    const res = await ask(a, id);
    expect(res.status).toBe(408);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json).toMatchObject({ statusCode: 408 });
    expect(res.json.message).toContain(`Could not create the subscription at peer ${id}`);
    expect(res.json.message).toMatch(message);
    expect(res.json.step).toBe('subscription_request');
    expect(await stored(a)).toEqual([]);
  });

  it('no trust with the peer: 408 as in the reference, saying so', async () => {
    const a = await newActor(server);
    const res = await ask(a, 'f'.repeat(32));
    expect(res.status).toBe(408);
    expect(res.json).toMatchObject({ statusCode: 408, step: 'trust' });
    expect(res.json.message).toMatch(/no trust/);
  });
});

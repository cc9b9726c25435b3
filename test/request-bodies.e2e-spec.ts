import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '@actingweb/nestjs';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import {
  bearer,
  befriend,
  newActor,
  subscribe,
  SubscriberLog,
  type TestActor,
} from './support/subscriptions.js';

const BODY_LIMIT = 64 * 1024;

/** Values for the route parameters of the matrix below. */
const PARAMS: Record<string, string> = {
  relationship: 'friend',
  peerId: 'p'.repeat(32),
  subscriptionId: 'sub1',
  bucket: 'bucket',
  name: 'name',
  sequence: '1',
};

/** The routes anyone may call by protocol: a bad body is 400 for them, whoever asks. */
const ANONYMOUS_BY_PROTOCOL = new Set([
  'POST :actorId/trust/:relationship',
  'POST :actorId/callbacks/*',
  'PUT :actorId/callbacks/*',
]);

interface BodyRoute {
  /** `POST :actorId/properties/*` */
  readonly key: string;
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
}

/**
 * Every actor route that takes a body, as a fresh application registers it on
 * Fastify (the routes behind the access check carry `awAuthFirst` in their
 * config), so a route added later is in the matrix without anyone listing it.
 */
async function bodyRoutes(): Promise<BodyRoute[]> {
  const app = await NestFactory.create<NestFastifyApplication>(
    ActingWebModule.forRoot({
      type: 'urn:actingweb:example.com:bodies',
      baseUrl: 'http://127.0.0.1/',
      storage: { type: 'sqlite', filename: ':memory:' },
      devtest: true,
    }),
    new FastifyAdapter(),
    { logger: false, abortOnError: false },
  );
  const routes: BodyRoute[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (!(route.config as { awAuthFirst?: boolean } | undefined)?.awAuthFirst) return;
      for (const verb of [route.method].flat() as string[]) {
        if (verb !== 'POST' && verb !== 'PUT' && verb !== 'PATCH') continue;
        const path = route.url.replace(/^\//, '');
        routes.push({ key: `${verb} ${path}`, method: verb, path });
      }
    });
  await app.init();
  await app.close();
  return routes;
}

function urlOf(server: TestServer, actorId: string, route: BodyRoute): string {
  const path = route.path
    .replace(':actorId', actorId)
    .replace(/:(\w+)/g, (_m, param: string) => PARAMS[param] ?? 'x')
    .replace(/\*/, 'x');
  return server.url + path;
}

/** Bodies that cannot be read, each with the headers that go with it. */
const MALFORMED: Array<[string, { raw: string | Uint8Array; headers: Record<string, string> }]> = [
  ['malformed JSON', { raw: '{"a":', headers: { 'content-type': 'application/json' } }],
  ['a forbidden key', { raw: '{"__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } }],
  [
    'corrupt gzip',
    { raw: 'not gzip at all', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } },
  ],
];

const routes = await bodyRoutes();

describe.each(STORAGES)('request bodies on $name', (storage) => {
  let server: TestServer;
  let actor: TestActor;

  beforeAll(async () => {
    server = await startFreshServer(storage, { devtest: true, bodyLimit: BODY_LIMIT });
    actor = await newActor(server, 'bodies@example.com');
  });
  afterAll(() => server.close());

  describe('authentication comes before reading the body', () => {
    it('finds the body routes of every actor route file', () => {
      const keys = routes.map((r) => r.key);
      expect(keys).toEqual(
        expect.arrayContaining([
          'POST :actorId/properties',
          'PUT :actorId/properties/*',
          'POST :actorId/subscriptions',
          'PUT :actorId/subscriptions/:peerId/:subscriptionId',
          'POST :actorId/trust',
          'PUT :actorId/trust/:relationship/:peerId/permissions',
          'POST :actorId/callbacks/subscriptions/:peerId/:subscriptionId',
          'POST :actorId/methods/*',
          'PUT :actorId/actions/*',
          'POST :actorId/resources/*',
          'PUT :actorId/devtest/attribute/:bucket/:name',
          ...ANONYMOUS_BY_PROTOCOL,
        ]),
      );
      expect(routes.length).toBeGreaterThan(30);
    });

    const cases = routes.flatMap((route) =>
      MALFORMED.map(([label, body]) => [route.key, label, route, body] as const),
    );

    it.each(cases)('%s with %s', async (key, _label, route, body) => {
      const res = await call(urlOf(server, actor.id, route), { method: route.method, ...body });
      if (ANONYMOUS_BY_PROTOCOL.has(key)) {
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ statusCode: 400 });
      } else {
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(res.json).toMatchObject({ statusCode: 401, message: 'Authentication required' });
      }
    });

    it('wrong credentials with a bad body are 403; the right ones learn that the body is bad (400)', async () => {
      const url = `${actor.url}/subscriptions`;
      const bad = { raw: '{"peerid":', headers: { 'content-type': 'application/json' } };
      const wrong = await call(url, {
        method: 'POST',
        ...bad,
        headers: { ...bad.headers, authorization: basic('bodies@example.com', 'wrong') },
      });
      expect(wrong.status).toBe(403);
      const right = await call(url, { method: 'POST', ...bad, headers: { ...bad.headers, ...actor.auth } });
      expect(right.status).toBe(400);
      expect(right.json.message).toBe('Body is not valid JSON');
    });

    it('the factory and trust requests, anonymous by protocol, still answer 400 for bad JSON', async () => {
      const bad = { method: 'POST', raw: '{"creator":', headers: { 'content-type': 'application/json' } };
      expect((await call(server.url, bad)).status).toBe(400);
      const trust = await call(`${actor.url}/trust/friend`, bad);
      expect(trust.status).toBe(400);
      expect(trust.json.message).toBe('Body is not valid JSON');
    });

    it('a body over the limit is 413 before authentication (the size limit reveals nothing)', async () => {
      const res = await call(`${actor.url}/subscriptions`, {
        method: 'POST',
        raw: 'x'.repeat(BODY_LIMIT + 1),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(413);
    });

    it('a route that does not exist answers 404 or 400 for a bad body, never 500', async () => {
      for (const [, body] of MALFORMED) {
        const res = await call(`${server.url}a/b/c/d/e`, { method: 'POST', ...body });
        expect([400, 404]).toContain(res.status);
        expect(res.json).toMatchObject({ statusCode: res.status });
      }
      const form = await call(`${server.url}a/b/c/d/e`, {
        method: 'PUT',
        raw: '__proto__=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect([400, 404]).toContain(form.status);
    });

    it('an unknown actor is still 404 (there is no one to authenticate against)', async () => {
      const res = await call(`${server.url}${'0'.repeat(32)}/subscriptions`, {
        method: 'POST',
        ...MALFORMED[0][1],
      });
      expect(res.status).toBe(404);
    });
  });

  describe('compressed bodies (Content-Encoding)', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    const ENCODINGS: Array<[string, (b: Buffer) => Buffer]> = [
      ['gzip', (b) => gzipSync(b)],
      ['br', (b) => brotliCompressSync(b)],
      ['deflate', (b) => deflateSync(b)],
    ];

    it.each(ENCODINGS)('a %s property value is decoded and stored', async (encoding, compress) => {
      const value = { text: 'æøå '.repeat(500), encoding };
      const res = await call(`${actor.url}/properties/compressed_${encoding}`, {
        method: 'PUT',
        raw: compress(json(value)),
        headers: { ...actor.auth, 'content-type': 'application/json', 'content-encoding': encoding },
      });
      expect(res.status).toBe(204);
      expect(
        (await call(`${actor.url}/properties/compressed_${encoding}`, { headers: actor.auth })).json,
      ).toEqual(value);
    });

    it('a body that decompresses beyond the body limit is 413 (a zip bomb stays small)', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '));
      expect(bomb.length).toBeLessThan(BODY_LIMIT);
      const res = await call(`${actor.url}/properties/bomb`, {
        method: 'PUT',
        raw: bomb,
        headers: { ...actor.auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(413);
      expect((await call(`${actor.url}/properties/bomb`, { headers: actor.auth })).status).toBe(404);
    });

    it('corrupt data is 400, an unknown coding 415; nothing is stored', async () => {
      const truncated = gzipSync(json({ a: 1 })).subarray(0, 12);
      const corrupt = await call(`${actor.url}/properties/broken`, {
        method: 'PUT',
        raw: truncated,
        headers: { ...actor.auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(corrupt.status).toBe(400);
      expect(corrupt.json.message).toBe('Body is not valid gzip data');
      const unknown = await call(`${actor.url}/properties/broken`, {
        method: 'PUT',
        raw: '{"a":1}',
        headers: { ...actor.auth, 'content-type': 'application/json', 'content-encoding': 'compress' },
      });
      expect(unknown.status).toBe(415);
      expect((await call(`${actor.url}/properties/broken`, { headers: actor.auth })).status).toBe(404);
    });

    it('the factory accepts a gzip form body', async () => {
      const res = await call(server.url, {
        method: 'POST',
        raw: gzipSync(Buffer.from('creator=zipped%40example.com')),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(201);
      expect(res.json.creator).toBe('zipped@example.com');
    });
  });

  describe('property PUT bodies are raw (what curl -X PUT -d sends)', () => {
    const form = (raw: string) => ({
      method: 'PUT',
      raw,
      headers: { ...actor.auth, 'content-type': 'application/x-www-form-urlencoded' },
    });

    it('PUT /properties/<name> stores the text', async () => {
      expect((await call(`${actor.url}/properties/greeting`, form('hello'))).status).toBe(204);
      const res = await call(`${actor.url}/properties/greeting`, { headers: actor.auth });
      expect(res.text).toBe('hello');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect((await call(`${actor.url}/properties/pair`, form('a=1&b=2'))).status).toBe(204);
      expect((await call(`${actor.url}/properties/pair`, { headers: actor.auth })).text).toBe('a=1&b=2');
    });

    it('a form body that is JSON is stored as JSON', async () => {
      expect((await call(`${actor.url}/properties/doc`, form('{"title":"x"}'))).status).toBe(204);
      expect((await call(`${actor.url}/properties/doc`, { headers: actor.auth })).json).toEqual({
        title: 'x',
      });
    });

    it('PUT of a nested path stores the text at that path', async () => {
      await call(`${actor.url}/properties/profile`, { method: 'PUT', headers: actor.auth, body: { age: 3 } });
      expect((await call(`${actor.url}/properties/profile/name`, form('hello'))).status).toBe(204);
      expect((await call(`${actor.url}/properties/profile`, { headers: actor.auth })).json).toEqual({
        age: 3,
        name: 'hello',
      });
    });

    it('PUT of a list item (by path and by ?index=) stores the text', async () => {
      const created = await call(`${actor.url}/properties/notes`, {
        method: 'POST',
        headers: actor.auth,
        body: 'first',
      });
      expect(created.status).toBe(201);
      await call(`${actor.url}/properties/notes`, { method: 'POST', headers: actor.auth, body: 'second' });
      expect((await call(`${actor.url}/properties/notes/0`, form('hello'))).status).toBe(204);
      expect((await call(`${actor.url}/properties/notes?index=1`, form('world'))).status).toBe(204);
      expect((await call(`${actor.url}/properties/notes`, { headers: actor.auth })).json).toEqual([
        'hello',
        'world',
      ]);
    });

    it('POST /properties still reads a form as fields', async () => {
      const res = await call(`${actor.url}/properties`, {
        method: 'POST',
        raw: 'x=1&y=%C3%A6',
        headers: { ...actor.auth, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({ x: '1', y: 'æ' });
    });
  });
});

/** Callbacks from a publisher that compresses them (`callbackcompression`; ActingWeb spec, "Callback Compression"). */
describe.each(STORAGES)('compressed subscription callbacks on $name', (storage) => {
  let subscriberServer: TestServer;
  let publisherServer: TestServer;

  beforeAll(async () => {
    [subscriberServer, publisherServer] = await Promise.all([
      startFreshServer(storage, { autoApprove: ['friend'] }, { providers: [SubscriberLog] }),
      startFreshServer(storage, { autoApprove: ['friend'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([subscriberServer.close(), publisherServer.close()]);
  });

  it('gzip, br and deflate callback bodies from the peer are accepted and processed in order', async () => {
    const subscriber = await newActor(subscriberServer);
    const publisher = await newActor(publisherServer);
    const secret = await befriend(subscriber, publisher);
    const sub = await subscribe(subscriber, publisher, { granularity: 'none' });
    const url = `${subscriber.url}/callbacks/subscriptions/${publisher.id}/${sub}`;
    const callback = (sequence: number) =>
      Buffer.from(
        JSON.stringify({
          id: publisher.id,
          subscriptionid: sub,
          target: 'properties',
          sequence,
          timestamp: new Date().toISOString(),
          granularity: 'high',
          data: { note: 'x'.repeat(2000), sequence },
        }),
      );
    const sent: Array<[string, Buffer]> = [
      ['gzip', gzipSync(callback(1))],
      ['br', brotliCompressSync(callback(2))],
      ['deflate', deflateSync(callback(3))],
    ];
    for (const [encoding, body] of sent) {
      const res = await call(url, {
        method: 'POST',
        raw: body,
        headers: { ...bearer(secret), 'content-type': 'application/json', 'content-encoding': encoding },
      });
      expect(res.status).toBe(204);
    }
    const log = subscriberServer.app.get(SubscriberLog);
    expect(log.seen(subscriber.id, sub)).toEqual(
      [1, 2, 3].map((n) => [n, { note: 'x'.repeat(2000), sequence: n }]),
    );
  });
});

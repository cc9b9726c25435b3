import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { resolveConfig } from '../config/aw-config.js';
import type { PeerOptions } from '../config/actingweb-options.interface.js';
import { postCallback } from './callback-http.js';
import { OutgoingRequestPolicy, type ResolveAll } from './outgoing-request-policy.js';
import { policedUndiciAgent } from './peer-http.js';

const TLS = {
  cert: readFileSync(new URL('../../../../test/support/tls/localhost.cert.pem', import.meta.url), 'utf8'),
  key: readFileSync(new URL('../../../../test/support/tls/localhost.key.pem', import.meta.url), 'utf8'),
};

/** `peer.test` resolves to loopback; the server's own name to a public address. */
const dns: ResolveAll = (hostname, _options, callback) => {
  const address =
    hostname === 'peer.test' ? '127.0.0.1' : hostname === 'notes.example.com' ? '93.184.215.14' : null;
  if (address) callback(null, [{ address, family: 4 }]);
  else callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
};

async function policy(peers: PeerOptions = {}): Promise<OutgoingRequestPolicy> {
  const config = resolveConfig({
    type: 'urn:actingweb:example.com:notes',
    baseUrl: 'https://notes.example.com/',
    peers,
  });
  return OutgoingRequestPolicy.forServer(config.root, config.outgoingRequests, 1000, dns);
}

interface Received {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

/** A subscriber that records what it got, answers with `answer` (204 by default) and counts connections. */
function subscriber(make: (handler: Answer) => Server = (h) => createServer(h)) {
  const received: Received[] = [];
  let answer: Answer = (_req, res) => res.writeHead(204).end();
  const state = { connections: 0 };
  const server = make((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      answer(req, res);
    });
  });
  server.on('connection', () => state.connections++);
  return {
    server,
    received,
    state,
    answerWith: (next: Answer) => (answer = next),
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('postCallback (subscription callbacks over undici)', () => {
  const peer = subscriber();
  let port: number;
  let agents: { callbacks: ReturnType<typeof policedUndiciAgent> };

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    port = await peer.listen();
    agents = {
      callbacks: policedUndiciAgent(await policy({ allowedCidrs: ['127.0.0.0/8'] }), { connections: 8 }),
    };
  });
  afterEach(() => {
    peer.received.splice(0);
    peer.answerWith((_req, res) => res.writeHead(204).end());
  });
  afterAll(async () => {
    await agents.callbacks.destroy();
    await peer.close();
    jest.restoreAllMocks();
  });

  const post = (body: string | Buffer, headers?: Record<string, string>, timeoutMs = 5000) =>
    postCallback(`http://127.0.0.1:${port}/actor1/`, 'callbacks/subscriptions/a%2Fb/s1', 'sekrit', body, {
      timeoutMs,
      agents,
      headers,
    });

  it('POSTs the body with the Bearer secret, JSON headers and a request id, and answers the status', async () => {
    const answer = await post('{"sequence":1}');
    expect(answer.status).toBe(204);
    expect(peer.received).toHaveLength(1);
    const [got] = peer.received;
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/actor1/callbacks/subscriptions/a%2Fb/s1');
    expect(got.headers.authorization).toBe('Bearer sekrit');
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.headers['content-length']).toBe('14');
    expect(got.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.body.toString()).toBe('{"sequence":1}');
  });

  it('sends compressed bytes with the Content-Encoding it is given', async () => {
    const json = JSON.stringify({ data: 'x'.repeat(4000) });
    const answer = await post(gzipSync(json), { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(204);
    expect(peer.received[0].headers['content-encoding']).toBe('gzip');
    expect(peer.received[0].body).toEqual(gzipSync(json));
  });

  it('answers other statuses with their Retry-After', async () => {
    peer.answerWith((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('{"error":"slow down"}'));
    expect(await post('{}')).toEqual({ status: 429, retryAfter: '7' });
    peer.answerWith((_req, res) => res.writeHead(503).end());
    expect(await post('{}')).toEqual({ status: 503, retryAfter: undefined });
  });

  it('keeps the connection alive across callbacks to one subscriber', async () => {
    const before = peer.state.connections;
    for (let i = 0; i < 3; i++) expect((await post(`{"sequence":${i}}`)).status).toBe(204);
    expect(peer.state.connections - before).toBeLessThanOrEqual(1);
  });

  it('answers 0 when the subscriber does not answer in time', async () => {
    peer.answerWith(() => undefined);
    expect(await post('{}', undefined, 200)).toEqual({ status: 0 });
  });

  it('stops reading an oversized answer and keeps its status', async () => {
    peer.answerWith((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(128 * 1024)); // and never ends
    });
    expect((await post('{}')).status).toBe(200);
  });

  it('answers 0 for a peer root that is not an absolute http(s) URL, sending nothing', async () => {
    const answer = await postCallback('ftp://127.0.0.1/actor1', 'callbacks', 's', '{}', {
      timeoutMs: 1000,
      agents,
    });
    expect(answer).toEqual({ status: 0 });
    expect(peer.received).toEqual([]);
  });

  it('answers 0 once the agent is shut down', async () => {
    const closed = {
      callbacks: policedUndiciAgent(await policy({ allowedCidrs: ['127.0.0.0/8'] }), { connections: 2 }),
    };
    await closed.callbacks.destroy();
    const answer = await postCallback(`http://127.0.0.1:${port}/a`, 'callbacks', 's', '{}', {
      timeoutMs: 1000,
      agents: closed,
    });
    expect(answer).toEqual({ status: 0 });
  });
});

describe('postCallback and the outgoing-request policy', () => {
  const peer = subscriber();
  let port: number;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    port = await peer.listen();
  });
  afterAll(async () => {
    await peer.close();
    jest.restoreAllMocks();
  });

  it.each([
    ['an IP literal', () => `http://127.0.0.1:${port}/a`],
    ['a name that resolves to loopback (checked when connecting)', () => `http://peer.test:${port}/a`],
  ])('refuses %s the policy does not allow: status 0, no connection', async (_what, url) => {
    const agents = { callbacks: policedUndiciAgent(await policy(), { connections: 2 }) };
    try {
      expect(await postCallback(url(), 'callbacks', 's', '{}', { timeoutMs: 2000, agents })).toEqual({
        status: 0,
      });
      expect(peer.state.connections).toBe(0);
    } finally {
      await agents.callbacks.destroy();
    }
  });

  it('lets the same callbacks through once peers.allowedCidrs allows loopback', async () => {
    const agents = {
      callbacks: policedUndiciAgent(await policy({ allowedCidrs: ['127.0.0.1'] }), { connections: 2 }),
    };
    try {
      for (const url of [`http://127.0.0.1:${port}/a`, `http://peer.test:${port}/a`])
        expect((await postCallback(url, 'callbacks', 's', '{}', { timeoutMs: 2000, agents })).status).toBe(
          204,
        );
      expect(peer.received).toHaveLength(2);
    } finally {
      await agents.callbacks.destroy();
    }
  });
});

describe('postCallback over https', () => {
  const peer = subscriber((handler) => createHttpsServer(TLS, handler) as unknown as Server);
  let port: number;

  beforeAll(async () => {
    port = await peer.listen();
  });
  afterAll(() => peer.close());

  it('is delivered to a subscriber whose certificate is trusted, and refused (status 0) when it is not', async () => {
    const allowLoopback = await policy({ allowedCidrs: ['127.0.0.0/8'] });
    const trusting = {
      callbacks: policedUndiciAgent(allowLoopback, { connections: 2, tls: { ca: [TLS.cert] } }),
    };
    const strict = { callbacks: policedUndiciAgent(allowLoopback, { connections: 2 }) };
    try {
      const url = `https://127.0.0.1:${port}/a`;
      expect(
        (await postCallback(url, 'callbacks', 's', '{}', { timeoutMs: 2000, agents: trusting })).status,
      ).toBe(204);
      expect(await postCallback(url, 'callbacks', 's', '{}', { timeoutMs: 2000, agents: strict })).toEqual({
        status: 0,
      });
      expect(peer.received).toHaveLength(1);
    } finally {
      await Promise.all([trusting.callbacks.destroy(), strict.callbacks.destroy()]);
    }
  });
});

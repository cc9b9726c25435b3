import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

describe('HTTP plumbing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(STORAGES[0]);
  });
  afterAll(() => server.close());

  it('echoes a sane X-Request-ID and makes one up otherwise', async () => {
    const echoed = await call(server.url, { headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const generated = await call(server.url);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await call(server.url, { headers: { 'x-request-id': 'a b\tc<script>' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await call(server.url + 'a/b/c/d/e');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ statusCode: 404 });
  });

  it('accepts bodies with unusual content types instead of 415', async () => {
    const res = await call(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.whatever' },
      raw: '{"creator":"odd"}',
    });
    expect(res.status).toBe(201);
    expect(res.json.creator).toBe('odd');
  });

  it('survives a flood of bad requests and keeps serving', async () => {
    const bad = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          raw: '{'.repeat(i + 1),
        }),
      ),
    );
    expect(bad.every((r) => r.status === 400)).toBe(true);
    expect((await call(server.url, { method: 'POST' })).status).toBe(201);
  });
});

describe.each([true, false])('request context %s', (requestContext) => {
  it(`${requestContext ? 'names' : 'does not name'} the request in calls to peers (X-Parent-Request-ID)`, async () => {
    const { startFakePeer } = await import('./support/fake-peer.js');
    const { basic } = await import('./support/test-app.js');
    const peer = await startFakePeer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const server = await startFreshServer(STORAGES[0], { requestContext });
    try {
      const actor = await call(server.url, { method: 'POST', body: { creator: 'rc' } });
      const res = await call(`${server.url}${actor.json.id}/trust`, {
        method: 'POST',
        headers: { authorization: basic('rc', actor.json.passphrase), 'x-request-id': 'trace-me-123' },
        body: { url: peer.url, relationship: 'friend' },
      });
      expect(res.status).toBe(408); // the fake peer has no /meta
      expect(peer.requests).toHaveLength(1);
      expect(peer.requests[0].parentRequestId).toBe(requestContext ? 'trace-me-123' : undefined);
    } finally {
      await server.close();
      await peer.close();
    }
  });
});

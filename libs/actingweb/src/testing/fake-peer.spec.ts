import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakePeer, startFakePeer } from './fake-peer.js';

/** A raw request, so dropped connections and non-HTTP answers show as errors. */
function raw(url: string, method = 'GET', body?: string | Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('FakePeer', () => {
  let peer: FakePeer;
  beforeEach(async () => {
    peer = await startFakePeer({ id: 'f'.repeat(32), type: 'urn:actingweb:test.example:other' });
  });
  afterEach(() => peer.close());

  it('lives on loopback under its actor id and answers /meta like a peer', async () => {
    expect(peer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/f{32}$/);
    const meta = await fetch(`${peer.url}/meta`);
    expect(meta.status).toBe(200);
    expect(await meta.json()).toMatchObject({ id: 'f'.repeat(32), type: 'urn:actingweb:test.example:other' });
    expect((await fetch(`${peer.url}/properties/x`)).status).toBe(404);
    expect((await fetch(`${peer.url.replace(/\/f+$/, '')}/other/meta`)).status).toBe(404);
  });

  it('records requests with decoded bodies, in order', async () => {
    await fetch(`${peer.url}/callbacks/subscriptions/a/b`, { method: 'POST', body: '{"sequence":1}' });
    await raw(`${peer.url}/callbacks/subscriptions/a/b`, 'POST', gzipSync('{"sequence":2}'), {
      'content-encoding': 'gzip',
    });
    expect(peer.requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', 'callbacks/subscriptions/a/b'],
      ['POST', 'callbacks/subscriptions/a/b'],
    ]);
    expect(peer.callbacks()).toEqual([{ sequence: 1 }, { sequence: 2 }]);
  });

  it('answers scripted requests, latest script first, `times` limiting a script', async () => {
    peer.respond({ path: 'properties' }, { status: 503 });
    peer.respond({ method: 'GET', path: 'properties/status' }, { json: 'busy' }, { times: 1 });
    peer.respond({ path: /^properties\/count$/ }, (req) => ({ json: Number(req.query.get('n')) * 2 }));
    const status = await fetch(`${peer.url}/properties/status`);
    expect([status.status, await status.json()]).toEqual([200, 'busy']);
    expect((await fetch(`${peer.url}/properties/status`)).status).toBe(503);
    expect(await (await fetch(`${peer.url}/properties/count?n=21`)).json()).toBe(42);
    expect((await fetch(`${peer.url}/properties/status`, { method: 'PUT' })).status).toBe(503);
    peer.reset();
    expect((await fetch(`${peer.url}/properties/status`)).status).toBe(404);
  });

  it('plays slow, dropped, garbled and down', async () => {
    peer.respond({ path: 'slow' }, { status: 204, delayMs: 50 });
    peer.respond({ path: 'drop' }, 'drop');
    peer.respond({ path: 'garbage' }, 'garbage');
    expect((await raw(`${peer.url}/slow`)).status).toBe(204);
    await expect(raw(`${peer.url}/drop`)).rejects.toThrow();
    await expect(raw(`${peer.url}/garbage`)).rejects.toThrow();
    peer.down();
    await expect(raw(`${peer.url}/meta`)).rejects.toThrow();
    peer.up();
    expect((await raw(`${peer.url}/meta`)).status).toBe(200);
  });

  it('never answers a hanging request, until it closes', async () => {
    peer.respond({ path: 'hang' }, 'hang');
    const hanging = raw(`${peer.url}/hang`);
    await peer.waitForRequest({ path: 'hang' });
    await peer.close();
    await expect(hanging).rejects.toThrow();
  });

  it('waits for a request that has not come yet, and gives up after the timeout', async () => {
    const waiting = peer.waitForRequest({ method: 'DELETE', path: 'trust' });
    await fetch(`${peer.url}/meta`);
    await fetch(`${peer.url}/trust/friend/abc`, { method: 'DELETE' });
    expect((await waiting).path).toBe('trust/friend/abc');
    await expect(peer.waitForRequest({ path: 'never' }, { timeoutMs: 30 })).rejects.toThrow(
      /no request matching \* never reached the fake peer/,
    );
  });

  it('accepts trust requests and knows the secret; its trust record answers verification', async () => {
    const asked = await fetch(`${peer.url}/trust/friend`, {
      method: 'POST',
      body: JSON.stringify({
        id: 'a'.repeat(32),
        baseuri: 'http://127.0.0.1:1/' + 'a'.repeat(32),
        secret: 's3cret',
      }),
    });
    expect(asked.status).toBe(201);
    expect(peer.trustWith({ id: 'a'.repeat(32), url: 'ignored' })).toMatchObject({
      relationship: 'friend',
      secret: 's3cret',
    });
    expect((await fetch(`${peer.url}/trust/friend/${'a'.repeat(32)}`)).status).toBe(200);
    expect((await fetch(`${peer.url}/trust/admin/${'a'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${peer.url}/trust/friend`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});

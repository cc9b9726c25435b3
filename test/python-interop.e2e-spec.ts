import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ActorService, AwProxy, TrustManager } from '@actingweb/nestjs';
import { startPythonPeer, PYTHON_TYPE, type PythonPeer } from './support/python-peer.js';
import { bearer, newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const OUR_TYPE = 'urn:actingweb:test.example:e2e';

/**
 * Interoperability with ActingWeb 3.14 (Python) peers
 * (docs/trust.md#interoperability-with-python-peers): what Python peers send,
 * we accept; what we send, they accept. The peers are fakes that behave on the
 * wire as the reference does.
 */
describe.each(STORAGES)('Python ActingWeb peers on $name', (storage) => {
  let server: TestServer;
  let auto: TestServer;
  const peers: PythonPeer[] = [];
  const python = async (options?: { autoApprove?: boolean }) => {
    const peer = await startPythonPeer(options);
    peers.push(peer);
    return peer;
  };

  beforeAll(async () => {
    server = await startFreshServer(storage);
    auto = await startFreshServer(storage, { autoApprove: ['friend'] });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await Promise.all([server.close(), auto.close()]);
  });

  it('serves /meta with the flat top-level keys a Python peer reads', async () => {
    const a = await newActor(server, 'interop@example.com');
    const meta = await call(`${a.url}/meta`);
    expect(meta.status).toBe(200);
    expect(meta.json).toMatchObject({ id: a.id, type: OUR_TYPE });
    expect(typeof meta.json.aw_version).toBe('string');
    expect(meta.json.aw_supported.split(',')).toContain('trust');
  });

  it('reads a flat Python /meta (no nested actingweb object)', async () => {
    const py = await python();
    const info = await server.app.get(TrustManager).getPeerInfo(py.url);
    expect(info).toMatchObject({ id: py.id, type: PYTHON_TYPE, version: '1.0' });
    expect(info.supported).toEqual(expect.arrayContaining(['trust', 'subscriptions', 'trustpermissions']));
  });

  it('asks a Python peer for trust: verified by it, pending (202, relative Location, 403 polls), then approved by its "true" notice', async () => {
    const a = await newActor(server, 'interop@example.com');
    const py = await python();

    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: py.url, relationship: 'friend', desc: 'from TS' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${a.url}/trust/friend/${py.id}`);
    expect(created.json).toMatchObject({
      peerid: py.id,
      baseuri: py.url,
      type: PYTHON_TYPE,
      relationship: 'friend',
      approved: true,
      peer_approved: false,
      verified: true,
    });
    const secret = created.json.secret as string;

    // What we sent is what Python's TrustRelationshipHandler.post needs.
    const request = py.requests.find((r) => r.method === 'POST' && r.path === `/${py.id}/trust/friend`)!;
    expect(request.authorization).toBeUndefined();
    expect(request.contentType).toMatch(/^application\/json/);
    expect(request.json).toEqual({
      id: a.id,
      baseuri: a.url,
      type: OUR_TYPE,
      secret,
      desc: 'from TS',
      verify: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    // Our verification reply carries the token under both names; Python reads verification_token.
    expect(py.verificationReplies).toHaveLength(1);
    const reply = py.verificationReplies[0];
    expect(reply.status).toBe(200);
    expect(reply.body.verification_token).toBe(request.json.verify);
    expect(reply.body.verificationToken).toBe(request.json.verify);
    expect(py.trusts.get(a.id)).toMatchObject({ verified: true, approved: false, peer_approved: true });

    // Polling: Python answers 403 while pending; that is "not yet", not "refused".
    const manager = server.app.get(TrustManager);
    const actor = (await server.app.get(ActorService).get(a.id))!;
    expect((await manager.refreshPeerApproval(actor, py.id)).peerApproved).toBe(false);
    expect(py.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/${py.id}/trust/friend/${a.id}`,
      authorization: `Bearer ${secret}`,
    });
    expect((await call(`${a.url}/trust/friend/${py.id}`, { headers: a.auth })).json.peer_approved).toBe(
      false,
    );

    // Python approves and notifies us, here with the string boolean.
    expect(await py.approve(a.id, 'true')).toBe(204);
    const after = await call(`${a.url}/trust/friend/${py.id}`, { headers: a.auth });
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({ approved: true, peer_approved: true, verified: true });

    // Both use the secret; we delete and tell Python (DELETE with the Bearer secret, no body).
    expect((await call(`${a.url}/properties`, { headers: bearer(secret) })).status).toBe(200);
    expect((await call(`${a.url}/trust/friend/${py.id}`, { method: 'DELETE', headers: a.auth })).status).toBe(
      204,
    );
    const deletion = py.requests.at(-1)!;
    expect(deletion).toMatchObject({
      method: 'DELETE',
      path: `/${py.id}/trust/friend/${a.id}`,
      authorization: `Bearer ${secret}`,
      body: '',
    });
    expect(py.trusts.has(a.id)).toBe(false);
  });

  it('learns a silent Python approval by polling (200 with string booleans)', async () => {
    const a = await newActor(server, 'interop@example.com');
    const py = await python();
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: py.url, relationship: 'friend' },
    });
    expect(created.json.peer_approved).toBe(false);
    py.approveSilently(a.id);
    const actor = (await server.app.get(ActorService).get(a.id))!;
    const record = await server.app.get(TrustManager).refreshPeerApproval(actor, py.id);
    expect(record).toMatchObject({ approved: true, peerApproved: true });
  });

  it('takes an auto-approving Python peer (201) as approved at once', async () => {
    const a = await newActor(server, 'interop@example.com');
    const py = await python({ autoApprove: true });
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: py.url, relationship: 'friend' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ approved: true, peer_approved: true, verified: true });
  });

  it('accepts a trust request from a Python peer: verifies it, 202 + Location, then notifies with a real boolean', async () => {
    const a = await newActor(server, 'interop@example.com');
    const py = await python();
    // Python's body, plus string-boolean and non-ISO timestamp fields it may carry: extras are ignored.
    const asked = await py.requestTrust(a.url, 'friend', {
      approved: 'true',
      created_at: '2026-11-23 07:31:02.123456',
    });
    expect(asked.status).toBe(202);
    expect(asked.location).toBe(`${a.url}/trust/friend/${py.id}`);
    expect(asked.body).toMatchObject({
      id: a.id,
      peerid: py.id,
      baseuri: py.url,
      type: PYTHON_TYPE,
      relationship: 'friend',
      approved: false,
      peer_approved: true,
      // Verified through Python's reply, which has verification_token only and string booleans.
      verified: true,
    });
    const secret = py.trusts.get(a.id)!.secret;
    expect(asked.body.secret).toBe(secret);
    // Our verification GET went out with the Bearer secret.
    expect(
      py.requests.find((r) => r.method === 'GET' && r.path === `/${py.id}/trust/friend/${a.id}`)
        ?.authorization,
    ).toBe(`Bearer ${secret}`);

    // Unapproved: Python polling us gets 202; our data stays closed.
    expect((await call(`${a.url}/trust/friend/${py.id}`, { headers: bearer(secret) })).status).toBe(202);
    expect((await call(`${a.url}/properties`, { headers: bearer(secret) })).status).toBe(403);

    // Our creator approves (Python-style string boolean); the notice Python gets has a real true.
    expect(
      (
        await call(`${a.url}/trust/friend/${py.id}`, {
          method: 'PUT',
          headers: a.auth,
          body: { approved: 'true' },
        })
      ).status,
    ).toBe(204);
    const notice = py.requests.find(
      (r) => r.method === 'POST' && r.path === `/${py.id}/trust/friend/${a.id}`,
    )!;
    expect(notice.json).toEqual({ approved: true });
    expect(notice.authorization).toBe(`Bearer ${secret}`);
    expect(notice.contentType).toMatch(/^application\/json/);
    expect(py.trusts.get(a.id)!.peer_approved).toBe(true);

    expect((await call(`${a.url}/properties`, { headers: bearer(secret) })).status).toBe(200);
    // Python deletes at our side the way requests.delete does it: Bearer, no body, no content type.
    const gone = await fetch(`${a.url}/trust/friend/${py.id}`, {
      method: 'DELETE',
      headers: bearer(secret),
    });
    expect(gone.status).toBe(204);
    expect((await call(`${a.url}/trust/friend/${py.id}`, { headers: a.auth })).status).toBe(404);
  });

  it('answers 201 to a Python trust request when the relationship is auto-approved', async () => {
    const a = await newActor(auto, 'interop@example.com');
    const py = await python();
    const asked = await py.requestTrust(a.url, 'friend');
    expect(asked.status).toBe(201);
    expect(asked.location).toBe(`${a.url}/trust/friend/${py.id}`);
    expect(asked.body).toMatchObject({ approved: true, peer_approved: true, verified: true });
    const secret = py.trusts.get(a.id)!.secret;
    expect((await call(`${a.url}/trust/friend/${py.id}`, { headers: bearer(secret) })).status).toBe(200);
  });

  it('resolves relative Location headers from peers against the request URL', async () => {
    const py = await python();
    const proxy = server.app.get(AwProxy);
    const origin = new URL(py.url).origin;
    const slash = await proxy.createResource({ baseuri: py.url }, 'resources/things', { a: 1 });
    expect(slash.status).toBe(201);
    expect(slash.headers.location).toBe(`/${py.id}/resources/things/1`);
    expect(slash.location).toBe(`${origin}/${py.id}/resources/things/1`);
    const bare = await proxy.createResource({ baseuri: py.url }, 'resources/noslash', {});
    expect(bare.location).toBe(`${origin}/${py.id}/resources/noslash/1`);
    expect(slash.data).toEqual({ ok: 'true' });
  });
});

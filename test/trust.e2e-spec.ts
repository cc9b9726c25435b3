import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { LifecycleHook, type LifecycleHookContext } from '@actingweb/nestjs';
import { bearer, newActor, type TestActor } from './support/actors.js';
import { metaThen, startFakePeer } from './support/fake-peer.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

@Injectable()
class TrustEvents {
  readonly events: string[] = [];
  @LifecycleHook('trust_initiated')
  initiated(c: LifecycleHookContext) {
    this.events.push(`initiated ${c.actor.id}->${c.peerId} ${c.relationship}`);
  }
  @LifecycleHook('trust_request_received')
  received(c: LifecycleHookContext) {
    this.events.push(`received ${c.actor.id}<-${c.peerId} ${c.relationship}`);
  }
  @LifecycleHook('trust_fully_approved_local')
  local(c: LifecycleHookContext) {
    this.events.push(`approved-local ${c.actor.id}<->${c.peerId}`);
  }
  @LifecycleHook('trust_fully_approved_remote')
  remote(c: LifecycleHookContext) {
    this.events.push(`approved-remote ${c.actor.id}<->${c.peerId}`);
  }
  @LifecycleHook('trust_approved')
  approved(c: LifecycleHookContext) {
    this.events.push(`approved ${c.actor.id}<->${c.peerId} ${c.relationship}`);
  }
  @LifecycleHook('trust_deleted')
  deleted(c: LifecycleHookContext) {
    this.events.push(`deleted ${c.actor.id}-x-${c.peerId} byPeer=${String(c.initiatedByPeer)}`);
  }
}

/**
 * Two independent servers establish, use, change and end trust over real HTTP
 * (ActingWeb spec, "/trust - Trust Relationships"), and the same flows with three actors on one
 * server (re-entrant calls).
 */
describe.each(STORAGES)('trust between servers on $name', (storage) => {
  let s1: TestServer;
  let s2: TestServer;
  let auto: TestServer;

  beforeAll(async () => {
    s1 = await startFreshServer(storage, {}, { providers: [TrustEvents] });
    s2 = await startFreshServer(storage, {}, { providers: [TrustEvents] });
    auto = await startFreshServer(storage, { autoApprove: ['friend'] }, { providers: [TrustEvents] });
  });
  afterAll(async () => {
    await Promise.all([s1.close(), s2.close(), auto.close()]);
  });

  it('pending then approved: records match the protocol at every step', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const events1 = s1.app.get(TrustEvents).events;
    const events2 = s2.app.get(TrustEvents).events;
    events1.length = 0;
    events2.length = 0;

    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'friend', desc: 'hello' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${a.url}/trust/friend/${b.id}`);
    expect(created.json).toMatchObject({
      id: a.id,
      peerid: b.id,
      baseuri: b.url,
      type: 'urn:actingweb:test.example:e2e',
      relationship: 'friend',
      desc: 'hello',
      approved: true,
      peer_approved: false,
      verified: true,
    });
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^[0-9a-f]{40}$/);
    // SHOULD: the body equals a later GET of that location.
    const again = await call(created.headers.get('location')!, { headers: a.auth });
    expect(again.json).toEqual(created.json);

    // B's side: pending, verified, same secret.
    const atB = await call(`${b.url}/trust/friend/${a.id}`, { headers: b.auth });
    expect(atB.status).toBe(202);
    expect(atB.json).toMatchObject({
      peerid: a.id,
      baseuri: a.url,
      approved: false,
      peer_approved: true,
      verified: true,
      secret,
    });

    // The peer polling gets 202 while pending; an unapproved peer gets 403 on properties.
    expect((await call(`${b.url}/trust/friend/${a.id}`, { headers: bearer(secret) })).status).toBe(202);
    expect((await call(`${b.url}/properties`, { headers: bearer(secret) })).status).toBe(403);

    // B approves: saved first, then A is told.
    expect(
      (
        await call(`${b.url}/trust/friend/${a.id}`, {
          method: 'PUT',
          headers: b.auth,
          body: { approved: true },
        })
      ).status,
    ).toBe(204);
    expect((await call(`${a.url}/trust/friend/${b.id}`, { headers: a.auth })).json.peer_approved).toBe(true);
    expect((await call(`${b.url}/trust/friend/${a.id}`, { headers: bearer(secret) })).status).toBe(200);

    // Use it: A (as friend) reads and writes B's properties; B can use the same secret on A.
    await call(`${b.url}/properties/shared`, { method: 'PUT', headers: b.auth, body: { n: 1 } });
    expect((await call(`${b.url}/properties/shared`, { headers: bearer(secret) })).json).toEqual({ n: 1 });
    expect(
      (await call(`${b.url}/properties/shared/n`, { method: 'PUT', headers: bearer(secret), body: 2 }))
        .status,
    ).toBe(204);
    expect((await call(`${a.url}/properties`, { headers: bearer(secret) })).status).toBe(200);

    // trust_approved fires on each side once the trust is approved on both (here: B's PUT, A's notice).
    expect(events1).toEqual([
      `initiated ${a.id}->${b.id} friend`,
      `approved-remote ${a.id}<->${b.id}`,
      `approved ${a.id}<->${b.id} friend`,
    ]);
    expect(events2).toEqual([
      `received ${b.id}<-${a.id} friend`,
      `approved-local ${b.id}<->${a.id}`,
      `approved ${b.id}<->${a.id} friend`,
    ]);

    // Approving again changes nothing and fires nothing.
    events2.length = 0;
    expect(
      (
        await call(`${b.url}/trust/friend/${a.id}`, {
          method: 'PUT',
          headers: b.auth,
          body: { approved: true },
        })
      ).status,
    ).toBe(204);
    expect(events2).toEqual([]);
  });

  it('approved immediately when the peer auto-approves the relationship', async () => {
    const a = await newActor(s1);
    const c = await newActor(auto);
    const events1 = s1.app.get(TrustEvents).events;
    const eventsAuto = auto.app.get(TrustEvents).events;
    events1.length = 0;
    eventsAuto.length = 0;
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    expect(created.status).toBe(201);
    expect(created.json.peer_approved).toBe(true);
    const atC = await call(`${c.url}/trust/friend/${a.id}`, { headers: c.auth });
    expect(atC.status).toBe(200);
    expect(atC.json).toMatchObject({ approved: true, peer_approved: true, verified: true });
    // Approved on both sides at once: trust_approved fires on both.
    expect(events1).toEqual([`initiated ${a.id}->${c.id} friend`, `approved ${a.id}<->${c.id} friend`]);
    expect(eventsAuto).toEqual([`received ${c.id}<-${a.id} friend`, `approved ${c.id}<->${a.id} friend`]);
  });

  it('asks for any relationship name; one without a trust type is pending at the peer', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'lover' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${a.url}/trust/lover/${b.id}`);
    expect(created.json).toMatchObject({ relationship: 'lover', approved: true, peer_approved: false });
    const atB = await call(`${b.url}/trust/lover/${a.id}`, { headers: b.auth });
    expect(atB.status).toBe(202);
    expect(atB.json).toMatchObject({ relationship: 'lover', verified: true, approved: false });
    // A name that is no token, or a role name, is refused before any peer call.
    for (const relationship of ['no such type', 'creator', 'x'.repeat(65)])
      expect(
        (
          await call(`${a.url}/trust`, {
            method: 'POST',
            headers: a.auth,
            body: { url: b.url, relationship },
          })
        ).status,
      ).toBe(400);
    expect((await call(`${b.url}/trust`, { headers: b.auth })).json).toHaveLength(1);
  });

  it('lists and filters trusts; unknown peers are 404', async () => {
    const a = await newActor(s1);
    expect((await call(`${a.url}/trust`, { headers: a.auth })).json).toEqual([]);
    const b = await newActor(s2);
    const c = await newActor(auto);
    await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'friend' },
    });
    await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'associate' },
    });
    const all = await call(`${a.url}/trust`, { headers: a.auth });
    expect(all.status).toBe(200);
    expect(all.json.map((t: { peerid: string }) => t.peerid).sort()).toEqual([b.id, c.id].sort());
    for (const t of all.json) {
      expect(Object.keys(t)).toEqual(
        expect.arrayContaining([
          'id',
          'peerid',
          'baseuri',
          'type',
          'relationship',
          'secret',
          'desc',
          'approved',
          'peer_approved',
          'verified',
        ]),
      );
    }
    expect(
      (await call(`${a.url}/trust/friend`, { headers: a.auth })).json.map(
        (t: { peerid: string }) => t.peerid,
      ),
    ).toEqual([b.id]);
    expect(
      (await call(`${a.url}/trust?relationship=associate`, { headers: a.auth })).json.map(
        (t: { peerid: string }) => t.peerid,
      ),
    ).toEqual([c.id]);
    expect((await call(`${a.url}/trust/admin`, { headers: a.auth })).json).toEqual([]);
    expect((await call(`${a.url}/trust/friend/unknownpeer`, { headers: a.auth })).status).toBe(404);
    // A record asked for under another relationship does not exist.
    expect((await call(`${a.url}/trust/admin/${b.id}`, { headers: a.auth })).status).toBe(404);
  });

  it('modifies desc and baseuri; the peer may not modify', async () => {
    const a = await newActor(s1);
    const c = await newActor(auto);
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    const secret = created.json.secret;
    expect(
      (
        await call(`${c.url}/trust/friend/${a.id}`, {
          method: 'PUT',
          headers: c.auth,
          body: { desc: 'x', baseuri: a.url + '/' },
        })
      ).status,
    ).toBe(204);
    expect((await call(`${c.url}/trust/friend/${a.id}`, { headers: c.auth })).json).toMatchObject({
      desc: 'x',
      baseuri: a.url,
    });
    expect(
      (
        await call(`${c.url}/trust/friend/${a.id}`, {
          method: 'PUT',
          headers: bearer(secret),
          body: { desc: 'mine' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(`${c.url}/trust/friend/${a.id}`, {
          method: 'PUT',
          headers: c.auth,
          body: { approved: 'maybe' },
        })
      ).status,
    ).toBe(400);
  });

  it('creator delete tells the peer; afterwards the secret opens nothing', async () => {
    const a = await newActor(s1);
    const c = await newActor(auto);
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    const secret = created.json.secret;
    expect((await call(`${c.url}/properties`, { headers: bearer(secret) })).status).toBe(200);
    expect((await call(`${a.url}/trust/friend/${c.id}`, { method: 'DELETE', headers: a.auth })).status).toBe(
      204,
    );
    expect((await call(`${a.url}/trust/friend/${c.id}`, { headers: a.auth })).status).toBe(404);
    expect((await call(`${c.url}/trust/friend/${a.id}`, { headers: c.auth })).status).toBe(404);
    for (const url of [
      `${c.url}/properties`,
      `${c.url}`,
      `${a.url}/properties`,
      `${c.url}/trust/friend/${a.id}`,
    ]) {
      expect((await call(url, { headers: bearer(secret) })).status).toBe(403);
    }
  });

  it('the peer deletes its record on our side without a call back, even unapproved', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'friend' },
    });
    const secret = created.json.secret;
    // B has not approved: A (the peer, from B's view) may still delete it at B.
    expect(
      (await call(`${b.url}/trust/friend/${a.id}`, { method: 'DELETE', headers: bearer(secret) })).status,
    ).toBe(204);
    expect((await call(`${b.url}/trust/friend/${a.id}`, { headers: b.auth })).status).toBe(404);
    // No call back: A still has its record.
    expect((await call(`${a.url}/trust/friend/${b.id}`, { headers: a.auth })).status).toBe(200);
    // ?peer=true deletes locally without telling the peer.
    const c = await newActor(auto);
    await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    expect(
      (await call(`${a.url}/trust/friend/${c.id}?peer=true`, { method: 'DELETE', headers: a.auth })).status,
    ).toBe(204);
    expect((await call(`${c.url}/trust/friend/${a.id}`, { headers: c.auth })).status).toBe(200);
  });

  it('deleting an actor tells its peers', async () => {
    const a = await newActor(s1);
    const c = await newActor(auto);
    await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    expect((await call(a.url, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect((await call(`${c.url}/trust/friend/${a.id}`, { headers: c.auth })).status).toBe(404);
  });

  it('validates trust requests and keeps one trust per peer', async () => {
    const b = await newActor(s2);
    const target = `${b.url}/trust/friend`;
    expect((await call(target, { method: 'POST', body: { baseuri: 'http://x.example/a' } })).status).toBe(
      400,
    );
    expect((await call(target, { method: 'POST', body: { id: 'abc' } })).status).toBe(400);
    expect(
      (await call(target, { method: 'POST', raw: '{"id":', headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(400);
    expect(
      (await call(target, { method: 'POST', body: { id: 'a/b', baseuri: 'http://x.example/a' } })).status,
    ).toBe(400);
    // Relationship names are tokens; names of access-rule roles are refused.
    for (const name of ['no%20such%20type', 'x'.repeat(65), 'creator', 'owner', 'trustee', '%C3%BC'])
      expect(
        (
          await call(`${b.url}/trust/${name}`, {
            method: 'POST',
            body: { id: 'abc', baseuri: 'http://x.example/a', secret: 's'.repeat(40) },
          })
        ).status,
      ).toBe(400);
    expect(
      (await call(`${b.url}/trust`, { method: 'POST', headers: b.auth, body: { relationship: 'friend' } }))
        .status,
    ).toBe(400);

    // Unverifiable requester (nothing answers at its baseuri): stored unverified, pending, with Location.
    const first = await call(target, {
      method: 'POST',
      body: {
        id: 'p'.repeat(32),
        baseuri: 'http://127.0.0.1:9/none',
        type: 'urn:actingweb:x:y',
        secret: 's'.repeat(40),
        verify: 'v',
      },
    });
    expect(first.status).toBe(202);
    expect(first.headers.get('location')).toBe(`${b.url}/trust/friend/${'p'.repeat(32)}`);
    expect(first.json).toMatchObject({ verified: false, approved: false, peer_approved: true });
    // The same peer asking again with another secret is refused; no duplicate.
    const second = await call(target, {
      method: 'POST',
      body: { id: 'p'.repeat(32), baseuri: 'http://evil.example/', secret: 't'.repeat(40) },
    });
    expect(second.status).toBe(403);
    const list = await call(`${b.url}/trust`, { headers: b.auth });
    expect(list.json).toHaveLength(1);
    expect(list.json[0].baseuri).toBe('http://127.0.0.1:9/none');
  });

  it('answers verification GETs only to the right peer', async () => {
    const a = await newActor(s1);
    const b = await newActor(s2);
    const created = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'friend' },
    });
    const record = await call(`${a.url}/trust/friend/${b.id}`, { headers: bearer(created.json.secret) });
    expect(record.status).toBe(200);
    expect(record.json.verificationToken).toMatch(/^[0-9a-f]{40}$/);
    expect(record.json.verification_token).toBe(record.json.verificationToken);
    expect((await call(`${a.url}/trust/friend/${b.id}`)).status).toBe(401);
    expect(
      (await call(`${a.url}/trust/friend/${b.id}`, { headers: bearer('wrong-secret-wrong-secret') })).status,
    ).toBe(403);
  });

  it('never leaves half-created trust when the peer is down, slow, lying or failing', async () => {
    const a = await newActor(s1);
    const down = await startFakePeer(() => {});
    const downUrl = down.url;
    await down.close();
    // Answers the trust POST (202) two seconds late, unless the requester gave up first.
    const slow = await startFakePeer(
      metaThen('slowpeer', (_req, res) => {
        const late = setTimeout(() => {
          res.writeHead(202, { 'content-type': 'application/json' });
          res.end('{}');
        }, 2000);
        res.on('close', () => clearTimeout(late));
      }),
    );
    const garbage = await startFakePeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"not": "meta"');
    });
    const failing = await startFakePeer(
      metaThen('failingpeer', (_req, res) => {
        res.writeHead(500);
        res.end('oops');
      }),
    );
    const refusing = await startFakePeer(
      metaThen('refusingpeer', (_req, res) => {
        res.writeHead(403);
        res.end();
      }),
    );
    try {
      const attempt = (url: string) =>
        call(`${a.url}/trust`, { method: 'POST', headers: a.auth, body: { url, relationship: 'friend' } });
      // Every failure is 408 (as the reference answers), and the body says which step failed.
      const failure = async (url: string) => {
        const res = await attempt(url);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        return { status: res.status, step: res.json.step, peer_status: res.json.peer_status };
      };
      const results = {
        down: await failure(downUrl),
        garbage: await failure(garbage.url),
        failing: await failure(failing.url),
        refusing: await failure(refusing.url),
      };
      expect(results).toEqual({
        down: { status: 408, step: 'meta', peer_status: undefined },
        garbage: { status: 408, step: 'meta', peer_status: 200 }, // answered, but not with /meta JSON
        failing: { status: 408, step: 'trust_request', peer_status: 500 },
        refusing: { status: 408, step: 'trust_request', peer_status: 403 },
      });
      // A /meta answered with an error status names that status.
      const noMeta = await startFakePeer((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      try {
        expect(await failure(noMeta.url)).toEqual({ status: 408, step: 'meta', peer_status: 404 });
      } finally {
        await noMeta.close();
      }
      expect((await call(`${a.url}/trust`, { headers: a.auth })).json).toEqual([]);
      // The slow peer: the module's timeout (set below) ends it with 408. With the 5 s default
      // instead, the peer's late 202 would have arrived first and the trust would exist.
      const slowServer = await startFreshServer(storage, { peers: { timeoutMs: 300 } });
      try {
        const x = await newActor(slowServer);
        const res = await call(`${x.url}/trust`, {
          method: 'POST',
          headers: x.auth,
          body: { url: slow.url, relationship: 'friend' },
        });
        expect(res.status).toBe(408);
        expect(res.json).toMatchObject({ step: 'trust_request' });
        expect(res.json.peer_status).toBeUndefined();
        expect((await call(`${x.url}/trust`, { headers: x.auth })).json).toEqual([]);
      } finally {
        await slowServer.close();
      }
    } finally {
      await Promise.all([slow.close(), garbage.close(), failing.close(), refusing.close()]);
    }
  });

  it('works with three actors on one server (re-entrant calls)', async () => {
    const a = await newActor(auto, 'a@x');
    const b = await newActor(auto, 'b@x');
    const c = await newActor(auto, 'c@x');
    const ab = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship: 'friend' },
    });
    const bc = await call(`${b.url}/trust`, {
      method: 'POST',
      headers: b.auth,
      body: { url: c.url, relationship: 'friend' },
    });
    expect([ab.status, bc.status]).toEqual([201, 201]);
    expect([ab.json.peer_approved, bc.json.peer_approved, ab.json.verified]).toEqual([true, true, true]);
    // The shared secret opens B for A and C for B, never another actor or another pair.
    expect((await call(`${b.url}/properties`, { headers: bearer(ab.json.secret) })).status).toBe(200);
    expect((await call(`${c.url}/properties`, { headers: bearer(ab.json.secret) })).status).toBe(403);
    expect((await call(`${c.url}/properties`, { headers: bearer(bc.json.secret) })).status).toBe(200);
    expect((await call(`${a.url}/trust/friend/${c.id}`, { headers: bearer(bc.json.secret) })).status).toBe(
      403,
    );
    expect(ab.json.secret).not.toBe(bc.json.secret);
    // Delete from the other side this time.
    expect((await call(`${b.url}/trust/friend/${a.id}`, { method: 'DELETE', headers: b.auth })).status).toBe(
      204,
    );
    expect((await call(`${a.url}/trust/friend/${b.id}`, { headers: a.auth })).status).toBe(404);
  });

  it('refuses trusting oneself and a second trust with the same peer', async () => {
    const a = await newActor(auto);
    expect(
      (
        await call(`${a.url}/trust`, {
          method: 'POST',
          headers: a.auth,
          body: { url: a.url, relationship: 'friend' },
        })
      ).status,
    ).toBe(400);
    const b = await newActor(auto);
    expect(
      (
        await call(`${a.url}/trust`, {
          method: 'POST',
          headers: a.auth,
          body: { url: b.url, relationship: 'friend' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await call(`${a.url}/trust`, {
          method: 'POST',
          headers: a.auth,
          body: { url: b.url, relationship: 'friend' },
        })
      ).status,
    ).toBe(409);
  });

  it('manages the trustee', async () => {
    const a = await newActor(s1, 'me@x');
    const res = await call(`${a.url}/trust/trustee`, {
      method: 'PUT',
      headers: a.auth,
      body: { trustee_root: 'https://trustee.example/t1', creator: 'trustee' },
    });
    expect(res.status).toBe(204);
    expect((await call(`${a.url}/meta/trustee_root`)).text).toBe('https://trustee.example/t1');
    const passphrase = Buffer.from(a.auth.authorization.slice(6), 'base64').toString().split(':')[1];
    // The 40-hex passphrase is strong enough: it now works as a Bearer token on /trust.
    expect((await call(`${a.url}/trust`, { headers: bearer(passphrase) })).status).toBe(200);
    expect(
      (
        await call(`${a.url}/trust/trustee`, {
          method: 'DELETE',
          headers: { authorization: basic('trustee', passphrase) },
        })
      ).status,
    ).toBe(204);
    expect((await call(`${a.url}/meta/trustee_root`)).status).toBe(404);
  });
});

/** `PUT /trust/trustee` may rename the creator; with `uniqueCreator` only to a name no other actor holds. */
describe.each(STORAGES)('renaming the creator on $name', (storage) => {
  let unique: TestServer;
  let shared: TestServer;
  beforeAll(async () => {
    unique = await startFreshServer(storage, { uniqueCreator: true });
    shared = await startFreshServer(storage);
  });
  afterAll(async () => {
    await Promise.all([unique.close(), shared.close()]);
  });

  const rename = (actor: TestActor, creator: string) =>
    call(`${actor.url}/trust/trustee`, { method: 'PUT', headers: actor.auth, body: { creator } });

  it('refuses, with uniqueCreator, a creator another actor holds (409), normalised as at creation', async () => {
    const alice = await newActor(unique, 'alice@example.com');
    const bob = await newActor(unique, 'bob@example.com');
    for (const creator of ['alice@example.com', '  Alice@Example.COM ']) {
      const res = await rename(bob, creator);
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ statusCode: 409, message: expect.stringContaining('creator') });
    }
    // Nothing changed: bob's credentials still work, and alice's creator still names only alice.
    expect((await call(bob.url, { headers: bob.auth })).json.creator).toBe('bob@example.com');
    const bobPassphrase = Buffer.from(bob.auth.authorization.slice(6), 'base64').toString().split(':')[1];
    expect(
      (
        await call(unique.url, {
          method: 'POST',
          body: { creator: 'alice@example.com', passphrase: bobPassphrase },
        })
      ).status,
    ).toBe(403);
    // Its own name, or a free one, is fine; the new name is then taken.
    expect((await rename(bob, 'bob@example.com')).status).toBe(204);
    expect((await rename(bob, 'Carol@Example.com')).status).toBe(204);
    const carolAuth = { authorization: basic('carol@example.com', bobPassphrase) };
    expect((await call(bob.url, { headers: carolAuth })).json.creator).toBe('carol@example.com');
    expect((await call(unique.url, { method: 'POST', body: { creator: 'carol@example.com' } })).status).toBe(
      403,
    );
    expect((await rename(alice, 'carol@example.com')).status).toBe(409);
    // Too long a name is a 400, as at creation.
    expect((await rename(alice, 'x'.repeat(256))).status).toBe(400);
  });

  it('allows a shared creator without uniqueCreator', async () => {
    await newActor(shared, 'alice@example.com');
    const bob = await newActor(shared, 'bob@example.com');
    expect((await rename(bob, 'alice@example.com')).status).toBe(204);
  });
});

/** Per-relationship permissions and the permission query. */
describe.each(STORAGES)('trust permissions on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage, { autoApprove: ['friend', 'associate'] });
  });
  afterAll(() => server.close());

  async function pair(relationship = 'friend') {
    const a = await newActor(server, 'a@x');
    const b = await newActor(server, 'b@x');
    const res = await call(`${a.url}/trust`, {
      method: 'POST',
      headers: a.auth,
      body: { url: b.url, relationship },
    });
    expect(res.status).toBe(201);
    return { a, b, secret: res.json.secret as string };
  }

  it('shows the type defaults, stores an override, and deletes it', async () => {
    const { a, b } = await pair();
    const url = `${b.url}/trust/friend/${a.id}/permissions`;
    const defaults = await call(url, { headers: b.auth });
    expect(defaults.status).toBe(200);
    expect(defaults.json).toMatchObject({
      actor_id: b.id,
      peer_id: a.id,
      trust_type: 'friend',
      is_custom: false,
      source: 'trust_type_default',
    });
    expect(defaults.json.properties.patterns).toContain('*');

    const put = await call(url, {
      method: 'PUT',
      headers: b.auth,
      body: { properties: { patterns: ['notes/*'], operations: ['read'] } },
    });
    expect(put.status).toBe(201);
    expect(put.json).toMatchObject({ is_custom: true, source: 'custom_override' });
    expect(
      (await call(url, { method: 'PUT', headers: b.auth, body: { properties: ['notes/*'] } })).status,
    ).toBe(200);
    expect(
      (await call(url, { method: 'PUT', headers: b.auth, body: { properties: { patterns: [42] } } })).status,
    ).toBe(400);
    expect((await call(url, { method: 'PUT', headers: b.auth, body: { nonsense: {} } })).status).toBe(400);

    const withPerms = await call(`${b.url}/trust/friend/${a.id}?permissions=true`, { headers: b.auth });
    expect(withPerms.json.permissions).toBeDefined();

    expect((await call(url, { method: 'DELETE', headers: b.auth })).status).toBe(204);
    expect((await call(url, { method: 'DELETE', headers: b.auth })).status).toBe(404);
    expect(
      (
        await call(`${b.url}/trust/friend/nobody/permissions`, {
          method: 'PUT',
          headers: b.auth,
          body: { properties: ['x'] },
        })
      ).status,
    ).toBe(404);
  });

  it('applies permissions to property access on the next request', async () => {
    const { a, b, secret } = await pair();
    const peer = bearer(secret);
    await call(`${b.url}/properties`, {
      method: 'POST',
      headers: b.auth,
      body: { notes: { t: 1 }, private: { k: 'x' }, other: 'o' },
    });
    // friend defaults: read+write on *, private/* excluded, no delete.
    expect((await call(`${b.url}/properties/notes`, { headers: peer })).status).toBe(200);
    expect((await call(`${b.url}/properties/private/k`, { headers: peer })).status).toBe(403);
    expect(
      (await call(`${b.url}/properties/notes/t`, { method: 'PUT', headers: peer, body: 2 })).status,
    ).toBe(204);
    expect((await call(`${b.url}/properties/notes`, { method: 'DELETE', headers: peer })).status).toBe(403);
    expect(Object.keys((await call(`${b.url}/properties`, { headers: peer })).json).sort()).toEqual([
      'notes',
      'other',
    ]);

    // Narrow to notes/* read-only: other disappears, writes are refused.
    await call(`${b.url}/trust/friend/${a.id}/permissions`, {
      method: 'PUT',
      headers: b.auth,
      body: { properties: { patterns: ['notes', 'notes/*'], operations: ['read'] } },
    });
    expect((await call(`${b.url}/properties/other`, { headers: peer })).status).toBe(200); // patterns are unioned with the base
    expect(
      (await call(`${b.url}/properties/notes/t`, { method: 'PUT', headers: peer, body: 3 })).status,
    ).toBe(403);
    // The creator is never limited by trust permissions.
    expect(
      (await call(`${b.url}/properties/notes/t`, { method: 'PUT', headers: b.auth, body: 3 })).status,
    ).toBe(204);
  });

  it('public/* lets a peer subscribe to public itself, never to all properties', async () => {
    const { a, b, secret } = await pair('associate');
    const peer = bearer(secret);
    const subscribe = (body: Record<string, string>) =>
      call(`${b.url}/subscriptions/${a.id}`, { method: 'POST', headers: peer, body });
    // associate: public/* read. Reading public/x is allowed, so is watching public.
    await call(`${b.url}/properties`, {
      method: 'POST',
      headers: b.auth,
      body: { public: { x: 1 }, other: 'o' },
    });
    expect((await call(`${b.url}/properties/public/x`, { headers: peer })).status).toBe(200);
    const sub = await subscribe({ target: 'properties', subtarget: 'public' });
    expect(sub.status).toBe(201);
    expect((await subscribe({ target: 'properties', subtarget: 'public', resource: 'x' })).status).toBe(201);
    // Not the whole target, nor a neighbour.
    expect((await subscribe({ target: 'properties' })).status).toBe(403);
    expect((await subscribe({ target: 'properties', subtarget: 'other' })).status).toBe(403);
    expect((await subscribe({ target: 'properties', subtarget: 'publicity' })).status).toBe(403);

    // The subscription carries the changes below public, and nothing else.
    await call(`${b.url}/properties/public/x`, { method: 'PUT', headers: b.auth, body: 2 });
    await call(`${b.url}/properties/other`, { method: 'PUT', headers: b.auth, body: 'p' });
    const diffs = await call(`${b.url}/subscriptions/${a.id}/${sub.json.subscriptionid}`, { headers: peer });
    expect(diffs.status).toBe(200);
    expect(diffs.json.data.map((d: { data: unknown }) => d.data)).toEqual([{ x: 2 }]);

    // A friend (`*` read, private/* excluded) may watch everything but private.
    const friends = await pair('friend');
    const friendSubscribe = (body: Record<string, string>) =>
      call(`${friends.b.url}/subscriptions/${friends.a.id}`, {
        method: 'POST',
        headers: bearer(friends.secret),
        body,
      });
    expect((await friendSubscribe({ target: 'properties' })).status).toBe(201);
    expect((await friendSubscribe({ target: 'properties', subtarget: 'private' })).status).toBe(403);
  });

  it('answers the permission query to the peer itself only', async () => {
    const { a, b, secret } = await pair('associate');
    const res = await call(`${b.url}/permissions/${a.id}`, { headers: bearer(secret) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      actor_id: b.id,
      peer_id: a.id,
      source: 'trust_type_default',
      trust_type: 'associate',
    });
    expect(Object.keys(res.json.permissions).sort()).toEqual([
      'actions',
      'methods',
      'prompts',
      'properties',
      'resources',
      'tools',
    ]);
    const other = await pair();
    expect((await call(`${b.url}/permissions/${other.a.id}`, { headers: bearer(secret) })).status).toBe(403);
    expect((await call(`${b.url}/permissions/nobody`, { headers: b.auth })).status).toBe(404);
    expect((await call(`${b.url}/permissions/${a.id}`)).status).toBe(401);
  });
});

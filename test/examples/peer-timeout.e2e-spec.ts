import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  AwProxy,
  MethodHook,
  NotFoundError,
  PeerTimeoutError,
  type MethodHookContext,
} from '@actingweb/nestjs';
import { createTestApp, type FakePeer, type TestActor, type TestApp } from '@actingweb/nestjs/testing';

/** Reads a trusted peer's status, and copes when the peer does not answer well. */
@Injectable()
class PeerStatusHooks {
  constructor(private readonly proxy: AwProxy) {}

  @MethodHook('get_peer_status')
  async peerStatus({ actor, data }: MethodHookContext) {
    const target = await this.proxy.targetFor(actor.id, (data as { peer: string }).peer);
    if (!target) throw new NotFoundError('No trust with that peer');
    try {
      const answer = await this.proxy.getResource(target, 'properties/status');
      const ok = answer.status === 200 && typeof answer.data === 'string';
      return ok ? { status: answer.data } : { status: 'unknown', reason: `answered ${answer.status}` };
    } catch (err) {
      if (err instanceof PeerTimeoutError) return { status: 'unknown', reason: 'timeout' };
      throw err;
    }
  }
}

describe('a hook calling a peer that misbehaves', () => {
  let app: TestApp;
  let alice: TestActor;
  let peer: FakePeer;

  beforeAll(async () => {
    app = await createTestApp({
      providers: [PeerStatusHooks],
      options: { peers: { timeoutMs: 300 } }, // fail fast in tests
    });
    alice = await app.createActor();
    peer = await alice.addPeer('friend'); // a scriptable peer alice trusts
  });
  afterAll(() => app.close());

  it('reads the status when the peer answers', async () => {
    peer.respond({ method: 'GET', path: 'properties/status' }, { json: 'busy' }, { times: 1 });
    expect(await alice.callMethod('get_peer_status', { peer: peer.id })).toEqual({ status: 'busy' });
  });

  it('falls back when the peer times out', async () => {
    peer.respond({ method: 'GET', path: 'properties/status' }, 'hang', { times: 1 });
    expect(await alice.callMethod('get_peer_status', { peer: peer.id })).toEqual({
      status: 'unknown',
      reason: 'timeout',
    });
  });

  it('falls back when the peer is too busy or answers nonsense', async () => {
    peer.respond(
      { path: 'properties/status' },
      { status: 429, headers: { 'retry-after': '30' } },
      { times: 1 },
    );
    expect(await alice.callMethod('get_peer_status', { peer: peer.id })).toEqual({
      status: 'unknown',
      reason: 'answered 429',
    });
    peer.respond({ path: 'properties/status' }, { json: { not: 'a status' } }, { times: 1 });
    expect(await alice.callMethod('get_peer_status', { peer: peer.id })).toEqual({
      status: 'unknown',
      reason: 'answered 200',
    });
    expect(peer.requestsTo({ path: 'properties/status' })).toHaveLength(4);
  });
});

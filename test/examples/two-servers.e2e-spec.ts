import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { SubscriptionHook, type SubscriptionHookContext } from '@actingweb/nestjs';
import { createTestApp, settle, type TestActor, type TestApp } from '@actingweb/nestjs/testing';

/** Remembers what the peers an actor subscribed to changed. */
@Injectable()
class PeerStatusCache {
  readonly changes: Array<{ actor: string; peer: string; data: unknown }> = [];

  @SubscriptionHook('properties')
  onPeerChange({ actor, peerId, data }: SubscriptionHookContext) {
    this.changes.push({ actor: actor.id, peer: peerId, data });
  }
}

describe('two servers: a subscription across them', () => {
  let one: TestApp;
  let two: TestApp;
  let alice: TestActor;
  let bob: TestActor;

  beforeAll(async () => {
    [one, two] = await Promise.all([
      createTestApp({ providers: [PeerStatusCache] }),
      createTestApp({ providers: [PeerStatusCache] }),
    ]);
    alice = await one.createActor({ creator: 'alice@example.com' });
    bob = await two.createActor({ creator: 'bob@example.com' });
    await alice.trust(bob, 'friend'); // over HTTP; bob's creator approves it
    await alice.subscribe(bob, { target: 'properties' });
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  it("delivers bob's change to alice's subscription hook", async () => {
    await bob.handle.properties.set('status', 'on holiday');
    await settle(); // every callback delivered and processed: no sleeping

    expect(one.get(PeerStatusCache).changes).toEqual([
      { actor: alice.id, peer: bob.id, data: { status: 'on holiday' } },
    ]);
    expect(two.get(PeerStatusCache).changes).toEqual([]);
  });

  it('lets alice call bob as the friend she is', async () => {
    expect(await bob.as(alice).getProperty('status')).toBe('on holiday');
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable } from '@nestjs/common';
import {
  ActorService,
  AwProxy,
  BadRequestError,
  LifecycleHook,
  NotFoundError,
  TrustManager,
  type LifecycleHookContext,
} from '@actingweb/nestjs';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/**
 * Application code using TrustManager from a provider: every new actor asks
 * a "hub" actor for a friend trust; trust events are recorded.
 */
@Injectable()
class HubMembership {
  hubUrl?: string;
  readonly events: string[] = [];
  readonly failures: string[] = [];

  constructor(@Inject(TrustManager) private readonly trust: TrustManager) {}

  @LifecycleHook('actor_created')
  async joinHub(ctx: LifecycleHookContext): Promise<void> {
    if (!this.hubUrl) return;
    try {
      await this.trust.createReciprocalTrust(ctx.actor, {
        url: this.hubUrl,
        relationship: 'friend',
        description: 'member of the hub',
      });
    } catch (err) {
      this.failures.push((err as Error).message);
    }
  }

  @LifecycleHook('trust_approved')
  approved(ctx: LifecycleHookContext) {
    this.events.push(`approved ${ctx.actor.id}<->${ctx.peerId} ${ctx.relationship}`);
  }

  @LifecycleHook('trust_deleted')
  deleted(ctx: LifecycleHookContext) {
    this.events.push(`deleted ${ctx.actor.id}-x-${ctx.peerId} byPeer=${String(ctx.initiatedByPeer)}`);
  }
}

describe.each(STORAGES)('TrustManager from application code on $name', (storage) => {
  let members: TestServer;
  let hubs: TestServer;

  beforeAll(async () => {
    members = await startFreshServer(storage, {}, { providers: [HubMembership] });
    hubs = await startFreshServer(storage, {}, { providers: [HubMembership] });
  });
  afterAll(async () => {
    await Promise.all([members.close(), hubs.close()]);
  });

  it('creates, approves, uses and deletes a trust from hooks and services', async () => {
    const hub = await newActor(hubs, 'hub@example.com');
    const membership = members.app.get(HubMembership);
    membership.hubUrl = hub.url;
    const memberTrust = members.app.get(TrustManager);
    const hubTrust = hubs.app.get(TrustManager);
    const hubEvents = hubs.app.get(HubMembership).events;

    // getPeerInfo: what the hub says about itself.
    const info = await memberTrust.getPeerInfo(hub.url);
    expect(info).toMatchObject({ id: hub.id, type: 'urn:actingweb:test.example:e2e' });
    expect(info.supported).toContain('trust');

    // The actor_created hook asked the hub: pending there.
    const member = await newActor(members, 'member@example.com');
    expect(membership.failures).toEqual([]);
    const mine = await memberTrust.getRelationships(member.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      peerId: hub.id,
      baseuri: hub.url,
      relationship: 'friend',
      description: 'member of the hub',
      approved: true,
      peerApproved: false,
      verified: true,
    });
    expect(await memberTrust.getRelationships(member.id, { relationship: 'admin' })).toEqual([]);
    expect(
      await memberTrust.getRelationships(member.id, { peerType: 'urn:actingweb:test.example:e2e' }),
    ).toHaveLength(1);
    const atHub = await hubTrust.getRelationship(hub.id, member.id);
    expect(atHub).toMatchObject({
      approved: false,
      peerApproved: true,
      verified: true,
      secret: mine[0].secret,
    });

    // The hub's application approves: trust_approved fires there, and the member is told.
    const hubHandle = (await hubs.app.get(ActorService).get(hub.id))!;
    hubEvents.length = 0;
    const approved = await hubTrust.approve(hubHandle, member.id);
    expect(approved).toMatchObject({ approved: true, peerApproved: true });
    expect(hubEvents).toEqual([`approved ${hub.id}<->${member.id} friend`]);
    expect((await memberTrust.getRelationship(member.id, hub.id))!.peerApproved).toBe(true);
    await expect(hubTrust.approve(hubHandle, 'nosuchpeer')).rejects.toBeInstanceOf(NotFoundError);

    // Use it from application code: the member reads the hub's properties with the trust secret.
    await call(`${hub.url}/properties/motd`, { method: 'PUT', headers: hub.auth, body: 'hello members' });
    const proxy = members.app.get(AwProxy);
    const target = (await proxy.targetFor(member.id, hub.id))!;
    const motd = await proxy.getResource(target, 'properties/motd');
    expect([motd.status, motd.data]).toEqual([200, 'hello members']);

    // Errors are the library's error classes.
    const memberHandle = (await members.app.get(ActorService).get(member.id))!;
    await expect(
      memberTrust.createReciprocalTrust(memberHandle, { url: member.url, relationship: 'friend' }),
    ).rejects.toBeInstanceOf(BadRequestError);
    await expect(
      memberTrust.createReciprocalTrust(memberHandle, { url: hub.url, relationship: 'no such type' }),
    ).rejects.toBeInstanceOf(BadRequestError);

    // deletePeerTrust: gone on both sides; each side's trust_deleted fires.
    const memberEvents = membership.events;
    memberEvents.length = 0;
    hubEvents.length = 0;
    await memberTrust.deletePeerTrust(memberHandle, hub.id);
    expect(await memberTrust.getRelationships(member.id)).toEqual([]);
    expect(await hubTrust.getRelationship(hub.id, member.id)).toBeNull();
    expect(memberEvents).toEqual([`deleted ${member.id}-x-${hub.id} byPeer=false`]);
    expect(hubEvents).toEqual([`deleted ${hub.id}-x-${member.id} byPeer=true`]);
    expect((await proxy.getResource(target, 'properties/motd')).status).toBe(403);
    membership.hubUrl = undefined;
  });

  it('refreshPeerApproval polls the peer: 202 while pending, 200 once approved', async () => {
    const hub = await newActor(hubs, 'hub2@example.com');
    const member = await newActor(members, 'member2@example.com');
    const memberTrust = members.app.get(TrustManager);
    const memberHandle = (await members.app.get(ActorService).get(member.id))!;
    const created = await memberTrust.createReciprocalTrust(memberHandle, {
      url: hub.url,
      relationship: 'friend',
    });
    expect(created.peerApproved).toBe(false);
    expect((await memberTrust.refreshPeerApproval(memberHandle, hub.id)).peerApproved).toBe(false);
    await call(`${hub.url}/trust/friend/${member.id}`, {
      method: 'PUT',
      headers: hub.auth,
      body: { approved: true },
    });
    // As if the approval notice had been lost: forget it, then poll.
    expect((await memberTrust.peerApproved(memberHandle, hub.id, false)).peerApproved).toBe(false);
    expect((await memberTrust.refreshPeerApproval(memberHandle, hub.id)).peerApproved).toBe(true);
    expect((await memberTrust.getRelationship(member.id, hub.id))!.peerApproved).toBe(true);
  });
});

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import {
  ActingWebModule,
  CallbackHook,
  ForbiddenError,
  MethodHook,
  NotFoundError,
  PeerRequestFailedError,
  PropertyHook,
  SubscriptionHook,
  UnauthorizedError,
  type ActingWebModuleOptions,
  type CallbackHookContext,
  type PropertyHookContext,
  type SubscriptionHookContext,
} from '@actingweb/nestjs';
import {
  createTestApp,
  settle,
  type FakePeer,
  type TemporaryStorageKind,
  type TestActor,
  type TestApp,
} from '@actingweb/nestjs/testing';
import pg from 'pg';
import { describeOnPostgres, STORAGES } from './support/test-app.js';

class Oops extends Error {}

@Injectable()
class KitHooks {
  readonly diffs: Array<{ actor: string; peer: string; sequence: number; data: unknown }> = [];
  slowDiffs = false;

  @PropertyHook('email', { operations: ['get'] })
  hideEmail({ caller, value }: PropertyHookContext) {
    return caller.kind === 'creator' ? value : null;
  }

  @MethodHook('explode')
  explode(): never {
    throw new Oops('the hook failed');
  }

  @MethodHook('whoami')
  whoami({ caller }: { caller: { kind: string; relationship?: string } }) {
    return { kind: caller.kind, relationship: caller.relationship ?? null };
  }

  @CallbackHook('ping')
  async ping({ data, caller }: CallbackHookContext) {
    return { pong: data, from: caller.kind };
  }

  @SubscriptionHook('properties')
  async onDiff({ actor, peerId, sequence, data }: SubscriptionHookContext) {
    if (this.slowDiffs) await new Promise((resolve) => setTimeout(resolve, 200));
    this.diffs.push({ actor: actor.id, peer: peerId, sequence, data });
  }
}

const kindOf = (name: string): TemporaryStorageKind =>
  name === 'postgres' ? { type: 'postgres', connectionString: process.env.TEST_DATABASE_URL! } : 'sqlite';

describe.each(STORAGES)('testing kit on $name', ({ name }) => {
  let app: TestApp;
  let alice: TestActor;
  let friend: FakePeer;

  beforeAll(async () => {
    app = await createTestApp({ providers: [KitHooks], storage: kindOf(name) });
    alice = await app.createActor({ creator: 'Alice@Example.com' });
    friend = await alice.addPeer('friend');
  });
  afterAll(() => app.close());

  it('creates actors with their handle and the creator credentials', async () => {
    expect(alice.id).toMatch(/^[0-9a-f]{32}$/);
    expect(alice.url).toBe(`${app.url}${alice.id}`);
    expect(alice.creator).toBe('alice@example.com');
    const root = await fetch(alice.url, { headers: { authorization: alice.basicAuth } });
    expect(root.status).toBe(200);
  });

  it('resolves each caller as a request would: creator, trust peer, anonymous, wrong credentials', async () => {
    expect(await alice.callMethod('whoami')).toEqual({ kind: 'creator', relationship: null });
    expect(await alice.as(friend).callMethod('whoami')).toEqual({ kind: 'peer', relationship: 'friend' });
    await expect(alice.as('anonymous').callMethod('whoami')).rejects.toThrow(UnauthorizedError);
    await expect(alice.as({ authorization: 'Bearer nope' }).callMethod('whoami')).rejects.toThrow(
      ForbiddenError,
    );
    const stranger = await app.fakePeer();
    await expect(alice.as(stranger).callMethod('whoami')).rejects.toThrow(/has no trust with actor/);
  });

  it('gives back what hooks return and throw, unchanged; undefined when no hook answers', async () => {
    const error = await alice.callMethod('explode').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(Oops);
    expect(await alice.callMethod('nobody_home')).toBeUndefined();
    expect(await alice.callAction('nobody_home')).toBeUndefined();
  });

  it('runs callback hooks, and refuses to fake subscription callbacks', async () => {
    expect(await alice.as(friend).sendCallback('ping', { n: 1 })).toEqual({ pong: { n: 1 }, from: 'peer' });
    expect(await alice.sendCallback('unknown')).toBeUndefined();
    await expect(alice.sendCallback('subscriptions/x/y')).rejects.toThrow(/come from peers/);
  });

  it('reads and writes properties over HTTP, with hooks and trust permissions', async () => {
    await alice.setProperty('email', 'alice@example.com');
    await alice.setProperty(['private', 'pin'], 1234);
    await alice.as(friend).setProperty('status', 'written by a friend');
    expect(await alice.getProperty('email')).toBe('alice@example.com');
    await expect(alice.as(friend).getProperty('email')).rejects.toThrow(NotFoundError);
    await expect(alice.as(friend).getProperty('private', 'pin')).rejects.toThrow(ForbiddenError);
    expect(await alice.getProperties()).toEqual({
      email: 'alice@example.com',
      private: { pin: 1234 },
      status: 'written by a friend',
    });
    await alice.deleteProperty('status');
    await expect(alice.getProperty('status')).rejects.toThrow(NotFoundError);
    await expect(alice.as('anonymous').getProperties()).rejects.toThrow(UnauthorizedError);
  });

  it('sends callbacks to a fake subscriber, and settle() waits for them', async () => {
    const subscriber = await alice.addPeer('friend');
    await subscriber.subscribe(alice, { target: 'properties' });
    subscriber.respond({ path: 'callbacks' }, { status: 204, delayMs: 100 });
    await alice.handle.properties.set('mood', 'sunny');
    await settle();
    expect(subscriber.callbacks().map((c) => c.data)).toEqual([{ mood: 'sunny' }]);
  });

  it('plays a publisher: the app actor trusts and subscribes to a fake peer, which sends diffs', async () => {
    const publisher = await app.fakePeer();
    const trust = await alice.trust(publisher, 'friend');
    expect(trust).toMatchObject({ peerId: publisher.id, approved: true, peerApproved: true });
    const subscription = await alice.subscribe(publisher);
    const diff = { id: publisher.id, subscriptionid: subscription.subscriptionId, target: 'properties' };
    const sent = await publisher.sendCallback(alice, subscription.subscriptionId, {
      ...diff,
      sequence: 1,
      data: { weather: 'rain' },
    });
    expect(sent.status).toBe(204);
    expect(app.get(KitHooks).diffs).toContainEqual({
      actor: alice.id,
      peer: publisher.id,
      sequence: 1,
      data: { weather: 'rain' },
    });
    const wrong = await publisher.sendCallback(alice, subscription.subscriptionId, {
      ...diff,
      sequence: 'x',
    });
    expect(wrong.status).toBe(400);
  });

  it('reports a peer that is down', async () => {
    const gone = await app.fakePeer();
    gone.down();
    await expect(alice.trust(gone)).rejects.toThrow(PeerRequestFailedError);
  });
});

describe('testing kit: two applications', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    [one, two] = await Promise.all([
      createTestApp({ providers: [KitHooks] }),
      createTestApp({ providers: [KitHooks], storage: 'sqlite-memory' }),
    ]);
  });
  afterAll(() => Promise.all([one.close(), two.close()]));

  it('settle() waits until the subscriber has processed the callback (its hook is slow)', async () => {
    const alice = await one.createActor();
    const bob = await two.createActor();
    await alice.trust(bob);
    await alice.subscribe(bob);
    one.get(KitHooks).slowDiffs = true;
    await bob.handle.properties.set('status', 'away');
    await settle();
    expect(one.get(KitHooks).diffs).toEqual([
      { actor: alice.id, peer: bob.id, sequence: 1, data: { status: 'away' } },
    ]);
  });

  it('calls an actor on another server as the peer actor it trusts', async () => {
    const carol = await one.createActor();
    const dave = await two.createActor();
    await expect(dave.as(carol).callMethod('whoami')).rejects.toThrow(/no trust with actor/);
    await carol.trust(dave, 'partner');
    expect(await dave.as(carol).callMethod('whoami')).toEqual({ kind: 'peer', relationship: 'partner' });
    expect(await carol.as(dave).callMethod('whoami')).toEqual({ kind: 'peer', relationship: 'partner' });
  });
});

/** An application module that imports ActingWebModule itself. */
@Module({})
class NotesAppModule {
  static register(options: ActingWebModuleOptions): DynamicModule {
    return { module: NotesAppModule, imports: [ActingWebModule.forRoot(options)], providers: [KitHooks] };
  }
}

describe('testing kit: options', () => {
  it("uses the app's own module, option overrides and provider overrides; close() removes the storage", async () => {
    const fixed = new KitHooks();
    const app = await createTestApp({
      appModule: (options) => NotesAppModule.register(options),
      options: { type: 'urn:actingweb:test.example:notes', mcp: { enabled: false } },
      configure: (builder) => builder.overrideProvider(KitHooks).useValue(fixed),
    });
    const meta = await fetch(`${app.url}${(await app.createActor()).id}/meta/type`);
    expect(await meta.text()).toBe('urn:actingweb:test.example:notes');
    expect(app.get(KitHooks)).toBe(fixed);
    const actor = await app.createActor();
    await expect(actor.listTools()).rejects.toThrow(/MCP is disabled/);
    const file = (app.options.storage as { filename: string }).filename;
    expect(existsSync(file)).toBe(true);
    await app.close();
    await app.close();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it('leaves storage given in the options alone', async () => {
    const app = await createTestApp({ options: { storage: { type: 'sqlite', filename: ':memory:' } } });
    expect(app.options.storage).toEqual({ type: 'sqlite', filename: ':memory:' });
    await app.close();
  });
});

describeOnPostgres('testing kit on $name: a schema of its own', () => {
  it('creates its schema at start and drops it at close', async () => {
    const connectionString = process.env.TEST_DATABASE_URL!;
    const app = await createTestApp({ storage: { type: 'postgres', connectionString } });
    const schema = (app.options.storage as { schema: string }).schema;
    await app.createActor();
    const client = new pg.Client({ connectionString });
    await client.connect();
    const exists = async () =>
      (await client.query('select 1 from information_schema.schemata where schema_name = $1', [schema]))
        .rowCount;
    try {
      expect(await exists()).toBe(1);
      await app.close();
      expect(await exists()).toBe(0);
    } finally {
      await client.end();
    }
  });
});

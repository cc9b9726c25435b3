import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { TrustRecord } from '../storage/trust.repository.js';
import {
  SubscriptionManager,
  type Granularity,
  type SubscriptionRecord,
} from '../subscriptions/subscription-manager.service.js';
import { TrustManager } from '../trust/trust-manager.service.js';
import { CallerSession, type ActorCalls } from './actor-calls.js';
import { FakePeer, type FakePeerOptions } from './fake-peer.js';

/**
 * Who calls in {@link TestActor.as}:
 *
 * - `'creator'`: the actor's creator, with Basic `creator:passphrase`;
 * - `'anonymous'`: no credentials;
 * - a {@link FakePeer} with a trust with this actor (e.g. from {@link TestActor.addPeer}):
 *   its trust secret as Bearer token, so its relationship and permissions apply;
 * - another {@link TestActor} this actor trusts (see {@link TestActor.trust}), on
 *   the same or another test application: the trust's secret;
 * - `{ authorization }`: any `Authorization` header value, e.g. a token of your
 *   `bearerTokenResolver`.
 *
 * @publicApi
 */
export type TestCaller =
  | 'creator'
  | 'anonymous'
  | FakePeer
  | TestActor
  | { readonly authorization: string; readonly label?: string };

/** Options of {@link TestActor.addPeer}. @publicApi */
export interface AddPeerOptions extends FakePeerOptions {
  /** Use this fake peer instead of starting a new one. */
  readonly peer?: FakePeer;
}

/** What {@link TestActor.subscribe} subscribes to. Default: all properties, high granularity. @publicApi */
export interface TestSubscription {
  readonly target?: string;
  readonly subtarget?: string;
  readonly resource?: string;
  readonly granularity?: Granularity;
}

/** The application side of a test actor, as the kit's test application provides it. */
export interface TestActorHost {
  readonly nest: NestFastifyApplication;
  fakePeer(options?: FakePeerOptions): Promise<FakePeer>;
}

/**
 * An actor of a test application, with its creator's credentials. Its call
 * methods ({@link ActorCalls}) run as the creator; {@link as} picks another caller.
 *
 * @publicApi
 */
export interface TestActor extends ActorCalls {
  /** 32 lowercase hex characters. */
  readonly id: string;
  /** The actor's root URL, `<baseUrl><id>` (no trailing slash). */
  readonly url: string;
  readonly creator: string;
  readonly passphrase: string;
  /** `Authorization: Basic …` of the creator, for requests of your own (`fetch`). */
  readonly basicAuth: string;
  /** The handle hooks get: properties read and written as the application (no permission checks). */
  readonly handle: ActorHandle;
  /** The same calls, as another caller. */
  as(caller: TestCaller): ActorCalls;
  /**
   * A fake peer that asked this actor for a trust with `relationship`
   * (default `friend`) and was approved by the creator: a caller for
   * {@link as} whose trust permissions apply, and a peer to script.
   */
  addPeer(relationship?: string, options?: AddPeerOptions): Promise<FakePeer>;
  /** {@link addPeer} with the `mcp_client` relationship: an AI client as MCP sees one connected with a trust. */
  addMcpClient(options?: AddPeerOptions): Promise<FakePeer>;
  /**
   * This actor asks `peer` for a trust with `relationship` (default `friend`)
   * over HTTP; when `peer` is a test actor whose server left it pending, its
   * creator approves it. Resolves with this actor's trust record, approved on both sides.
   */
  trust(peer: TestActor | FakePeer, relationship?: string): Promise<TrustRecord>;
  /** Subscribes this actor to a peer it trusts (`SubscriptionManager.subscribeToPeer`, over HTTP). */
  subscribe(publisher: TestActor | FakePeer, subscription?: TestSubscription): Promise<SubscriptionRecord>;
}

/** {@link TestActor} on the kit's test application. */
export class KitActor extends CallerSession implements TestActor {
  readonly id: string;
  readonly url: string;
  readonly creator: string;
  readonly basicAuth: string;

  constructor(
    private readonly host: TestActorHost,
    readonly handle: ActorHandle,
    readonly passphrase: string,
  ) {
    const basicAuth = 'Basic ' + Buffer.from(`${handle.creator}:${passphrase}`).toString('base64');
    super({
      nest: host.nest,
      actorId: handle.id,
      url: handle.url,
      callerLabel: 'creator',
      authorization: async () => basicAuth,
    });
    this.id = handle.id;
    this.url = handle.url;
    this.creator = handle.creator;
    this.basicAuth = basicAuth;
  }

  as(caller: TestCaller): ActorCalls {
    if (caller === 'creator') return this;
    const { label, authorization } = this.credentialsOf(caller);
    return new CallerSession({
      nest: this.host.nest,
      actorId: this.id,
      url: this.url,
      callerLabel: label,
      authorization,
    });
  }

  async addPeer(relationship = 'friend', options: AddPeerOptions = {}): Promise<FakePeer> {
    const peer = options.peer ?? (await this.host.fakePeer(options));
    const answer = await peer.requestTrust(this, relationship);
    if (answer === 'pending') await this.service(TrustManager).approve(this.handle, peer.id);
    return peer;
  }

  addMcpClient(options: AddPeerOptions = {}): Promise<FakePeer> {
    return this.addPeer('mcp_client', options);
  }

  async trust(peer: TestActor | FakePeer, relationship = 'friend'): Promise<TrustRecord> {
    const trusts = this.service(TrustManager);
    let record = await trusts.createReciprocalTrust(this.handle, { url: peer.url, relationship });
    if (!record.peerApproved && peer instanceof KitActor) {
      await peer.service(TrustManager).approve(peer.handle, this.id);
      record = (await trusts.getRelationship(this.id, peer.id)) ?? record;
    }
    return record;
  }

  subscribe(
    publisher: TestActor | FakePeer,
    subscription: TestSubscription = {},
  ): Promise<SubscriptionRecord> {
    return this.service(SubscriptionManager).subscribeToPeer(
      this.handle,
      publisher.id,
      subscription.target ?? 'properties',
      subscription.subtarget ?? '',
      subscription.resource ?? '',
      subscription.granularity ?? 'high',
    );
  }

  private credentialsOf(caller: Exclude<TestCaller, 'creator'>): {
    label: string;
    authorization: () => Promise<string | undefined>;
  } {
    if (caller === 'anonymous') return { label: 'anonymous', authorization: async () => undefined };
    if (caller instanceof FakePeer) {
      return {
        label: `fake peer ${caller.id}`,
        authorization: async () => {
          const trust = caller.trustWith(this);
          if (!trust)
            throw new Error(`Fake peer ${caller.id} has no trust with actor ${this.id}: addPeer() first`);
          return `Bearer ${trust.secret}`;
        },
      };
    }
    if (caller instanceof KitActor) {
      return {
        label: `peer actor ${caller.id}`,
        authorization: async () => {
          const trust = await this.service(TrustManager).getRelationship(this.id, caller.id);
          if (!trust) throw new Error(`Actor ${this.id} has no trust with actor ${caller.id}: trust() first`);
          return `Bearer ${trust.secret}`;
        },
      };
    }
    const given = caller as { authorization: string; label?: string };
    return { label: given.label ?? 'custom credentials', authorization: async () => given.authorization };
  }

  private service<T>(token: abstract new (...args: any[]) => T): T {
    return this.host.nest.get(token as never, { strict: false });
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import {
  CallbackReceiver,
  type PeerSyncResult,
  type SubscriptionSyncResult,
} from '../callbacks/callback-receiver.service.js';
import {
  ActingWebError,
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PeerRequestFailedError,
} from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { logPrefix } from '../common/request-context.js';
import { isPlainObject } from '../common/json.js';
import { AwProxy, type PeerResponse } from '../peers/aw-proxy.service.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import {
  SubscriptionRepository,
  type DiffRecord,
  type Granularity,
  type SubscriptionFilter,
  type SubscriptionRecord,
} from '../storage/subscription.repository.js';
import { TrustRepository, type TrustRecord } from '../storage/trust.repository.js';
import { PermissionService } from '../permissions/permission.service.js';
import type { PermissionCategory } from '../common/permissions.types.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import { CALLBACK_ENCODINGS_WE_ACCEPT, normalizeAcceptEncoding } from './callback-encoding.js';
import { DiffRegistrar } from './diff-registrar.service.js';
import { scopePath } from './diff-builder.js';

export type { SubscriptionRecord, Granularity, DiffRecord } from '../storage/subscription.repository.js';
export type { PeerSyncResult, SubscriptionSyncResult } from '../callbacks/callback-receiver.service.js';

/** What a subscription covers and how it is delivered. @publicApi */
export interface SubscriptionRequest {
  target: string;
  subtarget?: string;
  resource?: string;
  /** Default `none` for a peer's request (§7.1), `high` for {@link SubscriptionManager.subscribeToPeer}. */
  granularity?: Granularity;
  /**
   * Callback encodings the subscriber accepts, in preference order (tag
   * `callbackcompression`): callbacks over about 1 KB are compressed with the
   * first of `gzip`, `br`, `deflate` it lists. Unknown names are dropped.
   */
  acceptEncoding?: string[];
}

/** A subscription with its pending diffs (`GET /subscriptions/<peer>/<subid>`). @publicApi */
export interface SubscriptionWithDiffs {
  subscription: SubscriptionRecord;
  diffs: DiffRecord[];
}

/** Targets, subtargets and resources: path segments, no traversal. */
const TARGET = /^[A-Za-z0-9_.~-]{1,64}$/;
/** One path segment: 1–255 characters, no `/`, no control characters, not `.` or `..`. */
function isSegment(value: string): boolean {
  if (value.length === 0 || value.length > 255 || value === '.' || value === '..') return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32 || code === 127 || code === 47) return false;
  }
  return true;
}
const GRANULARITIES: readonly Granularity[] = ['high', 'low', 'none'];
const PERMISSION_CATEGORY: Readonly<Record<string, PermissionCategory>> = {
  properties: 'properties',
  resources: 'resources',
};

/** 32 hex characters from a CSPRNG. */
function newSubscriptionId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Subscriptions (`shared/docs/protocol.md` §7, `reference-sdk.md` §3d), both
 * sides: peers subscribing to our actors (inbound: diffs, polling, clearing,
 * callbacks) and our actors subscribing to peers (outbound: creating, sync,
 * cancelling). Usable from hooks and application code; every peer call is
 * async and bounded by the configured timeout.
 *
 * Lifecycle hooks: `subscription_created` and `subscription_deleted`, with
 * `peerId`, `subscriptionId`, `subscriptionData`, `outbound` and `initiatedByPeer`.
 *
 * @publicApi
 */
@Injectable()
export class SubscriptionManager {
  private readonly logger = new Logger('SubscriptionManager');

  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(CallbackReceiver) private readonly receiver: CallbackReceiver,
    @Inject(DiffRegistrar) private readonly registrar: DiffRegistrar,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
  ) {}

  // ------------------------------------------------------------ listing

  /** Every subscription of the actor, both directions, optionally filtered. */
  list(actorId: string, filter: SubscriptionFilter = {}): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, filter);
  }

  /** Peers' subscriptions to this actor. */
  listInbound(
    actorId: string,
    filter: Omit<SubscriptionFilter, 'outbound'> = {},
  ): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, { ...filter, outbound: false });
  }

  /** This actor's subscriptions to peers. */
  listOutbound(
    actorId: string,
    filter: Omit<SubscriptionFilter, 'outbound'> = {},
  ): Promise<SubscriptionRecord[]> {
    return this.subscriptions.list(actorId, { ...filter, outbound: true });
  }

  getInbound(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.subscriptions.get(actorId, peerId, subscriptionId, false);
  }

  getOutbound(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionRecord | null> {
    return this.subscriptions.get(actorId, peerId, subscriptionId, true);
  }

  // ------------------------------------------------------------ publisher side

  /**
   * A peer subscribes to `actor` (§7.2). The caller must be that peer; it needs
   * read permission on what it subscribes to (`PermissionService.maySubscribe`).
   * Fires `subscription_created`.
   */
  async createInbound(
    actor: ActorHandle,
    caller: Caller,
    peerId: string,
    request: SubscriptionRequest,
  ): Promise<SubscriptionRecord> {
    if (caller.kind !== 'peer' || caller.peerId !== peerId)
      throw new ForbiddenError('Only the peer itself may subscribe in its name', 'wrong_peer');
    const scope = validateRequest(request, 'none');
    const category = PERMISSION_CATEGORY[scope.target];
    if (category) {
      const path = scopePath(scope).join('/');
      if (
        !(await this.permissions.maySubscribe(actor.id, caller.peerId, caller.relationship, category, path))
      )
        throw new ForbiddenError(`Not allowed to read ${scope.target}/${path}`, 'permission_denied');
    }
    const record: SubscriptionRecord = {
      actorId: actor.id,
      peerId,
      subscriptionId: newSubscriptionId(),
      outbound: false,
      ...scope,
      sequence: 0,
      acceptEncoding: normalizeAcceptEncoding(request.acceptEncoding),
      createdAt: new Date().toISOString(),
    };
    await this.subscriptions.insert(record);
    await this.fire('subscription_created', actor, record, true);
    return record;
  }

  /** Pending diffs of an inbound subscription (subscription row first, so `sequence` never runs ahead of the diffs). */
  async getWithDiffs(
    actorId: string,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionWithDiffs> {
    const subscription = await this.requireInbound(actorId, peerId, subscriptionId);
    const diffs = await this.subscriptions.diffs(actorId, peerId, subscriptionId);
    return { subscription, diffs };
  }

  /** One pending diff; NotFoundError when cleared or unknown. */
  async getDiff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
  ): Promise<SubscriptionWithDiffs & { diff: DiffRecord }> {
    const subscription = await this.requireInbound(actorId, peerId, subscriptionId);
    const diff = await this.subscriptions.diff(actorId, peerId, subscriptionId, sequence);
    if (!diff) throw new NotFoundError(`No diff ${sequence}`, 'diff_not_found');
    return { subscription, diffs: [diff], diff };
  }

  /** Clears every diff with sequence ≤ `upTo` (§7.7). */
  async clearDiffs(actorId: string, peerId: string, subscriptionId: string, upTo: number): Promise<number> {
    await this.requireInbound(actorId, peerId, subscriptionId);
    return this.subscriptions.clearDiffs(actorId, peerId, subscriptionId, upTo);
  }

  /** Clears one diff; NotFoundError when there is none. */
  async deleteDiff(actorId: string, peerId: string, subscriptionId: string, sequence: number): Promise<void> {
    await this.requireInbound(actorId, peerId, subscriptionId);
    if (!(await this.subscriptions.deleteDiff(actorId, peerId, subscriptionId, sequence)))
      throw new NotFoundError(`No diff ${sequence}`, 'diff_not_found');
  }

  /**
   * Registers a change of an application-defined target (anything but
   * `properties`, whose changes are registered automatically) for every
   * subscription on it, and sends the callbacks. `data` is the new state at
   * `target/subtarget/resource`.
   */
  async notifySubscribers(
    actor: ActorHandle,
    target: string,
    data: unknown,
    options: { subtarget?: string; resource?: string } = {},
  ): Promise<number> {
    const path = [options.subtarget, ...(options.resource ?? '').split('/')].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const deliveries = await this.database.transaction((tx) =>
      this.registrar.register(tx, actor.id, target, [{ path, operation: 'put', newValue: data }]),
    );
    this.delivery.enqueue(deliveries);
    return deliveries.length;
  }

  /** Stops registering diffs for `target[/subtarget]` (e.g. around a bulk import). True when newly suspended. */
  suspend(actor: ActorHandle, target: string, subtarget = ''): Promise<boolean> {
    return this.subscriptions.suspend(actor.id, target, subtarget);
  }

  /**
   * Resumes a suspended target: every inbound subscription it covers gets a
   * new sequence number and a `resync` callback pointing at the current state
   * (tag `subscriptionresync`). Returns how many resync callbacks were queued.
   */
  async resume(actor: ActorHandle, target: string, subtarget = ''): Promise<number> {
    await this.subscriptions.resume(actor.id, target, subtarget);
    const subs = await this.subscriptions.inboundWithTrust(actor.id, target, this.database.db);
    const deliveries: Delivery[] = [];
    for (const sub of subs) {
      if (subtarget && sub.subtarget && sub.subtarget !== subtarget) continue;
      const sequence = await this.subscriptions.allocateOne(actor.id, sub.peerId, sub.subscriptionId);
      if (sequence === null || sub.granularity === 'none') continue;
      deliveries.push({
        actorId: actor.id,
        peerId: sub.peerId,
        subscriptionId: sub.subscriptionId,
        target: sub.target,
        subtarget: sub.subtarget,
        resource: sub.resource,
        granularity: sub.granularity === 'low' ? 'low' : 'high',
        sequence,
        timestamp: new Date().toISOString(),
        type: 'resync',
        baseuri: sub.baseuri,
        secret: sub.secret,
        acceptEncoding: sub.acceptEncoding,
      });
    }
    this.delivery.enqueue(deliveries);
    return deliveries.length;
  }

  // ------------------------------------------------------------ subscriber side

  /**
   * Subscribes `actor` to a peer it trusts (§7.2 from the subscriber's side):
   * `POST <peer>/subscriptions/<me>`, then stores the outbound subscription.
   * Fires `subscription_created`. No trust with the peer (step `trust`), the
   * peer unreachable or answering anything but 201 with a `subscriptionid`
   * (step `subscription_request`) → PeerRequestFailedError (408, §7.3),
   * saying what failed.
   */
  async subscribeToPeer(
    actor: ActorHandle,
    peerId: string,
    target: string,
    subtarget = '',
    resource = '',
    granularity: Granularity = 'high',
  ): Promise<SubscriptionRecord> {
    const scope = validateRequest({ target, subtarget, resource, granularity }, 'high');
    // As in the reference, no trust means no remote subscription can be made: 408 too.
    const trust = await this.trusts.get(actor.id, peerId);
    if (!trust)
      throw new PeerRequestFailedError(
        'trust',
        `Could not create the subscription at peer ${peerId}: there is no trust with it`,
      );
    let answer: PeerResponse<Record<string, unknown>>;
    try {
      answer = await this.proxy.createResource<Record<string, unknown>>(
        { baseuri: trust.baseuri, secret: trust.secret },
        `subscriptions/${encodeURIComponent(actor.id)}`,
        {
          id: actor.id,
          target: scope.target,
          subtarget: scope.subtarget,
          resource: scope.resource,
          granularity: scope.granularity,
          accept_encoding: CALLBACK_ENCODINGS_WE_ACCEPT,
        },
      );
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: ${err.message}`,
      );
    }
    const body = answer.data;
    if (answer.status !== 201)
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: it answered ${answer.status}`,
        answer.status,
      );
    if (!isPlainObject(body) || typeof body.subscriptionid !== 'string' || !body.subscriptionid)
      throw new PeerRequestFailedError(
        'subscription_request',
        `Could not create the subscription at peer ${peerId}: its answer has no subscriptionid`,
        answer.status,
      );
    const sequence =
      typeof body.sequence === 'number' && Number.isSafeInteger(body.sequence) ? body.sequence : 0;
    const record: SubscriptionRecord = {
      actorId: actor.id,
      peerId,
      subscriptionId: body.subscriptionid,
      outbound: true,
      ...scope,
      sequence: Math.max(0, sequence),
      acceptEncoding: [...CALLBACK_ENCODINGS_WE_ACCEPT],
      createdAt: new Date().toISOString(),
    };
    await this.subscriptions.insert(record);
    await this.fire('subscription_created', actor, record, false);
    return record;
  }

  /** The subscription's URL at the publisher (the `Location` of §7.2). */
  remoteUrl(trustBaseuri: string, actorId: string, subscriptionId: string): string {
    return `${trustBaseuri.replace(/\/+$/, '')}/subscriptions/${actorId}/${subscriptionId}`;
  }

  /** Base URI of the trust with `peerId` (for Location headers). */
  async peerBaseuri(actorId: string, peerId: string): Promise<string> {
    return (await this.requireTrust(actorId, peerId)).baseuri;
  }

  /** Cancels an outbound subscription: tells the publisher, then deletes ours. False when there was none. */
  async unsubscribe(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId, true);
    if (!record) return false;
    await this.delete(actor, record, { notifyPeer: true, initiatedByPeer: false });
    return true;
  }

  /** Ends a peer's subscription to `actor`: tells the peer, then deletes ours. False when there was none. */
  async revokePeerSubscription(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId, false);
    if (!record) return false;
    await this.delete(actor, record, { notifyPeer: true, initiatedByPeer: false });
    return true;
  }

  /**
   * Deletes a subscription in either direction (`DELETE /subscriptions/<peer>/<subid>`
   * and `DELETE /callbacks/subscriptions/<peer>/<subid>`, §7.8). With
   * `notifyPeer`, the peer is told first, on the route the reference uses
   * (§10 item 21): a publisher calls `<sub>/subscriptions/<me>/<subid>`, a
   * subscriber `<pub>/callbacks/subscriptions/<me>/<subid>`. NotFoundError when
   * there is no such subscription.
   */
  async deleteSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
    options: { notifyPeer: boolean; initiatedByPeer: boolean },
  ): Promise<void> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId);
    if (!record) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    await this.delete(actor, record, options);
  }

  /** Pulls what is pending on one outbound subscription and passes it to the hooks, in order. */
  syncSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionSyncResult> {
    return this.receiver.syncSubscription(actor, peerId, subscriptionId);
  }

  /** {@link syncSubscription} for every outbound subscription to `peerId`: a subscriber that was down catches up. */
  syncPeer(actor: ActorHandle, peerId: string): Promise<PeerSyncResult> {
    return this.receiver.syncPeer(actor, peerId);
  }

  // ------------------------------------------------------------ helpers

  private async delete(
    actor: ActorHandle,
    record: SubscriptionRecord,
    options: { notifyPeer: boolean; initiatedByPeer: boolean },
  ): Promise<void> {
    if (options.notifyPeer) await this.tellPeer(actor, record);
    const deleted = await this.subscriptions.delete(actor.id, record.peerId, record.subscriptionId);
    if (deleted) await this.fire('subscription_deleted', actor, deleted, options.initiatedByPeer);
  }

  /**
   * Runs `deleteTrust` (which removes the peer's subscriptions with the trust)
   * and fires `subscription_deleted` for each subscription it took along.
   */
  async deletingTrust(
    actor: ActorHandle,
    peerId: string,
    initiatedByPeer: boolean,
    deleteTrust: () => Promise<unknown>,
  ): Promise<void> {
    const doomed = await this.subscriptions.list(actor.id, { peerId });
    await deleteTrust();
    for (const record of doomed) await this.fire('subscription_deleted', actor, record, initiatedByPeer);
  }

  /** Best effort: the local delete happens whatever the peer answers. */
  private async tellPeer(actor: ActorHandle, record: SubscriptionRecord): Promise<void> {
    const trust = await this.trusts.get(actor.id, record.peerId);
    if (!trust) return;
    const path = record.outbound
      ? `callbacks/subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(record.subscriptionId)}`
      : `subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(record.subscriptionId)}`;
    try {
      const answer = await this.proxy.deleteResource({ baseuri: trust.baseuri, secret: trust.secret }, path);
      if (answer.status >= 300 && answer.status !== 404)
        this.logger.warn(
          `${logPrefix()}Peer ${record.peerId} answered ${answer.status} to the subscription delete`,
        );
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      this.logger.warn(
        `${logPrefix()}Could not tell ${record.peerId} about the deleted subscription: ${err.message}`,
      );
    }
  }

  private async requireInbound(
    actorId: string,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionRecord> {
    const record = await this.subscriptions.get(actorId, peerId, subscriptionId, false);
    if (!record) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    return record;
  }

  private async requireTrust(actorId: string, peerId: string): Promise<TrustRecord> {
    const trust = await this.trusts.get(actorId, peerId);
    if (!trust) throw new NotFoundError(`No trust with ${peerId}`, 'trust_not_found');
    return trust;
  }

  private async fire(
    event: 'subscription_created' | 'subscription_deleted',
    actor: ActorHandle,
    record: SubscriptionRecord,
    initiatedByPeer: boolean,
  ): Promise<void> {
    await this.hooks.runLifecycle({
      event,
      actor,
      peerId: record.peerId,
      subscriptionId: record.subscriptionId,
      subscriptionData: subscriptionView(record),
      outbound: record.outbound,
      initiatedByPeer,
    });
  }
}

/** The wire view of a subscription (§7.4 entries). @publicApi */
export function subscriptionView(record: SubscriptionRecord): Record<string, unknown> {
  return {
    peerid: record.peerId,
    subscriptionid: record.subscriptionId,
    target: record.target,
    subtarget: record.subtarget,
    resource: record.resource,
    granularity: record.granularity,
    sequence: record.sequence,
    callback: record.outbound,
  };
}

/** Validates target/subtarget/resource/granularity; missing granularity → `fallback`. */
function validateRequest(
  request: SubscriptionRequest,
  fallback: Granularity,
): { target: string; subtarget: string; resource: string; granularity: Granularity } {
  const target = request.target;
  if (typeof target !== 'string' || !TARGET.test(target))
    throw new BadRequestError('target must be a name such as "properties"', 'invalid_target');
  const subtarget = request.subtarget ?? '';
  const resource = request.resource ?? '';
  if (subtarget !== '' && !isSegment(subtarget))
    throw new BadRequestError('subtarget must be one path segment', 'invalid_subtarget');
  if (resource !== '' && !resource.split('/').every(isSegment))
    throw new BadRequestError('resource must be a path below the subtarget', 'invalid_resource');
  if (resource !== '' && subtarget === '')
    throw new BadRequestError('a resource needs a subtarget', 'invalid_resource');
  const granularity = request.granularity ?? fallback;
  if (!GRANULARITIES.includes(granularity))
    throw new BadRequestError('granularity must be high, low or none', 'invalid_granularity');
  return { target, subtarget, resource, granularity };
}

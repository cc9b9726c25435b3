import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../../common/caller.js';
import { ForbiddenError, NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { PermissionGate } from '../../permissions/permission-gate.js';
import {
  SubscriptionRepository,
  type DiffRecord,
  type SubscriptionRecord,
} from '../../storage/subscription.repository.js';
import type { CreateSubscriptionDto } from '../dto/subscription.dto.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import { validateScope, type SubscriptionRequest } from '../subscription-scope.js';
import { normalizeAcceptEncoding } from './callback-encoding.js';
import { PERMISSION_CATEGORY, scopePath } from './diff-builder.js';

/** A subscription with its pending diffs (`GET /subscriptions/<peer>/<subid>`). @publicApi */
export interface SubscriptionWithDiffs {
  subscription: SubscriptionRecord;
  diffs: DiffRecord[];
}

/** 32 hex characters from a CSPRNG. */
function newSubscriptionId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Peers' subscriptions to our actors (ActingWeb spec, "Establishing a
 * Subscription" and "Getting Subscription Updates"): creating them, and the
 * pending diffs a subscriber polls and clears.
 */
@Injectable()
export class InboundSubscriptions {
  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(PermissionGate) private readonly gate: PermissionGate,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
  ) {}

  /** `POST /subscriptions/<peer>`: the body's `id`, when sent (the reference does), must be that peer. */
  subscribe(actor: ActorHandle, caller: Caller, peerId: string, dto: CreateSubscriptionDto) {
    if (dto.id && dto.id !== peerId) throw new ForbiddenError('id does not match the URL', 'wrong_peer');
    return this.create(actor, caller, peerId, {
      target: dto.target,
      subtarget: dto.subtarget ?? '',
      resource: dto.resource ?? '',
      granularity: dto.granularity ?? undefined,
      acceptEncoding: dto.accept_encoding ?? undefined,
    });
  }

  /**
   * A peer subscribes to `actor`. The caller must be that peer; it needs read
   * permission on what it subscribes to. Fires `subscription_created`.
   */
  async create(
    actor: ActorHandle,
    caller: Caller,
    peerId: string,
    request: SubscriptionRequest,
  ): Promise<SubscriptionRecord> {
    if (caller.kind !== 'peer' || caller.peerId !== peerId)
      throw new ForbiddenError('Only the peer itself may subscribe in its name', 'wrong_peer');
    const scope = validateScope(request, 'none');
    const category = PERMISSION_CATEGORY[scope.target];
    if (category) {
      const path = scopePath(scope).join('/');
      if (!(await this.gate.for(actor, caller)).maySubscribe(category, path))
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
    await this.lifecycle.fire('subscription_created', actor, record, true);
    return record;
  }

  /** Pending diffs of an inbound subscription (subscription row first, so `sequence` never runs ahead of the diffs). */
  async withDiffs(actorId: string, peerId: string, subscriptionId: string): Promise<SubscriptionWithDiffs> {
    const subscription = await this.require(actorId, peerId, subscriptionId);
    const diffs = await this.subscriptions.diffs(actorId, peerId, subscriptionId);
    return { subscription, diffs };
  }

  /** One pending diff; 404 when cleared or unknown. */
  async diff(
    actorId: string,
    peerId: string,
    subscriptionId: string,
    sequence: number,
  ): Promise<SubscriptionWithDiffs & { diff: DiffRecord }> {
    const subscription = await this.require(actorId, peerId, subscriptionId);
    const diff = await this.subscriptions.diff(actorId, peerId, subscriptionId, sequence);
    if (!diff) throw new NotFoundError(`No diff ${sequence}`, 'diff_not_found');
    return { subscription, diffs: [diff], diff };
  }

  /** Clears every diff with sequence ≤ `upTo`. */
  async clearDiffs(actorId: string, peerId: string, subscriptionId: string, upTo: number): Promise<number> {
    await this.require(actorId, peerId, subscriptionId);
    return this.subscriptions.clearDiffs(actorId, peerId, subscriptionId, upTo);
  }

  /** Clears one diff; 404 when there is none. */
  async deleteDiff(actorId: string, peerId: string, subscriptionId: string, sequence: number): Promise<void> {
    await this.require(actorId, peerId, subscriptionId);
    if (!(await this.subscriptions.deleteDiff(actorId, peerId, subscriptionId, sequence)))
      throw new NotFoundError(`No diff ${sequence}`, 'diff_not_found');
  }

  /** Ends a peer's subscription: tells the peer, then deletes ours. False when there was none. */
  async revoke(actor: ActorHandle, peerId: string, subscriptionId: string): Promise<boolean> {
    const record = await this.subscriptions.get(actor.id, peerId, subscriptionId, false);
    if (!record) return false;
    await this.lifecycle.end(actor, record, { notifyPeer: true, initiatedByPeer: false });
    return true;
  }

  private async require(
    actorId: string,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionRecord> {
    const record = await this.subscriptions.get(actorId, peerId, subscriptionId, false);
    if (!record) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    return record;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import {
  ActingWebError,
  BadRequestError,
  NotFoundError,
  PeerBadGatewayError,
  ServiceUnavailableError,
} from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { logPrefix } from '../common/request-context.js';
import { isPlainObject } from '../common/json.js';
import { AwProxy, type PeerTarget } from '../peers/aw-proxy.service.js';
import { SubscriptionRepository, type SubscriptionRecord } from '../storage/subscription.repository.js';
import { TrustRepository, type TrustRecord } from '../storage/trust.repository.js';
import { decideCallback, planCatchUp, type PolledDiff } from './callback-sequencing.js';

/** A subscription callback as received (§7.9). */
export interface ReceivedCallback {
  readonly sequence: number;
  readonly type: 'diff' | 'resync';
  /** Present for high granularity. */
  readonly data?: unknown;
  readonly hasData: boolean;
  readonly granularity?: string;
}

/** Outcome of pulling one subscription's pending diffs from the publisher. @publicApi */
export interface SubscriptionSyncResult {
  subscriptionId: string;
  success: boolean;
  /** Diffs the publisher returned. */
  diffsFetched: number;
  /** Diffs passed to the hooks (a resync counts as one). */
  diffsProcessed: number;
  /** The last sequence processed afterwards. */
  finalSequence: number;
  resynced: boolean;
  error?: string;
}

/** Outcome of {@link CallbackReceiver.syncPeer}. @publicApi */
export interface PeerSyncResult {
  peerId: string;
  success: boolean;
  subscriptionsSynced: number;
  totalDiffsProcessed: number;
  results: SubscriptionSyncResult[];
}

/** How many times a decision is retried when another receiver (instance) advanced the sequence first. */
const MAX_RACES = 5;

/**
 * Subscriber side (§7.9, §11 steps 6–10): callbacks on our outbound
 * subscriptions go through sequence tracking — duplicates are dropped, the
 * next one is processed, a gap makes us poll the publisher and process what is
 * pending in order, a resync fetches the current state. `@SubscriptionHook`s
 * and the `subscription` `@CallbackHook`s get each diff once, in order.
 *
 * The sequence state is the outbound subscription row (`sequence` = last
 * processed), advanced with compare-and-set, so several instances sharing the
 * database never process one diff twice. Within an instance, one
 * subscription's callbacks are processed one at a time.
 */
@Injectable()
export class CallbackReceiver {
  private readonly logger = new Logger('SubscriptionCallbacks');
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
  ) {}

  /**
   * `POST /<me>/callbacks/subscriptions/<peer>/<subid>`: unknown subscription →
   * 404; a malformed body → 400; a gap we cannot fill now (publisher
   * unreachable) → 503, so the publisher keeps the diff. A JSON object with
   * none of the callback fields is not a diff: the `subscription` callback
   * hooks get it as it is (`type: 'opaque'`), the sequence does not move.
   */
  async receive(actor: ActorHandle, peerId: string, subscriptionId: string, body: unknown): Promise<void> {
    const sub = await this.subscriptions.get(actor.id, peerId, subscriptionId, true);
    if (!sub) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    if (isOpaque(body)) {
      this.logger.warn(
        `${logPrefix()}Callback from ${peerId} on subscription ${subscriptionId} carries no diff; passed to the hooks as it is`,
      );
      await this.runCallbackHooks(actor, sub, await this.requireTrust(actor.id, peerId), {
        data: body,
        type: 'opaque',
      });
      return;
    }
    const callback = parseCallback(body);
    await this.serialized(sub, () => this.process(actor, sub, callback));
  }

  /** Pulls and processes everything pending on one outbound subscription (§6b pull sync). */
  async syncSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionSyncResult> {
    const sub = await this.subscriptions.get(actor.id, peerId, subscriptionId, true);
    if (!sub) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    return this.serialized(sub, async () => {
      try {
        return await this.catchUp(actor, sub);
      } catch (err) {
        const current = await this.subscriptions.get(actor.id, peerId, subscriptionId, true);
        return {
          subscriptionId,
          success: false,
          diffsFetched: 0,
          diffsProcessed: 0,
          finalSequence: current?.sequence ?? sub.sequence,
          resynced: false,
          error: (err as Error).message,
        };
      }
    });
  }

  /** Syncs every outbound subscription to `peerId` (a subscriber that was down catches up). */
  async syncPeer(actor: ActorHandle, peerId: string): Promise<PeerSyncResult> {
    const subs = await this.subscriptions.list(actor.id, { outbound: true, peerId });
    const results: SubscriptionSyncResult[] = [];
    for (const sub of subs) results.push(await this.syncSubscription(actor, peerId, sub.subscriptionId));
    return {
      peerId,
      success: results.every((r) => r.success),
      subscriptionsSynced: results.filter((r) => r.success).length,
      totalDiffsProcessed: results.reduce((n, r) => n + r.diffsProcessed, 0),
      results,
    };
  }

  // ---------------------------------------------------------------- processing

  private async process(
    actor: ActorHandle,
    initial: SubscriptionRecord,
    callback: ReceivedCallback,
  ): Promise<void> {
    for (let race = 0; race < MAX_RACES; race++) {
      const sub = await this.subscriptions.get(actor.id, initial.peerId, initial.subscriptionId, true);
      if (!sub) throw new NotFoundError('Subscription not found', 'subscription_not_found');
      const trust = await this.requireTrust(actor.id, sub.peerId);
      switch (decideCallback(sub.sequence, callback.sequence, callback.type)) {
        case 'duplicate':
          return;
        case 'gap':
          await this.catchUp(actor, sub, trust);
          return;
        case 'resync': {
          const state = await this.fetchState(sub, trust);
          if (!(await this.claim(sub, callback.sequence))) continue;
          await this.runHooks(actor, sub, trust, callback.sequence, state, 'resync');
          await this.clearAtPublisher(actor, sub, trust, callback.sequence);
          return;
        }
        case 'next': {
          const low = !callback.hasData;
          let data = callback.data;
          if (low) {
            const fetched = await this.fetchDiff(actor, sub, trust, callback.sequence);
            if (fetched === undefined) {
              // Cleared or never stored: the poll tells what is really pending.
              await this.catchUp(actor, sub, trust);
              return;
            }
            data = fetched;
          }
          if (!(await this.claim(sub, callback.sequence))) continue;
          await this.runHooks(actor, sub, trust, callback.sequence, data, 'diff');
          if (low) await this.clearAtPublisher(actor, sub, trust, callback.sequence);
          return;
        }
      }
    }
    throw new ServiceUnavailableError(
      'Subscription is being processed elsewhere; retry',
      'sequence_contended',
    );
  }

  /**
   * Polls the publisher (`GET <pub>/subscriptions/<me>/<subid>`), processes the
   * pending diffs in order (or resyncs when some are gone), then clears them
   * there with `PUT {"sequence": N}`.
   */
  private async catchUp(
    actor: ActorHandle,
    initial: SubscriptionRecord,
    knownTrust?: TrustRecord,
  ): Promise<SubscriptionSyncResult> {
    const trust = knownTrust ?? (await this.requireTrust(actor.id, initial.peerId));
    const answer = await this.peerCall(() =>
      this.proxy.getResource<{ sequence?: unknown; data?: unknown }>(
        target(trust),
        `subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(initial.subscriptionId)}`,
      ),
    );
    if (answer.status !== 200 || !isPlainObject(answer.data))
      throw new PeerBadGatewayError(`Publisher answered ${answer.status} to the poll`, 'poll_failed');
    const diffs = parsePolledDiffs(answer.data.data);

    let sub = initial;
    let processed = 0;
    let resynced = false;
    for (let race = 0; race < MAX_RACES; race++) {
      const current = await this.subscriptions.get(actor.id, initial.peerId, initial.subscriptionId, true);
      if (!current) throw new NotFoundError('Subscription not found', 'subscription_not_found');
      sub = current;
      const plan = planCatchUp(sub.sequence, answer.data.sequence, diffs);
      if (plan.sequence === sub.sequence) break;
      if (plan.resync) {
        const state = await this.fetchState(sub, trust);
        if (!(await this.claim(sub, plan.sequence))) continue;
        await this.runHooks(actor, sub, trust, plan.sequence, state, 'resync');
        processed++;
        resynced = true;
        sub = { ...sub, sequence: plan.sequence };
        break;
      }
      let lost = false;
      for (const diff of plan.apply) {
        if (!(await this.claim(sub, diff.sequence))) {
          lost = true;
          break;
        }
        await this.runHooks(actor, sub, trust, diff.sequence, diff.data, 'diff');
        processed++;
        sub = { ...sub, sequence: diff.sequence };
      }
      if (!lost) break;
    }
    if (sub.sequence > 0) await this.clearAtPublisher(actor, sub, trust, sub.sequence);
    return {
      subscriptionId: sub.subscriptionId,
      success: true,
      diffsFetched: diffs.length,
      diffsProcessed: processed,
      finalSequence: sub.sequence,
      resynced,
    };
  }

  /** Records `sequence` as processed if nobody else advanced the subscription meanwhile. */
  private claim(sub: SubscriptionRecord, sequence: number): Promise<boolean> {
    return this.subscriptions.advanceProcessed(
      sub.actorId,
      sub.peerId,
      sub.subscriptionId,
      sub.sequence,
      sequence,
    );
  }

  /** `@SubscriptionHook`s for the target (then `*`), then the `subscription` `@CallbackHook`s. */
  private async runHooks(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    sequence: number,
    data: unknown,
    type: 'diff' | 'resync',
  ): Promise<void> {
    await this.hooks.runSubscription({
      actor,
      peerId: sub.peerId,
      subscriptionId: sub.subscriptionId,
      target: sub.target,
      subtarget: sub.subtarget || null,
      resource: sub.resource || null,
      sequence,
      data,
      type,
    });
    await this.runCallbackHooks(actor, sub, trust, { data, sequence, type });
  }

  /** The `subscription` `@CallbackHook`s: `{peerid, subscription, data, sequence?, type}`. */
  private async runCallbackHooks(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    payload: { data: unknown; sequence?: number; type: 'diff' | 'resync' | 'opaque' },
  ): Promise<void> {
    const caller: Caller = {
      kind: 'peer',
      peerId: trust.peerId,
      relationship: trust.relationship,
      approved: trust.approved,
    };
    await this.hooks.runCallback({
      actor,
      name: 'subscription',
      data: {
        peerid: sub.peerId,
        subscription: {
          subscriptionid: sub.subscriptionId,
          target: sub.target,
          subtarget: sub.subtarget,
          resource: sub.resource,
          granularity: sub.granularity,
        },
        ...payload,
      },
      caller,
      httpMethod: 'POST',
    });
  }

  /** The stored diff behind a low-granularity callback; undefined when the publisher no longer has it. */
  private async fetchDiff(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    sequence: number,
  ): Promise<unknown> {
    // Built from the trust, never from the callback's `url`: our secret only goes to the peer's own root.
    const answer = await this.peerCall(() =>
      this.proxy.getResource<{ data?: unknown }>(
        target(trust),
        `subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(sub.subscriptionId)}/${sequence}`,
      ),
    );
    if (answer.status === 404) return undefined;
    if (answer.status !== 200 || !isPlainObject(answer.data) || !Object.hasOwn(answer.data, 'data'))
      throw new PeerBadGatewayError(
        `Publisher answered ${answer.status} for diff ${sequence}`,
        'fetch_failed',
      );
    return answer.data.data;
  }

  /** The publisher's current state of what the subscription covers (resync). */
  private async fetchState(sub: SubscriptionRecord, trust: TrustRecord): Promise<unknown> {
    const path = [sub.target, sub.subtarget, sub.resource]
      .filter((s) => s.length > 0)
      .map((s) => s.split('/').map(encodeURIComponent).join('/'))
      .join('/');
    const answer = await this.peerCall(() => this.proxy.getResource(target(trust), path));
    if (answer.status === 404) return '';
    if (answer.status !== 200)
      throw new PeerBadGatewayError(`Publisher answered ${answer.status} for ${path}`, 'resync_failed');
    return answer.data;
  }

  /** `PUT <pub>/subscriptions/<me>/<subid> {"sequence": N}`; a failure only leaves diffs for a later poll. */
  private async clearAtPublisher(
    actor: ActorHandle,
    sub: SubscriptionRecord,
    trust: TrustRecord,
    sequence: number,
  ): Promise<void> {
    try {
      const answer = await this.proxy.changeResource(
        target(trust),
        `subscriptions/${encodeURIComponent(actor.id)}/${encodeURIComponent(sub.subscriptionId)}`,
        { sequence },
      );
      if (answer.status >= 300)
        this.logger.warn(`${logPrefix()}Publisher ${sub.peerId} answered ${answer.status} to clearing diffs`);
    } catch (err) {
      this.logger.warn(`${logPrefix()}Could not clear diffs at ${sub.peerId}: ${(err as Error).message}`);
    }
  }

  /** Peer calls made while processing a callback: any transport failure becomes 503 (the publisher keeps the diff). */
  private async peerCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ActingWebError)
        throw new ServiceUnavailableError(err.message, 'publisher_unreachable');
      throw err;
    }
  }

  private async requireTrust(actorId: string, peerId: string): Promise<TrustRecord> {
    const trust = await this.trusts.get(actorId, peerId);
    if (!trust) throw new NotFoundError('No trust with the publisher', 'trust_not_found');
    return trust;
  }

  /** One subscription's callbacks and syncs run one after another (in this instance). */
  private serialized<T>(sub: SubscriptionRecord, task: () => Promise<T>): Promise<T> {
    const key = `${sub.actorId}/${sub.peerId}/${sub.subscriptionId}`;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(key, tail);
    void tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }
}

function target(trust: TrustRecord): PeerTarget {
  return { baseuri: trust.baseuri, secret: trust.secret };
}

/** What makes a body a subscription callback (§7.9); a body with none of them is passed on as it is. */
const CALLBACK_FIELDS = ['sequence', 'data', 'url', 'type'] as const;

function isOpaque(body: unknown): body is Record<string, unknown> {
  return isPlainObject(body) && CALLBACK_FIELDS.every((field) => !Object.hasOwn(body, field));
}

/** The callback body: `sequence` (positive integer), `type`, and `data` (high) or `url` (low/resync). */
export function parseCallback(body: unknown): ReceivedCallback {
  if (!isPlainObject(body)) throw new BadRequestError('Callback body must be a JSON object', 'invalid_body');
  const raw = body.sequence;
  const sequence = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1)
    throw new BadRequestError('Callback needs a positive integer "sequence"', 'invalid_sequence');
  const type = body.type === undefined || body.type === null || body.type === 'diff' ? 'diff' : body.type;
  if (type !== 'diff' && type !== 'resync')
    throw new BadRequestError('Callback "type" must be "diff" or "resync"', 'invalid_type');
  return {
    sequence,
    type,
    data: body.data,
    hasData: Object.hasOwn(body, 'data') && body.data !== undefined,
    granularity: typeof body.granularity === 'string' ? body.granularity : undefined,
  };
}

function parsePolledDiffs(raw: unknown): PolledDiff[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(isPlainObject)
    .map((d) => ({
      sequence: typeof d.sequence === 'number' ? d.sequence : Number(d.sequence),
      timestamp: typeof d.timestamp === 'string' ? d.timestamp : undefined,
      data: d.data,
    }))
    .filter((d) => Number.isSafeInteger(d.sequence));
}

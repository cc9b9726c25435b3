import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { SubscriptionRepository, type SubscriptionRecord } from '../../storage/subscription.repository.js';
import { TrustRepository, type TrustRecord } from '../../storage/trust.repository.js';
import { requireTrust } from '../../trust/require-trust.js';
import { planCatchUp } from './callback-sequencing.js';
import { PublisherClient } from './publisher-client.service.js';
import { SubscriberHooks } from './subscriber-hooks.service.js';

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

/** Outcome of {@link SubscriptionSync.syncPeer}. @publicApi */
export interface PeerSyncResult {
  peerId: string;
  success: boolean;
  subscriptionsSynced: number;
  totalDiffsProcessed: number;
  results: SubscriptionSyncResult[];
}

/** How many times a decision is retried when another receiver (instance) advanced the sequence first. */
export const MAX_RACES = 5;

/**
 * Sequencing state of outbound subscriptions, and pull sync: the publisher is
 * polled and what is pending is processed in order (a subscriber that was
 * down catches up; a callback that shows a gap triggers the same).
 *
 * The state is the outbound subscription row (`sequence` = last processed),
 * advanced with compare-and-set ({@link claim}), so several instances sharing
 * the database never process one diff twice. Within an instance, one
 * subscription's callbacks and syncs run one at a time ({@link inOrder}).
 */
@Injectable()
export class SubscriptionSync {
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(PublisherClient) private readonly publisher: PublisherClient,
    @Inject(SubscriberHooks) private readonly hooks: SubscriberHooks,
  ) {}

  /** Pulls and processes everything pending on one outbound subscription. */
  async syncSubscription(
    actor: ActorHandle,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionSyncResult> {
    const sub = await this.requireOutbound(actor.id, peerId, subscriptionId);
    return this.inOrder(sub, async () => {
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

  /** Syncs every outbound subscription to `peerId`. */
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

  /**
   * Polls the publisher, processes the pending diffs in order (or resyncs
   * when some are gone), then clears them there with `PUT {"sequence": N}`.
   */
  async catchUp(
    actor: ActorHandle,
    initial: SubscriptionRecord,
    knownTrust?: TrustRecord,
  ): Promise<SubscriptionSyncResult> {
    const trust = knownTrust ?? (await requireTrust(this.trusts, actor.id, initial.peerId));
    const polled = await this.publisher.poll(initial, trust);

    let sub = initial;
    let processed = 0;
    let resynced = false;
    for (let race = 0; race < MAX_RACES; race++) {
      sub = await this.requireOutbound(actor.id, initial.peerId, initial.subscriptionId);
      const plan = planCatchUp(sub.sequence, polled.sequence, polled.diffs);
      if (plan.sequence === sub.sequence) break;
      if (plan.resync) {
        const state = await this.publisher.state(sub, trust);
        if (!(await this.claim(sub, plan.sequence))) continue;
        await this.hooks.diff(actor, sub, trust, plan.sequence, state, 'resync');
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
        await this.hooks.diff(actor, sub, trust, diff.sequence, diff.data, 'diff');
        processed++;
        sub = { ...sub, sequence: diff.sequence };
      }
      if (!lost) break;
    }
    if (sub.sequence > 0) await this.publisher.clear(sub, trust, sub.sequence);
    return {
      subscriptionId: sub.subscriptionId,
      success: true,
      diffsFetched: polled.diffs.length,
      diffsProcessed: processed,
      finalSequence: sub.sequence,
      resynced,
    };
  }

  /** Records `sequence` as processed if nobody else advanced the subscription meanwhile. */
  claim(sub: SubscriptionRecord, sequence: number): Promise<boolean> {
    return this.subscriptions.advanceProcessed(
      sub.actorId,
      sub.peerId,
      sub.subscriptionId,
      sub.sequence,
      sequence,
    );
  }

  /** One subscription's callbacks and syncs run one after another (in this instance). */
  inOrder<T>(sub: SubscriptionRecord, task: () => Promise<T>): Promise<T> {
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

  /** The outbound subscription as stored now; 404 when it is gone. */
  async requireOutbound(
    actorId: string,
    peerId: string,
    subscriptionId: string,
  ): Promise<SubscriptionRecord> {
    const sub = await this.subscriptions.get(actorId, peerId, subscriptionId, true);
    if (!sub) throw new NotFoundError('Subscription not found', 'subscription_not_found');
    return sub;
  }
}

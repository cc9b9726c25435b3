import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KeyedTaskQueue } from '../../common/keyed-task-queue.js';
import { AwConfig } from '../../config/aw-config.js';
import { PeerAgents } from '../../peers/peer-http.js';
import { SubscriptionRepository, type DiffKey } from '../../storage/subscription.repository.js';
import { encodeCallbackBody } from './callback-encoding.js';
import type { DeliveryFeed } from './delivery-feed.js';
import { postCallback } from '../../peers/callback-http.js';

/** One callback to send (publisher side, ActingWeb spec "Getting Subscription Updates"). */
export interface Delivery {
  readonly actorId: string;
  readonly peerId: string;
  readonly subscriptionId: string;
  readonly target: string;
  readonly subtarget: string;
  readonly resource: string;
  readonly granularity: 'high' | 'low';
  readonly sequence: number;
  readonly timestamp: string;
  /** `diff`: `data` (high) or a URL to the stored diff (low). `resync`: a URL to the current state. */
  readonly type: 'diff' | 'resync';
  readonly data?: unknown;
  /** JSON size of `data` in bytes, when the caller already knows it. */
  readonly dataBytes?: number;
  /** `data` as JSON text, when the caller has it: one diff sent to many subscribers is serialised once. */
  readonly dataJson?: string;
  /** The subscriber's root URL and our trust secret with it. */
  readonly baseuri: string;
  readonly secret: string;
  /** The subscriber's `accept_encoding` (tag `callbackcompression`), as stored. */
  readonly acceptEncoding?: readonly string[] | null;
}

/** Counters since start (tests, benchmarks, diagnostics). @publicApi */
export interface DeliveryStats {
  /** Callbacks answered 2xx. */
  delivered: number;
  /** Attempts that failed (non-2xx, timeout, unreachable), retries included. */
  failed: number;
  /** Callbacks that ended without a 2xx: failed (and retries used up), breaker open, paused by 429/503, queue full, or shutting down. Their diffs stay pollable. */
  undelivered: number;
  /** Callbacks waiting or in flight now. */
  pending: number;
  /** Callbacks not sent because their subscriber's circuit breaker was open (also counted in `undelivered`). */
  breakerOpen: number;
  /** Subscribers (by root URL) whose breaker is not closed now: open, or waiting for its probe to succeed. */
  openBreakers: number;
}

interface PeerState {
  consecutiveFailures: number;
  /** Breaker open until (epoch ms); 0 = closed. */
  openUntil: number;
  /** After the cool-down one probe goes out; others are skipped until it answers. */
  probing: boolean;
  /** 503 back-off: callbacks to this peer paused until (epoch ms). */
  pausedUntil: number;
  consecutive503: number;
}

type Outcome = 'delivered' | 'undelivered';

/**
 * Waiting callbacks per subscription beyond which new ones are not queued: a
 * subscriber that far behind catches up faster by polling (the next callback
 * it gets shows the gap), and memory stays bounded under write bursts.
 */
const MAX_QUEUED_PER_SUBSCRIPTION = 100;
/**
 * How long acknowledged diffs wait to be cleared together: a fan-out's
 * acknowledgements arrive a few at a time, and each clearing costs about as
 * much for one diff as for a few hundred.
 */
const CLEAR_BATCH_DELAY_MS = 25;
/** Longest pause a peer can ask for with Retry-After. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Sends subscription callbacks after the write that caused them committed:
 * concurrently across subscriptions (at most `subscriptions.maxConcurrentCallbacks`
 * in flight), in sequence order within one subscription, never blocking or
 * failing the write. At most once by default; optional retries with back-off
 * honour 429/503 `Retry-After`. A per-peer circuit breaker stops calling a peer
 * after repeated failures, then probes it once after the cool-down. A 2xx to a
 * high-granularity callback clears that diff; low-granularity diffs stay
 * until the subscriber fetched and cleared them. On PostgreSQL the callbacks
 * come claimed from the database (CallbackOutbox); on SQLite a restart loses
 * the queued ones (their diffs stay, the subscriber polls).
 */
@Injectable()
export class CallbackDelivery implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('CallbackDelivery');
  /** Per subscription in order, at most `maxConcurrentCallbacks` in flight overall. */
  private readonly queue: KeyedTaskQueue<Delivery>;
  private readonly pausedSubscriptions = new Map<string, number>();
  private readonly peers = new Map<string, PeerState>();
  private readonly sleepers = new Set<() => void>();
  private clearQueue: DiffKey[] = [];
  private clearFlush: Promise<void> | null = null;
  private closing = false;
  private drained: Promise<void> = Promise.resolve();
  private readonly counters = { delivered: 0, failed: 0, undelivered: 0, breakerOpen: 0 };
  /** Set by CallbackOutbox (PostgreSQL): where claimed callbacks come from; hears when each settled. */
  feed?: DeliveryFeed;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(PeerAgents) private readonly agents: PeerAgents,
  ) {
    this.queue = new KeyedTaskQueue<Delivery>(
      config.subscriptions.maxConcurrentCallbacks,
      async (delivery) => {
        this.counters[await this.deliver(delivery).finally(() => this.feed?.settled(delivery))]++;
      },
      (err) => {
        this.counters.undelivered++;
        this.logger.error(`Callback delivery crashed: ${String(err)}`);
      },
    );
  }

  /** Queues callbacks (returns at once), in order per subscription; `skipped` were given up unsent. */
  enqueue(deliveries: readonly Delivery[], skipped = 0): void {
    this.counters.undelivered += skipped;
    for (const delivery of deliveries) {
      const key = subscriptionKey(delivery);
      if (this.closing || this.queue.pendingOf(key) >= MAX_QUEUED_PER_SUBSCRIPTION) {
        this.counters.undelivered++;
        continue;
      }
      this.queue.push(key, delivery);
    }
  }

  /** How many more callbacks could go out now. */
  freeSlots(): number {
    return this.closing ? 0 : this.config.subscriptions.maxConcurrentCallbacks - this.queue.pending;
  }

  stats(): DeliveryStats {
    const pending = this.queue.pending;
    let openBreakers = 0;
    for (const peer of this.peers.values()) if (peer.openUntil !== 0) openBreakers++;
    return { ...this.counters, pending, openBreakers };
  }

  /** Resolves when every queued callback has been sent (or given up) and acknowledged diffs are cleared. */
  async whenIdle(): Promise<void> {
    if (this.feed && !this.closing) await this.feed.whenIdle(); // PostgreSQL: nothing left to claim
    while (this.queue.pending > 0 || this.clearQueue.length > 0 || this.clearFlush) {
      await this.queue.whenIdle();
      if (this.clearQueue.length > 0 && !this.clearFlush) this.scheduleClear();
      if (this.clearFlush) await this.clearFlush;
    }
  }

  /** Stops waiting (retries, pauses), lets callbacks in flight finish, and clears what they acknowledged. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.closing) return this.drained;
    this.closing = true;
    for (const wake of this.sleepers) wake();
    const timeout = this.config.subscriptions.callbackTimeoutMs + 1000;
    this.drained = Promise.race([
      this.whenIdle(),
      new Promise<void>((resolve) => setTimeout(resolve, timeout).unref()),
    ]);
    return this.drained;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.beforeApplicationShutdown();
  }

  // ----------------------------------------------------------------- sending

  private async deliver(delivery: Delivery): Promise<Outcome> {
    const { retries } = this.config.subscriptions;
    const key = subscriptionKey(delivery);
    const peer = this.peer(delivery.baseuri);
    const { body: json, clearOn2xx, headers } = this.payload(delivery);
    const body = delivery.acceptEncoding ? await this.encode(json, delivery.acceptEncoding, headers) : json;
    const path = `callbacks/subscriptions/${encodeURIComponent(delivery.actorId)}/${encodeURIComponent(delivery.subscriptionId)}`;

    for (let attempt = 0; ; attempt++) {
      // Paused by back-pressure: with retries we wait it out (keeping order); without, skip (still pollable).
      const subscriptionPause = this.pausedSubscriptions.get(key) ?? 0;
      if (subscriptionPause !== 0 && subscriptionPause <= Date.now()) this.pausedSubscriptions.delete(key);
      const pausedUntil = Math.max(subscriptionPause, peer.pausedUntil);
      if (pausedUntil > Date.now()) {
        if (retries.attempts === 0 || this.closing) return 'undelivered';
        await this.sleep(pausedUntil - Date.now());
        if (this.closing) return 'undelivered';
      }
      if (!this.admit(peer)) {
        this.counters.breakerOpen++;
        return 'undelivered';
      }

      const answer = await postCallback(delivery.baseuri, path, delivery.secret, body, {
        timeoutMs: this.config.subscriptions.callbackTimeoutMs,
        agents: this.agents,
        headers,
      });
      const status = answer.status;
      if (status >= 200 && status < 300) {
        this.succeeded(peer);
        if (clearOn2xx) this.clear(delivery);
        return 'delivered';
      }

      const retryAfter = parseRetryAfter(answer.retryAfter);
      if (status === 429) {
        // Back-pressure on this subscription: not a peer failure.
        this.pausedSubscriptions.set(key, Date.now() + (retryAfter ?? retries.baseDelayMs));
        peer.probing = false;
      } else if (status === 503) {
        peer.consecutive503++;
        peer.pausedUntil = Date.now() + (retryAfter ?? this.backoff(peer.consecutive503 - 1));
        this.failedAttempt(peer, delivery.baseuri);
      } else if (status === 0 || status === 408 || status >= 500) {
        this.failedAttempt(peer, delivery.baseuri);
      } else {
        // The subscriber answered, but not 2xx (400, 404, ...): no use retrying; the peer itself is fine.
        peer.probing = false;
        this.counters.failed++;
        return 'undelivered';
      }
      this.counters.failed++;
      if (attempt >= retries.attempts || this.closing) return 'undelivered';
      if (status !== 429 && status !== 503) await this.sleep(this.backoff(attempt));
    }
  }

  /** The callback body: high carries the diff, low (or oversized high) a URL to fetch it. */
  private payload(delivery: Delivery): {
    body: string;
    clearOn2xx: boolean;
    headers: Record<string, string>;
  } {
    const body: Record<string, unknown> = {
      id: delivery.actorId,
      subscriptionid: delivery.subscriptionId,
      target: delivery.target,
    };
    if (delivery.subtarget) body.subtarget = delivery.subtarget;
    if (delivery.resource) body.resource = delivery.resource;
    body.sequence = delivery.sequence;
    body.timestamp = delivery.timestamp;
    body.granularity = delivery.granularity;
    body.type = delivery.type;
    const actorUrl = this.config.actorUrl(delivery.actorId);
    if (delivery.type === 'resync') {
      body.url = [actorUrl, delivery.target, delivery.subtarget, delivery.resource]
        .filter((s) => s.length > 0)
        .join('/');
      return { body: JSON.stringify(body), clearOn2xx: false, headers: {} };
    }
    const diffUrl = `${actorUrl}/subscriptions/${delivery.peerId}/${delivery.subscriptionId}/${delivery.sequence}`;
    if (delivery.granularity === 'low') {
      body.url = diffUrl;
      return { body: JSON.stringify(body), clearOn2xx: false, headers: {} };
    }
    const bytes = delivery.dataBytes ?? Buffer.byteLength(JSON.stringify(delivery.data ?? null), 'utf8');
    if (bytes + 1024 > this.config.subscriptions.maxCallbackBytes) {
      // Too large for one callback ("Callback Payload Limits"): a one-off low-granularity callback.
      body.granularity = 'low';
      body.url = diffUrl;
      return {
        body: JSON.stringify(body),
        clearOn2xx: false,
        headers: { 'x-actingweb-granularity-downgraded': 'true' },
      };
    }
    if (delivery.dataJson === undefined) {
      body.data = delivery.data;
      return { body: JSON.stringify(body), clearOn2xx: true, headers: {} };
    }
    const head = JSON.stringify(body);
    return { body: `${head.slice(0, -1)},"data":${delivery.dataJson}}`, clearOn2xx: true, headers: {} };
  }

  /** Compressed for the subscriber when it asked for it, sets `Content-Encoding`; plain on any failure. */
  private async encode(
    json: string,
    acceptEncoding: readonly string[],
    headers: Record<string, string>,
  ): Promise<string | Buffer> {
    const encoded = await encodeCallbackBody(json, acceptEncoding);
    if (encoded.error !== undefined)
      this.logger.warn(`Compressing a callback failed, sending it uncompressed: ${String(encoded.error)}`);
    if (encoded.encoding) headers['content-encoding'] = encoded.encoding;
    return encoded.body;
  }

  // ----------------------------------------------------------------- breaker

  private peer(baseuri: string): PeerState {
    let state = this.peers.get(baseuri);
    if (!state) {
      state = { consecutiveFailures: 0, openUntil: 0, probing: false, pausedUntil: 0, consecutive503: 0 };
      this.peers.set(baseuri, state);
    }
    return state;
  }

  /** Closed: go. Open: skip until the cool-down ends, then let exactly one probe through. */
  private admit(peer: PeerState): boolean {
    if (peer.openUntil === 0) return true;
    if (Date.now() < peer.openUntil || peer.probing) return false;
    peer.probing = true;
    return true;
  }

  private succeeded(peer: PeerState): void {
    peer.consecutiveFailures = 0;
    peer.consecutive503 = 0;
    peer.openUntil = 0;
    peer.probing = false;
    peer.pausedUntil = 0;
  }

  private failedAttempt(peer: PeerState, baseuri: string): void {
    const { threshold, cooldownMs } = this.config.subscriptions.breaker;
    peer.consecutiveFailures++;
    if (peer.probing || peer.consecutiveFailures >= threshold) {
      if (peer.openUntil === 0 || peer.probing)
        this.logger.warn(`Callbacks to ${baseuri} paused for ${cooldownMs} ms after repeated failures`);
      peer.openUntil = Date.now() + cooldownMs;
      peer.probing = false;
    }
  }

  private backoff(attempt: number): number {
    const { baseDelayMs } = this.config.subscriptions.retries;
    return Math.min(baseDelayMs * 2 ** attempt, this.config.subscriptions.breaker.cooldownMs);
  }

  // ----------------------------------------------------------------- clearing

  /** A 2xx clears that diff; clears are batched into few statements. */
  private clear(delivery: Delivery): void {
    this.clearQueue.push({
      actorId: delivery.actorId,
      peerId: delivery.peerId,
      subscriptionId: delivery.subscriptionId,
      sequence: delivery.sequence,
    });
    if (!this.clearFlush) this.scheduleClear(CLEAR_BATCH_DELAY_MS);
  }

  /** Clears what was acknowledged so far after `delayMs` (0 when closing); then again while more comes in. */
  private scheduleClear(delayMs = 0): void {
    this.clearFlush = new Promise<void>((resolve) => setTimeout(resolve, this.closing ? 0 : delayMs))
      .then(async () => {
        const batch = this.clearQueue;
        this.clearQueue = [];
        await this.subscriptions.deleteDiffs(batch);
      })
      .catch((err: unknown) => this.logger.warn(`Clearing acknowledged diffs failed: ${String(err)}`))
      .finally(() => {
        this.clearFlush = null;
        if (this.clearQueue.length > 0) this.scheduleClear(CLEAR_BATCH_DELAY_MS);
      });
  }

  private sleep(ms: number): Promise<void> {
    if (this.closing || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(ms, MAX_RETRY_AFTER_MS));
      this.sleepers.add(wake);
    });
  }
}

function subscriptionKey(d: { actorId: string; peerId: string; subscriptionId: string }): string {
  return `${d.actorId}/${d.peerId}/${d.subscriptionId}`;
}

/** `Retry-After`: seconds or an HTTP date → ms (capped); undefined when absent or unusable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Transaction } from 'kysely';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import {
  CallbackOutboxStore,
  type ClaimKey,
  type ClaimState,
  type WorkChange,
  type WorkResync,
  type WorkRow,
} from '../../storage/callback-outbox.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import type { DeliveryFeed } from './delivery-feed.js';
import { resyncDelivery, selectCallbacks, type StoredChange } from './callback-selection.js';
import { CallbackWorkListener } from './callback-work-listener.js';
import { subscriptionKey, WaitingCallbacks, type Offer } from './waiting-callbacks.js';

/** Writes read per look at the table; callbacks kept in memory before reading more. */
const WORK_ROWS = 64;
const CACHED_CALLBACKS = 20_000;
/** Callbacks offered per claim beyond the free send slots (some are taken or done elsewhere), and at most. */
const EXTRA_OFFERED = 64;
const MAX_OFFERED = 2000;
/** Waiting callbacks per subscription beyond which the older ones are skipped (as in CallbackDelivery). */
const MAX_QUEUED_PER_SUBSCRIPTION = 100;
/** At most one NOTIFY per this many ms from one instance. */
const NOTIFY_EVERY_MS = 50;

/**
 * PostgreSQL: callbacks go through the database, so every instance on it
 * shares the sending and one that dies leaves nothing unsent but what it had
 * in flight. A write records its group changes in `callback_work` (its own
 * transaction); the instance that wrote it already knows the callbacks, others
 * work them out from the row. Before sending, an instance claims each
 * subscription's next callback in the database (`FOR UPDATE SKIP LOCKED`, a
 * lease), only as many as it has free send slots; see CallbackOutboxStore.
 * Sending, retries and the breaker stay in {@link CallbackDelivery}.
 */
@Injectable()
export class CallbackOutbox implements OnModuleInit, BeforeApplicationShutdown, DeliveryFeed {
  private readonly logger = new Logger('CallbackOutbox');
  private readonly store?: CallbackOutboxStore;
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private readonly listener?: CallbackWorkListener;
  /** Callbacks of the writes known here, not yet claimed or found done. */
  private readonly waiting = new WaitingCallbacks();
  /** Claimed here and not yet settled, by subscription. */
  private readonly sending = new Map<string, Delivery>();
  /** Settled here; their leases end with the next claim. */
  private settledQueue: Delivery[] = [];
  private running: Promise<void> | null = null;
  private again = false;
  /** Look at `callback_work` on the next round (polling, NOTIFY, a write here, idle wait). */
  private stale = true;
  /** The last look left writes unread (too many waiting). */
  private more = false;
  private closing = false;
  private notifying = false;
  private notifyTimer?: NodeJS.Timeout;
  private lastNotify = 0;
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private options = { leaseMs: 0, pollMs: 0 };

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
  ) {
    const storage = config.storage;
    if (storage.type !== 'postgres' || config.callbackOutbox === null) return;
    this.options = config.callbackOutbox;
    this.store = new CallbackOutboxStore(database);
    this.listener = new CallbackWorkListener(storage, this.owner, () => this.poke());
  }

  /** True on PostgreSQL unless `subscriptions.outbox` is false: writes record their callbacks with {@link record}. */
  get enabled(): boolean {
    return this.store !== undefined;
  }

  onModuleInit(): void {
    if (!this.store) return;
    this.delivery.feed = this;
    const { leaseMs, pollMs } = this.options;
    this.pollTimer = setInterval(() => {
      void this.listener?.ensure();
      this.poke();
    }, pollMs).unref();
    this.renewTimer = setInterval(
      () => {
        if (this.sending.size === 0) return;
        this.store!.renew(this.owner, leaseMs).catch((err: unknown) =>
          this.logger.warn(`Renewing callback leases failed: ${String(err)}`),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    ).unref();
    void this.listener?.ensure();
  }

  /** In the write's transaction: records its stored changes; returns the record's id. */
  record(tx: Transaction<AwDatabase>, actorId: string, changes: readonly WorkChange[]): Promise<number> {
    return this.store!.add(tx, actorId, changes);
  }

  /** In a resume's transaction: records its resync callbacks; returns the record's id. */
  recordResync(tx: Transaction<AwDatabase>, actorId: string, resync: WorkResync): Promise<number> {
    return this.store!.addResync(tx, actorId, resync);
  }

  /** After the write committed: its callbacks, as the writer worked them out, go out from here first. */
  adopt(workId: number, deliveries: readonly Delivery[]): void {
    this.waiting.add(workId, deliveries);
    this.poke(); // offered once read back with every older write (WaitingCallbacks)
    this.notifyOthers();
  }

  settled(delivery: Delivery): void {
    this.sending.delete(subscriptionKey(delivery));
    this.settledQueue.push(delivery);
    this.kick();
  }

  async whenIdle(): Promise<void> {
    while (!this.closing) {
      if (this.running) await this.running;
      const local = this.sending.size + this.settledQueue.length + this.waiting.size;
      if (local === 0 && !(await this.store!.pending())) return;
      this.poke();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops claiming; callbacks in flight finish (CallbackDelivery drains them), then their leases end. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.store || this.closing) return;
    this.closing = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.notifyTimer);
    await this.listener?.close();
    await this.running?.catch(() => undefined);
    await this.delivery.beforeApplicationShutdown();
    // Leases renewed until the callbacks in flight have finished, then ended.
    clearInterval(this.renewTimer);
    try {
      while (this.settledQueue.length > 0) await this.claim([], 0);
    } catch (err) {
      this.logger.warn(`Ending callback leases failed: ${String(err)}`);
    }
  }

  // ----------------------------------------------------------------- claiming

  /** Something new may be in the table. */
  private poke(): void {
    this.stale = true;
    this.kick();
  }

  private kick(): void {
    if (this.closing) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round()
      .catch((err: unknown) => this.logger.warn(`Claiming callbacks failed: ${String(err)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async round(): Promise<void> {
    const free = this.delivery.freeSlots();
    if (free > 0 && this.stale) {
      this.stale = false;
      await this.load();
    }
    const offers =
      free > 0
        ? this.waiting.offer(
            Math.min(free + EXTRA_OFFERED, MAX_OFFERED),
            (key) => this.sending.has(key),
            MAX_QUEUED_PER_SUBSCRIPTION,
          )
        : [];
    if (offers.length > 0 || this.settledQueue.length > 0) await this.claim(offers, Math.max(0, free));
    const finished = this.waiting.takeFinished();
    if (finished.length > 0) await this.store!.finish(finished);
    // Read further writes along with the next round, if there is one (not while nothing moves).
    if (this.more && this.again && this.waiting.size < CACHED_CALLBACKS / 2) this.stale = true;
  }

  /** Ends the leases of what settled and claims from `offers`; hands the claimed callbacks to CallbackDelivery. */
  private async claim(offers: readonly Offer[], free: number): Promise<void> {
    const released = this.settledQueue.splice(0, MAX_OFFERED);
    const keys = offers.map(({ next: { delivery: d } }) => ({
      actorId: d.actorId,
      peerId: d.peerId,
      subscriptionId: d.subscriptionId,
      sequence: d.sequence,
    }));
    let states: Map<ClaimKey, ClaimState>;
    try {
      states = await this.store!.claim(keys, free, this.owner, this.options.leaseMs, released);
    } catch (err) {
      this.settledQueue.unshift(...released);
      throw err;
    }
    const fresh: ClaimKey[] = [];
    const claimed: Delivery[] = [];
    let skipped = 0;
    offers.forEach(({ next, older }, i) => {
      const state = states.get(keys[i]);
      if (state === 'new') fresh.push(keys[i]);
      if (state !== 'claimed' && state !== 'done') return;
      for (const w of [...older, next]) this.waiting.remove(w);
      if (state !== 'claimed') return;
      skipped += older.length;
      this.sending.set(subscriptionKey(next.delivery), next.delivery);
      claimed.push(next.delivery);
    });
    if (fresh.length > 0) await this.store!.addCursors(fresh);
    if (claimed.length > 0) this.delivery.enqueue(claimed, skipped);
    if (fresh.length > 0 || claimed.length > 0 || this.settledQueue.length > 0) this.again = true;
  }

  /**
   * Reads the oldest writes with callbacks left; works out the callbacks of
   * those not known here; verifies those read with every older one.
   */
  private async load(): Promise<void> {
    const known = this.waiting.workIds();
    const ids = await this.store!.outstanding(WORK_ROWS);
    const present = new Set(ids);
    const last = ids.length === WORK_ROWS ? ids[ids.length - 1] : Infinity;
    // Gone from the table: every callback of it was claimed (by any instance).
    for (const id of known) if (!present.has(id) && id <= last) this.waiting.drop(id);
    let cached = this.waiting.size;
    const unknown: number[] = [];
    let through = 0;
    for (const id of ids) {
      if (!this.waiting.has(id)) {
        if (cached >= CACHED_CALLBACKS && unknown.length > 0) break;
        unknown.push(id);
        cached += WORK_ROWS; // a guess until expanded
      }
      through = id;
    }
    const rows = await this.store!.work(unknown);
    if (rows.length > 0)
      for (const [id, deliveries] of await this.expand(rows)) this.waiting.add(id, deliveries, true);
    // Read after the table, but a row gone meanwhile was claimed in full: verified either way.
    for (const id of ids) if (id <= through) this.waiting.verify(id);
    this.more = ids.length === WORK_ROWS || through !== ids[ids.length - 1];
  }

  private async expand(rows: readonly WorkRow[]): Promise<Map<number, Delivery[]>> {
    const refs = rows.flatMap((r) => r.changes.map(([groupId, sequence]) => ({ groupId, sequence })));
    const data = await this.store!.changeData(refs);
    const groups = [...new Set(refs.map((r) => r.groupId))];
    const members = await this.subscriptions.callbackMembers(this.database.db, groups);
    const out = new Map<number, Delivery[]>();
    for (const row of rows) {
      if (row.resync) {
        out.set(row.id, await this.resyncs(row.actorId, row.resync));
        continue;
      }
      const stored: StoredChange[] = [];
      for (const [groupId, sequence, changes] of row.changes) {
        const change = data.get(`${groupId}/${sequence}`);
        if (change) stored.push({ actorId: row.actorId, groupId, sequence, changes, ...change });
      }
      out.set(row.id, selectCallbacks(stored, members));
    }
    return out;
  }

  /** The resync callbacks a resume recorded, to the subscriptions still there. */
  private async resyncs(actorId: string, resync: WorkResync): Promise<Delivery[]> {
    const subs = await this.subscriptions.inboundWithTrust(actorId, resync.target, this.database.db);
    const byKey = new Map(subs.map((sub) => [`${sub.peerId}/${sub.subscriptionId}`, sub]));
    const out: Delivery[] = [];
    for (const [peerId, subscriptionId, sequence] of resync.callbacks) {
      const sub = byKey.get(`${peerId}/${subscriptionId}`);
      const delivery = sub && resyncDelivery(actorId, sub, sequence, resync.timestamp);
      if (delivery) out.push(delivery);
    }
    return out;
  }

  /** Wakes the other instances: at most one NOTIFY per NOTIFY_EVERY_MS, the last write always covered. */
  private notifyOthers(): void {
    if (this.notifyTimer || this.closing) return;
    const wait = this.notifying ? NOTIFY_EVERY_MS : this.lastNotify + NOTIFY_EVERY_MS - Date.now();
    if (wait > 0) {
      this.notifyTimer = setTimeout(() => {
        this.notifyTimer = undefined;
        this.notifyOthers();
      }, wait);
      this.notifyTimer.unref();
      return;
    }
    this.notifying = true;
    this.lastNotify = Date.now();
    this.store!.notify(this.owner)
      .catch((err: unknown) => this.logger.warn(`NOTIFY failed: ${String(err)}`))
      .finally(() => (this.notifying = false));
  }
}

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
  type WorkChange,
  type WorkRow,
} from '../../storage/callback-outbox.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { SubscriptionRepository } from '../../storage/subscription.repository.js';
import { CallbackDelivery, type Delivery } from './callback-delivery.service.js';
import type { DeliveryFeed } from './delivery-feed.js';
import { selectCallbacks, type StoredChange } from './callback-selection.js';
import { CallbackWorkListener } from './callback-work-listener.js';

/** Writes read per look at the table; callbacks kept in memory before reading more. */
const WORK_ROWS = 64;
const CACHED_CALLBACKS = 20_000;
/** Callbacks offered per claim beyond the free send slots (some are taken or done elsewhere). */
const EXTRA_OFFERED = 64;
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
  /** Callbacks of each known write not yet claimed or found done, by write id. */
  private readonly work = new Map<number, Set<Delivery>>();
  /** Claimed here and not yet settled, by subscription. */
  private readonly sending = new Map<string, Delivery>();
  private settledQueue: Delivery[] = [];
  private releasing: Promise<void> | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** Look at `callback_work` on the next round (polling, NOTIFY, idle wait). */
  private stale = true;
  private closing = false;
  private notifying = false;
  private notifyTimer?: NodeJS.Timeout;
  private lastNotify = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(SubscriptionRepository) private readonly subscriptions: SubscriptionRepository,
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
  ) {
    const storage = config.storage;
    if (storage.type !== 'postgres') return;
    this.store = new CallbackOutboxStore(database);
    this.listener = new CallbackWorkListener(storage, this.owner, () => this.poke());
  }

  /** True on PostgreSQL: writes record their callbacks with {@link record}. */
  get enabled(): boolean {
    return this.store !== undefined;
  }

  onModuleInit(): void {
    if (!this.store) return;
    this.delivery.useFeed(this);
    const { leaseMs, pollMs } = this.config.callbackOutbox;
    const every = (ms: number, fn: () => void) => this.timers.push(setInterval(fn, ms).unref());
    every(pollMs, () => {
      void this.listener?.ensure();
      this.poke();
    });
    every(Math.max(50, Math.floor(leaseMs / 3)), () => {
      if (this.sending.size > 0)
        this.store!.renew(this.owner, leaseMs).catch((err: unknown) =>
          this.logger.warn(`Renewing callback leases failed: ${String(err)}`),
        );
    });
    void this.listener?.ensure();
  }

  /** In the write's transaction: records its stored changes; returns the record's id. */
  record(tx: Transaction<AwDatabase>, actorId: string, changes: readonly WorkChange[]): Promise<number> {
    return this.store!.add(tx, actorId, changes);
  }

  /** After the write committed: its callbacks, as the writer worked them out, go out from here first. */
  adopt(workId: number, deliveries: readonly Delivery[]): void {
    if (!this.work.has(workId)) this.work.set(workId, new Set(deliveries));
    this.kick();
    this.notifyOthers();
  }

  settled(delivery: Delivery): void {
    this.sending.delete(keyOf(delivery));
    this.settledQueue.push(delivery);
    this.releasing ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(async () => {
        while (this.settledQueue.length > 0) {
          const batch = this.settledQueue;
          this.settledQueue = [];
          await this.store!.release(batch, this.owner);
        }
      })
      .catch((err: unknown) => this.logger.warn(`Releasing callback leases failed: ${String(err)}`))
      .finally(() => {
        this.releasing = null;
        this.kick();
      });
  }

  async whenIdle(): Promise<void> {
    while (!this.closing) {
      if (this.running) await this.running;
      if (this.releasing) await this.releasing;
      const local =
        this.sending.size +
        this.settledQueue.length +
        [...this.work.values()].reduce((n, s) => n + s.size, 0);
      if (local === 0 && !(await this.store!.pending())) return;
      this.poke();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Stops claiming; callbacks in flight finish (CallbackDelivery drains them), then their leases end. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.store || this.closing) return;
    this.closing = true;
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.notifyTimer);
    await this.listener?.close();
    await this.running?.catch(() => undefined);
    await this.delivery.beforeApplicationShutdown();
    await this.releasing;
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
    if (free <= 0) return;
    if (this.stale) {
      this.stale = false;
      await this.load();
    }
    const offered = this.offer(free + EXTRA_OFFERED);
    if (offered.length > 0) {
      const states = await this.store!.claim(
        offered.map((o) => o.key),
        free,
        this.owner,
        this.config.callbackOutbox.leaseMs,
      );
      const fresh: ClaimKey[] = [];
      const claimed: Delivery[] = [];
      let skipped = 0;
      for (const { key, delivery, older } of offered) {
        const state = states.get(key);
        if (state === 'new') fresh.push(key);
        if (state !== 'claimed' && state !== 'done') continue;
        for (const d of [...older, delivery]) this.forget(d);
        if (state !== 'claimed') continue;
        skipped += older.length;
        this.sending.set(keyOf(delivery), delivery);
        claimed.push(delivery);
      }
      if (fresh.length > 0) await this.store!.addCursors(fresh);
      if (claimed.length > 0) this.delivery.enqueue(claimed, skipped);
      if (fresh.length > 0 || claimed.length > 0) this.again = true;
    }
    const finished = [...this.work].filter(([, set]) => set.size === 0).map(([id]) => id);
    for (const id of finished) this.work.delete(id);
    await this.store!.finish(finished);
  }

  /**
   * Each subscription's next callback, writes in order, skipping subscriptions
   * with one in flight here; a subscription with more than
   * MAX_QUEUED_PER_SUBSCRIPTION waiting skips to the newest of those.
   */
  private offer(limit: number): Array<{ key: ClaimKey; delivery: Delivery; older: Delivery[] }> {
    const bySubscription = new Map<string, Delivery[]>();
    for (const id of [...this.work.keys()].sort((a, b) => a - b))
      for (const delivery of this.work.get(id)!) {
        const key = keyOf(delivery);
        if (this.sending.has(key)) continue;
        const list = bySubscription.get(key);
        if (list) list.push(delivery);
        else if (bySubscription.size < limit) bySubscription.set(key, [delivery]);
      }
    return [...bySubscription.values()].map((list) => {
      const at = Math.max(0, list.length - MAX_QUEUED_PER_SUBSCRIPTION);
      const delivery = list[at];
      return {
        key: {
          actorId: delivery.actorId,
          peerId: delivery.peerId,
          subscriptionId: delivery.subscriptionId,
          sequence: delivery.sequence,
        },
        delivery,
        older: list.slice(0, at),
      };
    });
  }

  private forget(delivery: Delivery): void {
    for (const set of this.work.values()) if (set.delete(delivery)) return;
  }

  /** Reads the oldest writes with callbacks left; works out the callbacks of those not known here. */
  private async load(): Promise<void> {
    const rows = await this.store!.outstanding(WORK_ROWS);
    const ids = new Set(rows.map((r) => r.id));
    const last = rows.length === WORK_ROWS ? rows[rows.length - 1].id : Infinity;
    for (const id of this.work.keys()) if (!ids.has(id) && id <= last) this.work.delete(id);
    let cached = [...this.work.values()].reduce((n, s) => n + s.size, 0);
    const unknown: WorkRow[] = [];
    for (const row of rows) {
      if (this.work.has(row.id)) continue;
      if (cached >= CACHED_CALLBACKS && unknown.length > 0) break;
      unknown.push(row);
      cached += row.changes.length; // a floor: grows by the members when expanded
    }
    if (unknown.length > 0)
      for (const [id, deliveries] of await this.expand(unknown)) this.work.set(id, new Set(deliveries));
  }

  private async expand(rows: readonly WorkRow[]): Promise<Map<number, Delivery[]>> {
    const refs = rows.flatMap((r) => r.changes.map(([groupId, sequence]) => ({ groupId, sequence })));
    const data = await this.store!.changeData(refs);
    const groups = [...new Set(refs.map((r) => r.groupId))];
    const members = await this.subscriptions.callbackMembers(this.database.db, groups);
    const out = new Map<number, Delivery[]>();
    for (const row of rows) {
      const stored: StoredChange[] = [];
      for (const [groupId, sequence, changes] of row.changes) {
        const change = data.get(`${groupId}/${sequence}`);
        if (change) stored.push({ actorId: row.actorId, groupId, sequence, changes, ...change });
      }
      out.set(row.id, selectCallbacks(stored, members));
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

function keyOf(d: { actorId: string; peerId: string; subscriptionId: string }): string {
  return `${d.actorId}/${d.peerId}/${d.subscriptionId}`;
}

import type { Delivery } from './callback-delivery.service.js';

/** A callback worked out from a write, not yet claimed (or found done) here. */
export interface Waiting {
  readonly delivery: Delivery;
  readonly workId: number;
}

/** The next callback to offer for one subscription, with the older ones it skips. */
export interface Offer {
  readonly next: Waiting;
  readonly older: Waiting[];
}

/**
 * The callbacks an instance knows of and has not claimed, by write and by
 * subscription (in sequence order), so that picking each subscription's next
 * one costs one step per subscription, not per callback.
 *
 * A write's callbacks are offered only once it has been seen in the table
 * together with every older write still there ({@link verify}): an actor's
 * writes commit in order, so by then every earlier callback of the same
 * subscriptions is known here too, and a later one is never claimed first.
 */
export class WaitingCallbacks {
  private readonly byWork = new Map<number, Set<Waiting>>();
  private readonly verified = new Set<number>();
  private readonly bySubscription = new Map<string, Waiting[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(workId: number): boolean {
    return this.byWork.has(workId);
  }

  workIds(): number[] {
    return [...this.byWork.keys()];
  }

  /** The write was read from the table with every older one still there: its callbacks may be offered. */
  verify(workId: number): void {
    if (this.byWork.has(workId)) this.verified.add(workId);
  }

  add(workId: number, deliveries: readonly Delivery[], verified = false): void {
    if (this.byWork.has(workId)) return;
    if (verified) this.verified.add(workId);
    const set = new Set<Waiting>();
    this.byWork.set(workId, set);
    for (const delivery of deliveries) {
      const waiting = { delivery, workId };
      set.add(waiting);
      const key = subscriptionKey(delivery);
      const list = this.bySubscription.get(key);
      if (!list) this.bySubscription.set(key, [waiting]);
      else {
        // Writes usually arrive in order; one adopted before an older one was read goes in its place.
        let at = list.length;
        while (at > 0 && list[at - 1].delivery.sequence > delivery.sequence) at--;
        list.splice(at, 0, waiting);
      }
    }
    this.count += deliveries.length;
  }

  /** Forgets a whole write (all of it claimed elsewhere). */
  drop(workId: number): void {
    for (const waiting of this.byWork.get(workId) ?? []) this.remove(waiting);
    this.byWork.delete(workId);
    this.verified.delete(workId);
  }

  /**
   * Each subscription's next callback, up to `limit` subscriptions, leaving
   * out those `busy` says are and those with no verified write yet. Beyond
   * `maxQueued` waiting for one subscription, the older ones are skipped:
   * the next is the oldest of the newest `maxQueued`, or, while that one's
   * write is not verified (a backlog longer than one read of the table), the
   * newest verified one, so the oldest writes get done and the reading moves on.
   */
  offer(limit: number, busy: (key: string) => boolean, maxQueued: number): Offer[] {
    const offers: Offer[] = [];
    for (const [key, list] of this.bySubscription) {
      if (offers.length >= limit) break;
      if (busy(key)) continue;
      const at = this.lastVerified(list, Math.max(0, list.length - maxQueued));
      if (at < 0) continue;
      offers.push({ next: list[at], older: list.slice(0, at) });
    }
    return offers;
  }

  /**
   * The last index ≤ `at` whose write is verified, or -1. Verified writes are
   * a prefix of a subscription's list: writes are verified oldest first, and
   * one subscription's callbacks are in write order (its actor's writes take
   * the actor's subscription lock).
   */
  private lastVerified(list: readonly Waiting[], at: number): number {
    if (this.verified.has(list[at].workId)) return at;
    let low = -1;
    let high = at; // list[high] is not verified
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (this.verified.has(list[mid].workId)) low = mid;
      else high = mid;
    }
    return low;
  }

  /** Forgets callbacks (claimed, or done elsewhere). */
  remove(waiting: Waiting): void {
    if (!this.byWork.get(waiting.workId)?.delete(waiting)) return;
    this.count--;
    const key = subscriptionKey(waiting.delivery);
    const list = this.bySubscription.get(key)!;
    list.splice(list.indexOf(waiting), 1);
    if (list.length === 0) this.bySubscription.delete(key);
  }

  /** Writes with nothing left waiting here; forgotten as they are returned. */
  takeFinished(): number[] {
    const finished = [...this.byWork].filter(([, set]) => set.size === 0).map(([id]) => id);
    for (const id of finished) {
      this.byWork.delete(id);
      this.verified.delete(id);
    }
    return finished;
  }
}

export function subscriptionKey(d: { actorId: string; peerId: string; subscriptionId: string }): string {
  return `${d.actorId}/${d.peerId}/${d.subscriptionId}`;
}

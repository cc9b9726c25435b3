import type { Delivery } from './callback-delivery.service.js';
import { WaitingCallbacks } from './waiting-callbacks.js';

const delivery = (sequence: number): Delivery =>
  ({ actorId: 'a', peerId: 'p', subscriptionId: 's', sequence }) as unknown as Delivery;

/** `writes` writes of one callback each to one subscription, work ids 1… with sequences 1…; the first `verified` verified. */
function waiting(writes: number, verified: number): WaitingCallbacks {
  const callbacks = new WaitingCallbacks();
  for (let id = 1; id <= writes; id++) callbacks.add(id, [delivery(id)], id <= verified);
  return callbacks;
}

const offered = (callbacks: WaitingCallbacks, maxQueued: number) =>
  callbacks
    .offer(10, () => false, maxQueued)
    .map((o) => ({
      next: o.next.delivery.sequence,
      skipped: o.older.map((w) => w.delivery.sequence),
    }));

describe('WaitingCallbacks.offer', () => {
  it('offers the oldest waiting callback while no more than maxQueued wait', () => {
    expect(offered(waiting(3, 3), 5)).toEqual([{ next: 1, skipped: [] }]);
  });

  it('skips all but the newest maxQueued', () => {
    expect(offered(waiting(8, 8), 5)).toEqual([{ next: 4, skipped: [1, 2, 3] }]);
  });

  it('offers the newest verified one while the newest maxQueued are not verified yet', () => {
    expect(offered(waiting(8, 2), 5)).toEqual([{ next: 2, skipped: [1] }]);
  });

  it('finds the newest verified one in a long backlog', () => {
    const [offer] = offered(waiting(300, 150), 100);
    expect(offer.next).toBe(150);
    expect(offer.skipped).toHaveLength(149);
  });

  it('offers nothing for a subscription with no verified write', () => {
    expect(offered(waiting(8, 0), 5)).toEqual([]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { InFlightHandlers } from './in-flight.js';

describe('InFlightHandlers', () => {
  it('is idle at once when nothing runs', async () => {
    await expect(new InFlightHandlers().idle(10)).resolves.toBe(true);
  });

  it('waits until the last running handler leaves', async () => {
    const handlers = new InFlightHandlers();
    handlers.enter();
    handlers.enter();
    let idle = false;
    const waiting = handlers.idle(5_000).then((v) => (idle = v));
    handlers.leave();
    await Promise.resolve();
    expect(idle).toBe(false);
    expect(handlers.count).toBe(1);
    handlers.leave();
    await expect(waiting).resolves.toBe(true);
  });

  it('gives up after the timeout and says so', async () => {
    const handlers = new InFlightHandlers();
    handlers.enter();
    await expect(handlers.idle(20)).resolves.toBe(false);
    handlers.leave(); // a late leave after the timeout wakes nobody and breaks nothing
    await expect(handlers.idle(20)).resolves.toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { settle, track, waitFor, type Settleable } from './settle.js';

/** A stand-in for an application's callback delivery: work that finishes when the test says so. */
class Delivery implements Settleable {
  private work: Array<{ done: Promise<void>; finish: () => void }> = [];
  add(): () => void {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const item = { done, finish: () => finish() };
    this.work.push(item);
    void done.then(() => (this.work = this.work.filter((w) => w !== item)));
    return item.finish;
  }
  pending(): number {
    return this.work.length;
  }
  async whenIdle(): Promise<void> {
    while (this.work.length > 0) await Promise.all(this.work.map((w) => w.done));
  }
}

describe('settle', () => {
  it('waits until every running application is idle, also for work queued meanwhile', async () => {
    const one = new Delivery();
    const two = new Delivery();
    const untrack = [track(one), track(two)];
    const finishFirst = one.add();
    let settled = false;
    const settling = settle().then(() => (settled = true));
    await Promise.resolve();
    // While one finishes, its "subscriber" queues work on two (a hook that writes in turn).
    let finishSecond!: () => void;
    setImmediate(() => {
      finishSecond = two.add();
      finishFirst();
      setImmediate(() => finishSecond());
    });
    await settling;
    expect(settled).toBe(true);
    expect(one.pending() + two.pending()).toBe(0);
    untrack.forEach((u) => u());
  });

  it('fails after the timeout, saying how much is pending', async () => {
    const stuck = new Delivery();
    const untrack = track(stuck);
    const finish = stuck.add();
    await expect(settle({ timeoutMs: 30 })).rejects.toThrow(/did not settle within 30 ms \(1 pending\)/);
    finish();
    untrack();
    await settle();
  });
});

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls === 3 ? 'ready' : undefined))).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails with what it waited for', async () => {
    await expect(waitFor(() => false, 'the moon', { timeoutMs: 20 })).rejects.toThrow(
      'waitFor(): timed out waiting for the moon',
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { KeyedTaskQueue } from './keyed-task-queue.js';

/** A task that finishes when told to. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('KeyedTaskQueue', () => {
  it('runs at most `concurrency` tasks at once, and every task once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const queue = new KeyedTaskQueue<number>(3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      done.push(n);
    });
    for (let i = 0; i < 40; i++) queue.push(`k${i}`, i);
    expect(queue.pending).toBe(40);
    await queue.whenIdle();
    expect(peak).toBe(3);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(queue.pending).toBe(0);
  });

  it('runs one key strictly in order, one at a time, while other keys go on', async () => {
    const log: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const queue = new KeyedTaskQueue<string>(10, async (name) => {
      log.push(`start ${name}`);
      const g = gate();
      gates.set(name, g);
      await g.opened;
      log.push(`end ${name}`);
    });
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.push('b', 'b1');
    await Promise.resolve();
    expect(log).toEqual(['start a1', 'start b1']);
    expect(queue.pendingOf('a')).toBe(2);
    expect(queue.pendingOf('b')).toBe(1);
    gates.get('b1')!.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.pendingOf('b')).toBe(0);
    expect(log).not.toContain('start a2');
    gates.get('a1')!.open();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.slice(-2)).toEqual(['end a1', 'start a2']);
    gates.get('a2')!.open();
    await queue.whenIdle();
    expect(queue.pendingOf('a')).toBe(0);
  });

  it('keys take turns: a key with many tasks does not hold back a later key', async () => {
    const order: string[] = [];
    const queue = new KeyedTaskQueue<string>(1, async (name) => {
      order.push(name);
    });
    for (let i = 1; i <= 3; i++) queue.push('busy', `busy${i}`);
    queue.push('other', 'other1');
    await queue.whenIdle();
    expect(order).toEqual(['busy1', 'other1', 'busy2', 'busy3']);
  });

  it('a failing task is reported and does not stop the queue', async () => {
    const errors: unknown[] = [];
    const ran: number[] = [];
    const queue = new KeyedTaskQueue<number>(
      2,
      async (n) => {
        if (n === 1) throw new Error('boom');
        ran.push(n);
      },
      (err) => errors.push(err),
    );
    for (let i = 0; i < 4; i++) queue.push('same', i);
    await queue.whenIdle();
    expect(ran).toEqual([0, 2, 3]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('boom');
  });

  it('whenIdle resolves at once when nothing is pending', async () => {
    const queue = new KeyedTaskQueue<number>(1, async () => undefined);
    await expect(queue.whenIdle()).resolves.toBeUndefined();
  });
});

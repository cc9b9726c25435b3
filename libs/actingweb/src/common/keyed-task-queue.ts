/**
 * Runs tasks with at most `concurrency` running at once; the tasks of one key
 * run one after another, in the order they were pushed. Keys take turns, so a
 * key with many tasks does not hold back the others. A waiting task costs one
 * array slot (no promise or closure per task), so tens of thousands can wait.
 */
export class KeyedTaskQueue<T> {
  private readonly queues = new Map<string, { items: T[]; head: number; active: boolean }>();
  /** Keys with a task waiting and none running, in turn order. */
  private ready: string[] = [];
  private readyHead = 0;
  private running = 0;
  private waiting = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    /** Runs one task; a rejection is the caller's to handle (it is passed to `onError`). */
    private readonly run: (item: T) => Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Tasks waiting or running now. */
  get pending(): number {
    return this.waiting + this.running;
  }

  /** Tasks of `key` waiting or running now. */
  pendingOf(key: string): number {
    const queue = this.queues.get(key);
    return queue ? queue.items.length - queue.head + (queue.active ? 1 : 0) : 0;
  }

  push(key: string, item: T): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { items: [], head: 0, active: false };
      this.queues.set(key, queue);
      this.ready.push(key);
    }
    queue.items.push(item);
    this.waiting++;
    this.pump();
  }

  /** Resolves once nothing is waiting or running. */
  whenIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead++];
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      const queue = this.queues.get(key)!;
      const item = queue.items[queue.head];
      queue.items[queue.head++] = undefined as T;
      queue.active = true;
      this.waiting--;
      this.running++;
      let task: Promise<void>;
      try {
        task = this.run(item);
      } catch (err) {
        task = Promise.reject(err);
      }
      task.catch(this.onError).finally(() => this.done(key));
    }
  }

  /** The key's task finished: its next one (if any) takes a turn behind the keys already waiting. */
  private done(key: string): void {
    this.running--;
    const queue = this.queues.get(key)!;
    queue.active = false;
    if (queue.head < queue.items.length) {
      if (queue.head > 64 && queue.head * 2 > queue.items.length) {
        queue.items = queue.items.slice(queue.head);
        queue.head = 0;
      }
      this.ready.push(key);
    } else {
      this.queues.delete(key);
    }
    this.pump();
    if (this.pending === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

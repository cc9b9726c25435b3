/** What {@link settle} waits for: one running test application's callback delivery. */
export interface Settleable {
  /** Resolves when everything queued so far was delivered (or given up) and answered. */
  whenIdle(): Promise<void>;
  /** Callbacks waiting or in flight right now. */
  pending(): number;
}

const running = new Set<Settleable>();

/** Registers a running application; the returned function unregisters it (at close). */
export function track(app: Settleable): () => void {
  running.add(app);
  return () => running.delete(app);
}

/** Options of {@link settle} and {@link waitFor}. @publicApi */
export interface WaitOptions {
  /** Give up after this many milliseconds, with an error saying what was awaited. Default 10000. */
  readonly timeoutMs?: number;
}

/**
 * Resolves once subscription callback delivery has settled in every running
 * test application: each callback queued by a write was sent, the subscriber
 * answered it (so its hooks have run: a subscriber processes a callback
 * before it answers), or delivery gave up (timeout, error status, retries
 * used up). Callbacks caused by hooks that ran meanwhile (a subscriber that
 * writes in turn) are waited for too. Use it instead of sleeping:
 *
 * ```ts
 * await bob.handle.properties.set('status', 'away');
 * await settle();
 * expect(seen).toEqual([...]);
 * ```
 *
 * Fails after `timeoutMs` (default 10 s) naming how many callbacks are still
 * pending, e.g. when a subscriber never answers and the callback timeout
 * (`subscriptions.callbackTimeoutMs`, default 10 s) is longer.
 *
 * @publicApi
 */
export async function settle(options: WaitOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const apps = () => [...running];
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const pending = apps().reduce((sum, app) => sum + app.pending(), 0);
      reject(
        new Error(`settle(): callback delivery did not settle within ${timeoutMs} ms (${pending} pending)`),
      );
    }, timeoutMs);
  });
  try {
    await Promise.race([settleAll(apps), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

async function settleAll(apps: () => Settleable[]): Promise<void> {
  for (;;) {
    const now = apps();
    await Promise.all(now.map((app) => app.whenIdle()));
    // A subscriber's hook may have written meanwhile, queuing callbacks of its own.
    if (apps().every((app) => app.pending() === 0)) return;
  }
}

/**
 * Polls `condition` (every 10 ms) until it returns something truthy, and
 * resolves with that value; fails after `timeoutMs` (default 10 s) with
 * `what` in the message. For things {@link settle} does not cover, such as a
 * request a fake peer receives from a hook that runs in the background.
 *
 * ```ts
 * const request = await waitFor(() => peer.requests.find((r) => r.path === 'properties/status'), 'the status read');
 * ```
 *
 * @publicApi
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  what = 'the condition',
  options: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor(): timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

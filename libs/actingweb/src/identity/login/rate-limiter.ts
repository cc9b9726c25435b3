/** The verdict of one attempt. */
export interface RateLimitVerdict {
  allowed: boolean;
  /** When refused: seconds until the window that refused it ends. */
  retryAfterSeconds: number;
}

const MAX_KEYS = 50_000;

/**
 * In-process fixed-window counters (per client address, per account, ...).
 * Each instance of a multi-instance deployment counts on its own, so the
 * effective limit there is the limit times the instances; that still turns a
 * password-guessing run from millions of tries into a few hundred per hour.
 * Memory is bounded: expired windows are dropped, and past `MAX_KEYS` the
 * oldest keys go first.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts an attempt for `key` and says whether it is within the limit. */
  hit(key: string, now = Date.now()): RateLimitVerdict {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (window) this.windows.delete(key);
      if (this.windows.size >= MAX_KEYS) this.sweep(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.max) return { allowed: true, retryAfterSeconds: 0 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)) };
  }

  /** Forgets `key` (e.g. the account's failures after a successful sign-in). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
    // Still full: drop the oldest insertions (Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}

/** How long shutdown waits for handlers still running before the database closes. */
export const IN_FLIGHT_SHUTDOWN_WAIT_MS = 10_000;

/**
 * Counts the route handlers still running. A handler whose client went away
 * keeps running, but its socket no longer holds the HTTP server open, so the
 * server can close under it; shutdown waits here before the database closes,
 * so such a handler still finishes its work (a write commits or rolls back
 * whole) instead of failing on a closed database.
 */
export class InFlightHandlers {
  private running = 0;
  private waiting: Array<() => void> = [];

  enter(): void {
    this.running++;
  }

  leave(): void {
    if (--this.running === 0 && this.waiting.length > 0) for (const done of this.waiting.splice(0)) done();
  }

  /** Resolves true once no handler runs, or false after `timeoutMs`. */
  idle(timeoutMs: number = IN_FLIGHT_SHUTDOWN_WAIT_MS): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiting.push(done);
    });
  }

  get count(): number {
    return this.running;
  }
}

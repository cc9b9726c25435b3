import { Injectable } from '@nestjs/common';

/** How long shutdown waits for handlers still running before anything else closes. */
export const IN_FLIGHT_SHUTDOWN_WAIT_MS = 10_000;

/**
 * Counts the route handlers still running (the actor and MCP routes). A
 * handler whose client went away keeps running, but its socket no longer
 * holds the HTTP server open, so the server can close under it. Shutdown
 * waits here right after the server closed (`HttpPlumbingService`'s Fastify
 * `onClose` hook), before Nest's shutdown hooks close callback delivery, the
 * peer agents and the database, so such a handler finishes its work.
 */
@Injectable()
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

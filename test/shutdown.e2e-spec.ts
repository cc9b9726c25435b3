import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { LifecycleHook } from '@actingweb/nestjs';
import { basic, call, startServer } from './support/test-app.js';

@Injectable()
class SlowCreation {
  static started?: () => void;
  @LifecycleHook('actor_created')
  async slow(): Promise<void> {
    SlowCreation.started?.();
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * Graceful shutdown (what SIGTERM triggers through `enableShutdownHooks()`):
 * a request in flight when the app closes still completes, its data is
 * committed, and the database is closed cleanly (a restart finds the data).
 */
describe('shutdown', () => {
  it('finishes in-flight requests, then closes the database cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-shutdown-'));
    const storage = { type: 'sqlite' as const, filename: join(dir, 'actingweb.sqlite') };
    try {
      const server = await startServer(storage, {}, { providers: [SlowCreation] });
      const started = new Promise<void>((resolve) => (SlowCreation.started = resolve));
      const inFlight = call(server.url, { method: 'POST', body: { creator: 'late@example.com' } });
      await started; // the request is inside the hook now
      const closing = server.close();
      const created = await inFlight;
      await closing;
      expect(created.status).toBe(201);

      // After close, nothing answers on that port any more.
      await expect(fetch(server.url)).rejects.toThrow();

      SlowCreation.started = undefined;
      const again = await startServer(storage);
      try {
        const res = await call(again.url + created.json.id, {
          headers: { authorization: basic('late@example.com', created.json.passphrase) },
        });
        expect(res.status).toBe(200);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { LifecycleHook, PropertyHook, type PropertyHookContext } from '@actingweb/nestjs';
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

/** Holds a property PUT inside its hook until the test lets it go on. */
@Injectable()
class HeldWrite {
  static started?: () => void;
  static release?: Promise<void>;
  @PropertyHook('held', { operations: ['put'] })
  async hold({ value }: PropertyHookContext): Promise<unknown> {
    HeldWrite.started?.();
    await HeldWrite.release;
    return value;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

  it('lets a handler whose client went away finish its write before the database closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-shutdown-'));
    const storage = { type: 'sqlite' as const, filename: join(dir, 'actingweb.sqlite') };
    try {
      const server = await startServer(storage, {}, { providers: [HeldWrite] });
      const created = await call(server.url, { method: 'POST', body: { creator: 'gone@example.com' } });
      const auth = { authorization: basic('gone@example.com', created.json.passphrase) };
      let release!: () => void;
      HeldWrite.release = new Promise<void>((resolve) => (release = resolve));
      const started = new Promise<void>((resolve) => (HeldWrite.started = resolve));
      // The client sends its PUT and goes away: its socket no longer holds the server open.
      const body = '"kept"';
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `PUT /${created.json.id}/properties/held HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          `Authorization: ${auth.authorization}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await started; // the handler waits in the hook
      socket.destroy();
      await pause(100);
      const closing = server.close();
      await pause(200); // the HTTP server is closed by now; the handler still waits
      release();
      await closing;

      const again = await startServer(storage);
      try {
        const res = await call(`${again.url}${created.json.id}/properties/held`, { headers: auth });
        expect(res.status).toBe(200);
        expect(res.text).toBe('kept');
      } finally {
        await again.close();
      }
    } finally {
      HeldWrite.started = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

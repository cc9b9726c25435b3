import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { StorageOptions } from '@actingweb/nestjs';
import { basic, call, startServer, STORAGES } from './support/test-app.js';

/** Data written survives a restart of the server (embedded file and PostgreSQL). */
describe.each(STORAGES)('restart on $name', (storage) => {
  it('serves an actor created before the restart', async () => {
    let options: StorageOptions;
    let cleanup: () => Promise<void>;
    let dir: string | undefined;
    if (storage.name === 'sqlite') {
      dir = mkdtempSync(join(tmpdir(), 'aw-persist-'));
      options = { type: 'sqlite', filename: join(dir, 'data', 'actingweb.sqlite') };
      cleanup = async () => rmSync(dir!, { recursive: true, force: true });
    } else {
      ({ options, cleanup } = await storage.create());
    }
    try {
      const first = await startServer(options);
      const created = await call(first.url, { method: 'POST', body: { creator: 'durable@example.com' } });
      expect(created.status).toBe(201);
      await first.close();

      const second = await startServer(options);
      try {
        const res = await call(second.url + created.json.id, {
          headers: { authorization: basic('durable@example.com', created.json.passphrase) },
        });
        expect(res.status).toBe(200);
        expect(res.json.id).toBe(created.json.id);
      } finally {
        await second.close();
      }
    } finally {
      await cleanup();
    }
  });
});

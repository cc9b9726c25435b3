import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

describe.each(STORAGES)('smoke on $name', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(storage);
  });
  afterAll(() => server.close());

  it('creates an actor and opens it with the passphrase', async () => {
    const created = await call(server.url, { method: 'POST', body: { creator: 'a@b.c' } });
    expect(created.status).toBe(201);
    const root = await call(server.url + created.json.id, {
      headers: { authorization: basic('a@b.c', created.json.passphrase) },
    });
    expect(root.status).toBe(200);
    expect(root.json.id).toBe(created.json.id);
  });
});

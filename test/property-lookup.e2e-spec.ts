import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  ActorService,
  PropertyHook,
  type ActingWebModuleOptions,
  type PropertyHookContext,
  type StorageOptions,
} from '@actingweb/nestjs';
import { call, startFreshServer, startServer, STORAGES, type TestServer } from './support/test-app.js';
import { newActor, type TestActor } from './support/subscriptions.js';

/** Emails are stored lowercased, so lookups find them whatever case was written. */
@Injectable()
class EmailHooks {
  @PropertyHook('email', { operations: ['put', 'post'] })
  lower({ value }: PropertyHookContext) {
    return typeof value === 'string' ? value.toLowerCase() : value;
  }
}

const text = (value: string) => ({ raw: value, headers: { 'content-type': 'text/plain' } });

/** `ActorService.findByCreator` and `findByProperty` (option `indexedProperties`), over real storage. */
describe.each(STORAGES)('finding actors on $name', (storage) => {
  let server: TestServer;
  let actors: ActorService;
  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { indexedProperties: ['email', 'externalId'] },
      { providers: [EmailHooks] },
    );
    actors = server.app.get(ActorService);
  });
  afterAll(() => server.close());

  const put = (a: TestActor, path: string, init: Parameters<typeof call>[1]) =>
    call(`${a.url}/properties/${path}`, { method: 'PUT', ...init, headers: { ...a.auth, ...init?.headers } });
  const found = async (name: string, value: string) => (await actors.findByProperty(name, value))?.id ?? null;

  it('finds the actors of a creator, lowest id first, matching an email in any case', async () => {
    const first = await newActor(server, 'Many@Example.com');
    const second = await newActor(server, 'many@example.com');
    const other = await newActor(server, 'other@example.com');
    const handles = await actors.findByCreator('MANY@example.com');
    expect(handles.map((h) => h.id)).toEqual([first.id, second.id].sort());
    expect(handles[0].creator).toBe('many@example.com');
    expect(await handles[0].properties.all()).toEqual({});
    expect((await actors.findByCreator('other@example.com')).map((h) => h.id)).toEqual([other.id]);
    expect(await actors.findByCreator('nobody@example.com')).toEqual([]);
  });

  it('finds an actor by a string value of an indexed property, through every kind of write', async () => {
    const a = await newActor(server, 'a@example.com');
    expect((await put(a, 'email', text('Ann@Example.com'))).status).toBe(204);
    expect(await found('email', 'ann@example.com')).toBe(a.id);
    expect(await found('email', 'Ann@Example.com')).toBeNull();

    await put(a, 'email', text('ann2@example.com'));
    expect(await found('email', 'ann@example.com')).toBeNull();
    expect(await found('email', 'ann2@example.com')).toBe(a.id);

    // A bulk POST, the actor handle, and a second indexed name.
    await call(`${a.url}/properties`, {
      method: 'POST',
      headers: a.auth,
      body: { email: 'ann3@example.com' },
    });
    expect(await found('email', 'ann3@example.com')).toBe(a.id);
    const handle = (await actors.get(a.id))!;
    await handle.properties.set('externalId', 'ext-1');
    expect(await found('externalId', 'ext-1')).toBe(a.id);
    expect((await actors.findByProperty('externalId', 'ext-1'))?.url).toBe(a.url);

    // DELETE of the property, then of all properties.
    expect((await call(`${a.url}/properties/externalId`, { method: 'DELETE', headers: a.auth })).status).toBe(
      204,
    );
    expect(await found('externalId', 'ext-1')).toBeNull();
    expect((await call(`${a.url}/properties`, { method: 'DELETE', headers: a.auth })).status).toBe(204);
    expect(await found('email', 'ann3@example.com')).toBeNull();
  });

  it('indexes only non-empty strings: other values, and nested writes, remove the entry', async () => {
    const a = await newActor(server, 'b@example.com');
    await put(a, 'externalId', text('42'));
    expect(await found('externalId', '42')).toBe(a.id);
    await put(a, 'externalId', { body: 42 });
    expect(await found('externalId', '42')).toBeNull();
    await put(a, 'externalId', text('x-1'));
    await put(a, 'externalId/part', { body: 'y' });
    expect((await call(`${a.url}/properties/externalId`, { headers: a.auth })).json).toEqual({ part: 'y' });
    expect(await found('externalId', 'x-1')).toBeNull();
    await put(a, 'externalId', { body: '' });
    expect(await found('externalId', '')).toBeNull();
    // A name outside the option cannot be looked up.
    await put(a, 'nickname', text('bee'));
    await expect(actors.findByProperty('nickname', 'bee')).rejects.toThrow(
      'findByProperty: add "nickname" to the indexedProperties option to look actors up by it',
    );
  });

  it('keeps a value with its first holder; the second actor is found once the first lets go', async () => {
    const first = await newActor(server, 'c@example.com');
    const second = await newActor(server, 'd@example.com');
    await put(first, 'email', text('shared@example.com'));
    expect((await put(second, 'email', text('shared@example.com'))).status).toBe(204);
    expect(await found('email', 'shared@example.com')).toBe(first.id);
    await put(first, 'email', text('own@example.com'));
    expect(await found('email', 'shared@example.com')).toBeNull();
    await put(second, 'email', text('shared@example.com'));
    expect(await found('email', 'shared@example.com')).toBe(second.id);
  });

  it('forgets the values of a deleted actor', async () => {
    const a = await newActor(server, 'e@example.com');
    await put(a, 'email', text('gone@example.com'));
    expect(await found('email', 'gone@example.com')).toBe(a.id);
    expect(await actors.delete(a.id)).toBe(true);
    expect(await found('email', 'gone@example.com')).toBeNull();
  });
});

/** Values stored before a name was indexed, and after it stopped being indexed, across restarts. */
describe.each(STORAGES)('indexedProperties across restarts on $name', (storage) => {
  let storageOptions: StorageOptions;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ options: storageOptions, cleanup } = await storage.create());
  });
  afterAll(() => cleanup());

  /** Runs `body` on a server over the shared storage, then stops it. */
  async function withServer<T>(
    options: Partial<ActingWebModuleOptions>,
    body: (s: TestServer) => Promise<T>,
  ) {
    const server = await startServer(storageOptions, options);
    try {
      return await body(server);
    } finally {
      await server.close();
    }
  }
  const setEmail = (a: TestActor, value: unknown) =>
    call(`${a.url}/properties/email`, { method: 'PUT', headers: a.auth, body: value });
  const lookup = (s: TestServer, value: string) =>
    s.app
      .get(ActorService)
      .findByProperty('email', value)
      .then((h) => h?.id ?? null);

  it('indexes stored values when a name is first listed, and re-reads them after it was unlisted', async () => {
    const [a, b, c] = await withServer({}, async (s) => {
      const made = [
        await newActor(s, 'a@example.com'),
        await newActor(s, 'b@example.com'),
        await newActor(s, 'c@example.com'),
      ];
      await setEmail(made[0], 'a@example.com');
      await setEmail(made[1], 'same@example.com');
      await setEmail(made[2], 'same@example.com');
      return made;
    });
    // The server's URL changes with each start; the actors stay.
    const at = (s: TestServer, actor: TestActor): TestActor => ({ ...actor, url: s.url + actor.id });
    const lowest = [b.id, c.id].sort()[0];

    await withServer({ indexedProperties: ['email'] }, async (s) => {
      expect(await lookup(s, 'a@example.com')).toBe(a.id);
      expect(await lookup(s, 'same@example.com')).toBe(lowest);
      await setEmail(at(s, a), { not: 'a string' });
      expect(await lookup(s, 'a@example.com')).toBeNull();
    });

    // Unlisted: writes no longer touch the table, and its entries go.
    await withServer({}, async (s) => {
      await setEmail(at(s, a), 'back@example.com');
      await setEmail(at(s, lowest === b.id ? b : c), 'moved@example.com');
    });

    await withServer({ indexedProperties: ['email'] }, async (s) => {
      expect(await lookup(s, 'back@example.com')).toBe(a.id);
      expect(await lookup(s, 'moved@example.com')).toBe(lowest);
      expect(await lookup(s, 'same@example.com')).toBe(lowest === b.id ? c.id : b.id);
    });
  });
});

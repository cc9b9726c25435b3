import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { LifecycleHook, type LifecycleHookContext } from '@actingweb/nestjs';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

@Injectable()
class RecordingHooks {
  readonly events: string[] = [];

  @LifecycleHook('actor_created')
  created({ actor }: LifecycleHookContext): void {
    this.events.push(`sync created ${actor.id} ${actor.creator} ${actor.url}`);
  }

  @LifecycleHook('actor_created')
  async createdAsync({ actor }: LifecycleHookContext): Promise<void> {
    await new Promise((r) => setTimeout(r, 5));
    this.events.push(`async created ${actor.id}`);
  }

  @LifecycleHook('actor_created')
  explode(): never {
    throw new Error('hook failure must not break actor creation');
  }

  @LifecycleHook('actor_deleted')
  async deleted({ actor }: LifecycleHookContext): Promise<void> {
    this.events.push(`deleted ${actor.id}`);
  }
}

/** Hooks on the application's own providers are discovered and fired (docs/getting-started.md#4-hooks). */
describe.each(STORAGES)('lifecycle hooks on $name', (storage) => {
  let server: TestServer;
  let hooks: RecordingHooks;
  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [RecordingHooks] });
    hooks = server.app.get(RecordingHooks);
  });
  afterAll(() => server.close());

  it('fires actor_created (sync and async hooks alike) and survives a throwing hook', async () => {
    const res = await call(server.url, { method: 'POST', body: { creator: 'hooked' } });
    expect(res.status).toBe(201);
    const id = res.json.id;
    expect(hooks.events).toEqual([`sync created ${id} hooked ${server.url}${id}`, `async created ${id}`]);
  });

  it('fires actor_deleted before the actor is removed', async () => {
    const res = await call(server.url, { method: 'POST', body: { creator: 'doomed' } });
    hooks.events.length = 0;
    const del = await call(server.url + res.json.id, {
      method: 'DELETE',
      headers: { authorization: basic('doomed', res.json.passphrase) },
    });
    expect(del.status).toBe(204);
    expect(hooks.events).toEqual([`deleted ${res.json.id}`]);
  });
});

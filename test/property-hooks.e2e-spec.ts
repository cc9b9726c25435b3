import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  ActorService,
  BadRequestError,
  LifecycleHook,
  PropertyHook,
  type LifecycleHookContext,
  type PropertyHookContext,
} from '@actingweb/nestjs';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { PropertyChangeFeed, type PropertyChange } from '../libs/actingweb/src/properties/property-change.js';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

@Injectable()
class PropertyHooks {
  /** Hidden from everyone on read. */
  @PropertyHook('secret', { operations: ['get'] })
  hide(): null {
    return null;
  }

  /** Writes are upper-cased; "forbidden" is rejected. Async on purpose. */
  @PropertyHook('shout', { operations: ['put', 'post'] })
  async shout({ value }: PropertyHookContext): Promise<unknown> {
    await new Promise((r) => setTimeout(r, 1));
    if (value === 'forbidden') return null;
    return typeof value === 'string' ? value.toUpperCase() : value;
  }

  /** Deletes of "locked" are refused. */
  @PropertyHook('locked', { operations: ['delete'] })
  lock(): null {
    return null;
  }

  /** Every read of "counter" (at any depth) is tagged with the path it came through. */
  @PropertyHook('counter', { operations: ['get'] })
  tag({ value, path }: PropertyHookContext): unknown {
    return { value, via: path.join('/') };
  }

  /** A hook that throws answers with its error; nothing is stored. */
  @PropertyHook('explosive', { operations: ['put'] })
  explode({ value }: PropertyHookContext): never {
    if (value === 'refuse') throw new BadRequestError('explosive values must not be "refuse"');
    throw new Error('boom');
  }

  /** Application code writes through the actor handle, with the same semantics as HTTP. */
  @LifecycleHook('actor_created')
  async seed({ actor }: LifecycleHookContext): Promise<void> {
    await actor.properties.set('profile', { created: true });
    await actor.properties.set('profile/source', 'hook');
  }
}

describe.each(STORAGES)('property hooks and change records on $name', (storage) => {
  let server: TestServer;
  const committed: PropertyChange[] = [];

  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [PropertyHooks] });
    server.app.get(PropertyChangeFeed).onChangeCommitted((changes) => committed.push(...changes));
  });
  afterAll(() => server.close());

  it('lets application code write through the actor handle (seeded by a lifecycle hook)', async () => {
    const a = await newActor(server);
    expect((await call(`${a.props}/profile`, { headers: a.auth })).json).toEqual({
      created: true,
      source: 'hook',
    });
    const handle = await server.app.get(ActorService).get(a.id);
    expect(await handle!.properties.get('profile', 'source')).toBe('hook');
    expect(await handle!.properties.get('nothing')).toBeUndefined();
    expect(await handle!.properties.delete('profile', 'created')).toBe(true);
    expect(await handle!.properties.delete('profile', 'created')).toBe(false);
  });

  it('a get hook returning null hides the property (404) and drops it from the listing', async () => {
    const a = await newActor(server);
    await call(`${a.props}/secret`, { method: 'PUT', raw: 's3cret', headers: a.auth });
    expect((await call(`${a.props}/secret`, { headers: a.auth })).status).toBe(404);
    const all = (await call(a.props, { headers: a.auth })).json;
    expect(all).not.toHaveProperty('secret');
    expect(all).toHaveProperty('profile');
  });

  it('put hooks transform values; a null result rejects the write with 400, a throw answers with its error; nothing changes', async () => {
    const a = await newActor(server);
    expect((await call(`${a.props}/shout`, { method: 'PUT', raw: 'hello', headers: a.auth })).status).toBe(
      204,
    );
    expect((await call(`${a.props}/shout`, { headers: a.auth })).text).toBe('HELLO');
    const rejected = await call(`${a.props}/shout`, { method: 'PUT', raw: 'forbidden', headers: a.auth });
    expect(rejected.status).toBe(400);
    expect((await call(`${a.props}/shout`, { headers: a.auth })).text).toBe('HELLO');
    const exploded = await call(`${a.props}/explosive`, { method: 'PUT', raw: 'x', headers: a.auth });
    expect(exploded.status).toBe(500);
    expect(exploded.json.requestId).toBe(exploded.headers.get('x-request-id'));
    const refused = await call(`${a.props}/explosive`, { method: 'PUT', raw: 'refuse', headers: a.auth });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toBe('explosive values must not be "refuse"');
    expect((await call(`${a.props}/explosive`, { headers: a.auth })).status).toBe(404);
  });

  it('a rejected value in a bulk POST → 409 and nothing of the batch is stored', async () => {
    const a = await newActor(server);
    const res = await call(a.props, {
      method: 'POST',
      body: { fine: 'ok', shout: 'forbidden' },
      headers: a.auth,
    });
    expect(res.status).toBe(409);
    expect((await call(`${a.props}/fine`, { headers: a.auth })).status).toBe(404);
    const ok = await call(a.props, { method: 'POST', body: { fine: 'ok', shout: 'yes' }, headers: a.auth });
    expect(ok.json).toEqual({ fine: 'ok', shout: 'YES' });
  });

  it('a delete hook returning null refuses the delete with 403', async () => {
    const a = await newActor(server);
    await call(`${a.props}/locked`, { method: 'PUT', raw: 'stay', headers: a.auth });
    expect((await call(`${a.props}/locked`, { method: 'DELETE', headers: a.auth })).status).toBe(403);
    expect((await call(`${a.props}/locked`, { headers: a.auth })).text).toBe('stay');
  });

  it('get hooks see the sub-path', async () => {
    const a = await newActor(server);
    await call(`${a.props}/counter`, { method: 'PUT', body: { n: 1 }, headers: a.auth });
    expect((await call(`${a.props}/counter/n`, { headers: a.auth })).json).toEqual({ value: 1, via: 'n' });
  });

  it('records one change per successful write, with old and new values, and none for failures', async () => {
    const a = await newActor(server);
    committed.length = 0;
    await call(`${a.props}/doc`, { method: 'PUT', body: { x: 1 }, headers: a.auth });
    await call(`${a.props}/doc/y`, { method: 'PUT', body: 2, headers: a.auth });
    await call(`${a.props}/doc/x`, { method: 'DELETE', headers: a.auth });
    await call(`${a.props}/doc/x`, { method: 'DELETE', headers: a.auth }); // 404: no record
    await call(`${a.props}/shout`, { method: 'PUT', raw: 'forbidden', headers: a.auth }); // rejected: no record
    expect(committed.map((c) => ({ ...c }))).toEqual([
      { actorId: a.id, operation: 'put', path: ['doc'], oldValue: undefined, newValue: { x: 1 } },
      { actorId: a.id, operation: 'put', path: ['doc', 'y'], oldValue: undefined, newValue: 2 },
      { actorId: a.id, operation: 'delete', path: ['doc', 'x'], oldValue: 1, newValue: undefined },
    ]);
  });

  it('a failing in-transaction listener rolls the write back', async () => {
    const a = await newActor(server);
    const feed = server.app.get(PropertyChangeFeed);
    let fail = true;
    feed.onChangeInTransaction(async (tx, changes) => {
      if (fail && changes.some((c) => c.path[0] === 'atomic')) throw new Error('listener failed');
      // Writes made here commit with the property write.
      for (const c of changes) {
        if (c.path[0] === 'atomic')
          await tx
            .insertInto('attributes')
            .values({
              actor_id: c.actorId,
              bucket: 'test',
              name: 'seen',
              data: '1',
              updated_at: '',
              expires_at: null,
            })
            .execute();
      }
    });
    const failed = await call(`${a.props}/atomic`, { method: 'PUT', raw: 'v', headers: a.auth });
    expect(failed.status).toBe(500);
    expect(failed.json).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      requestId: failed.headers.get('x-request-id'),
    });
    expect((await call(`${a.props}/atomic`, { headers: a.auth })).status).toBe(404);
    fail = false;
    expect((await call(`${a.props}/atomic`, { method: 'PUT', raw: 'v', headers: a.auth })).status).toBe(204);
    const seen = await server.app
      .get(ActingWebDatabase)
      .db.selectFrom('attributes')
      .select('name')
      .where('actor_id', '=', a.id)
      .execute();
    expect(seen).toEqual([{ name: 'seen' }]);
  });
});

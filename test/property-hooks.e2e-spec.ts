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

  /** What each write to `journal` does to it, per actor: `<operation> <listOperation> [<path>]`. */
  readonly journal = new Map<string, string[]>();

  @PropertyHook('journal', { operations: ['put', 'post', 'delete'] })
  recordJournal({ actor, operation, listOperation, path, value }: PropertyHookContext): unknown {
    const seen = this.journal.get(actor.id) ?? [];
    seen.push(`${operation} ${listOperation} [${path.join(',')}]`);
    this.journal.set(actor.id, seen);
    return value;
  }

  /** Hook calls on `contested`; the first one creates the list itself, as another request could. */
  readonly contested: string[] = [];

  @PropertyHook('contested', { operations: ['post'] })
  async contest({ actor, listOperation, value }: PropertyHookContext): Promise<unknown> {
    this.contested.push(`${listOperation} ${JSON.stringify(value)}`);
    if (this.contested.length === 1) await actor.propertyList('contested').create();
    return value;
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

  it('tells list hooks what each write does to the list (listOperation), creating apart from appending', async () => {
    const a = await newActor(server);
    const journal = `${a.props}/journal`;
    const ok = async (url: string, init: Parameters<typeof call>[1]) => {
      const res = await call(url, a.as(init));
      expect(res.status).toBeLessThan(300);
    };
    await ok(journal, { method: 'POST', body: 'first' });
    await ok(journal, { method: 'POST', body: 'second' });
    await ok(`${journal}/items`, {
      method: 'POST',
      body: { action: 'insert', item_index: 0, item_value: 'zero' },
    });
    await ok(`${journal}/0`, { method: 'PUT', body: 'ZERO' });
    await ok(`${journal}/3`, { method: 'PUT', body: 'third' }); // at the length: appends
    await ok(`${journal}/items`, {
      method: 'POST',
      body: { action: 'update', old_item: 'second', item_value: 'SECOND' },
    });
    await ok(`${journal}/0`, { method: 'DELETE' });
    await ok(`${journal}/items`, { method: 'POST', body: { action: 'delete', item_value: 'third' } });
    await ok(a.props, { method: 'POST', body: { journal: { items: [{ index: 0, value: 'FIRST' }] } } });
    await ok(a.props, { method: 'POST', body: { journal: { _type: 'list', description: 'Days' } } });
    await ok(journal, { method: 'DELETE' });
    await ok(a.props, { method: 'POST', body: { journal: { _type: 'list' } } });
    const handle = await server.app.get(ActorService).get(a.id);
    await handle!.propertyList('journal').append('from the app');
    await handle!.propertyList('journal').clear();
    expect(server.app.get(PropertyHooks).journal.get(a.id)).toEqual([
      'post create []',
      'post append []',
      'post insert [0]',
      'put update [0]',
      'put append [3]',
      'put update []',
      'delete delete [0]',
      'delete remove []',
      'post bulk_update []',
      'post metadata []',
      'delete delete_all []',
      'post create []',
      'post append []',
      'delete clear []',
    ]);
    expect((await call(journal, a.as())).json).toEqual([]);

    // A simple property of that name: its hooks get no listOperation.
    const b = await newActor(server);
    await call(`${b.props}/journal`, b.as({ method: 'PUT', body: 'plain' }));
    expect(server.app.get(PropertyHooks).journal.get(b.id)).toEqual(['put undefined []']);
  });

  it('runs the hooks again when the list changed under them, so they see what the write did', async () => {
    const a = await newActor(server);
    const res = await call(`${a.props}/contested`, a.as({ method: 'POST', body: 'x' }));
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ index: 0 });
    // Told "create", the hook created the list meanwhile; the write appended, after the hook was told so.
    expect(server.app.get(PropertyHooks).contested).toEqual([
      'create "x"',
      'create {"_type":"list"}',
      'append "x"',
    ]);
    expect((await call(`${a.props}/contested`, a.as())).json).toEqual(['x']);
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  ActionHook,
  PropertyHook,
  type ActionHookContext,
  type PropertyHookContext,
} from '@actingweb/nestjs';
import { PropertyChangeFeed, type PropertyChange } from '../libs/actingweb/src/properties/property-change.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { befriend, bearer, newActor, subscribe, type TestActor } from './support/subscriptions.js';

/** One call on `actor.propertyList(name)` or `actor.properties`: the method name and its arguments. */
type Op = [string, ...unknown[]];

/** Runs calls of the actor handle's list and property APIs, as an application's hook would. */
@Injectable()
class HandleCalls {
  @ActionHook('run')
  async run({ actor, data }: ActionHookContext) {
    const { list, ops } = data as { list?: string; ops: Op[] };
    const api = (list === undefined ? actor.properties : actor.propertyList(list)) as unknown as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >;
    const results: unknown[] = [];
    for (const [method, ...args] of ops) {
      const result = await api[method](...args);
      results.push(result === undefined ? 'undefined' : result);
    }
    return { results };
  }

  @ActionHook('names')
  async names({ actor }: ActionHookContext) {
    return { names: await actor.propertyListNames() };
  }
}

/** Property hooks on the list `guarded`: writes of "bad" are refused, deletes of item "keep" too. */
@Injectable()
class GuardHooks {
  @PropertyHook('guarded', { operations: ['put', 'post'] })
  refuseBad({ value }: PropertyHookContext) {
    return value === 'bad' ? null : value;
  }

  @PropertyHook('guarded', { operations: ['delete'] })
  keep({ value }: PropertyHookContext) {
    return value === 'keep' ? null : value;
  }
}

/**
 * The list API of actor handles (`actor.propertyList(name)`) against the HTTP
 * list routes, over real HTTP and storage: same properties, same change
 * records, same subscription diffs.
 */
describe.each(STORAGES)('the list API of actor handles on $name', (storage) => {
  let server: TestServer;
  const committed: PropertyChange[] = [];
  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { autoApprove: ['friend'] },
      { providers: [HandleCalls, GuardHooks] },
    );
    server.app.get(PropertyChangeFeed).onChangeCommitted((changes) => committed.push(...changes));
  });
  afterAll(() => server.close());

  const run = (actor: TestActor, ops: Op[], list?: string) =>
    call(`${actor.url}/actions/run`, { method: 'POST', headers: actor.auth, body: { list, ops } });
  const props = (actor: TestActor, path = '', init: Parameters<typeof call>[1] = {}) =>
    call(`${actor.url}/properties${path}`, { ...init, headers: { ...actor.auth, ...(init.headers ?? {}) } });
  /** The change records of one actor, without the actor id. */
  const changesOf = (actor: TestActor) =>
    committed.filter((c) => c.actorId === actor.id).map(({ actorId: _id, ...change }) => change);

  /** A publisher with a subscriber polling the whole of /properties and the list alone. */
  async function watchedActor(subscriber: TestActor) {
    const actor = await newActor(server, 'pub@example.com');
    const secret = await befriend(subscriber, actor);
    const subs = {
      properties: await subscribe(subscriber, actor, { granularity: 'none' }),
      notes: await subscribe(subscriber, actor, { subtarget: 'notes', granularity: 'none' }),
    };
    const pending = async (which: keyof typeof subs) => {
      const res = await call(`${actor.url}/subscriptions/${subscriber.id}/${subs[which]}`, {
        headers: bearer(secret),
      });
      expect(res.status).toBe(200);
      return (res.json.data as { data: unknown }[]).map((d) => d.data);
    };
    return { actor, pending };
  }

  it('writes what the HTTP list routes write: properties, change records and subscription diffs', async () => {
    const subscriber = await newActor(server, 'sub@example.com');
    const viaHttp = await watchedActor(subscriber);
    const viaHook = await watchedActor(subscriber);

    const steps: { op: Op; http: (a: TestActor) => Promise<{ status: number }> }[] = [
      {
        op: ['create', { description: 'Notes', explanation: 'Short ones' }],
        http: (a) =>
          props(a, '', {
            method: 'POST',
            body: { notes: { _type: 'list', description: 'Notes', explanation: 'Short ones' } },
          }),
      },
      { op: ['append', { t: 'a' }], http: (a) => props(a, '/notes', { method: 'POST', body: { t: 'a' } }) },
      { op: ['append', 'b'], http: (a) => props(a, '/notes', { method: 'POST', body: 'b' }) },
      { op: ['append', { t: 'c' }], http: (a) => props(a, '/notes', { method: 'POST', body: { t: 'c' } }) },
      {
        op: ['insert', 1, { t: 'x' }],
        http: (a) =>
          props(a, '/notes/items', {
            method: 'POST',
            body: { action: 'insert', item_index: 1, item_value: { t: 'x' } },
          }),
      },
      {
        op: ['update', 0, { t: 'A' }],
        http: (a) => props(a, '/notes/0', { method: 'PUT', body: { t: 'A' } }),
      },
      {
        op: ['replace', 'b', 'B'],
        http: (a) =>
          props(a, '/notes/items', {
            method: 'POST',
            body: { action: 'update', old_item: 'b', item_value: 'B' },
          }),
      },
      {
        op: ['remove', { t: 'x' }],
        http: (a) =>
          props(a, '/notes/items', { method: 'POST', body: { action: 'delete', item_value: { t: 'x' } } }),
      },
      { op: ['delete', 2], http: (a) => props(a, '/notes/2', { method: 'DELETE' }) },
      {
        op: ['setMetadata', { description: 'My notes' }],
        http: (a) => props(a, '/notes/metadata', { method: 'PUT', body: { description: 'My notes' } }),
      },
      { op: ['append', { t: 'd' }], http: (a) => props(a, '/notes', { method: 'POST', body: { t: 'd' } }) },
    ];
    for (const step of steps) expect((await step.http(viaHttp.actor)).status).toBeLessThan(300);
    const ran = await run(
      viaHook.actor,
      steps.map((s) => s.op),
      'notes',
    );
    expect(ran.status).toBe(201);
    expect(ran.json.results).toEqual([
      'undefined',
      0,
      1,
      2,
      1,
      'undefined',
      'undefined',
      true,
      true,
      'undefined',
      2,
    ]);

    const full = await props(viaHttp.actor, '?format=full');
    expect(full.json).toEqual({
      notes: {
        _list: true,
        count: 3,
        description: 'My notes',
        explanation: 'Short ones',
        items: [{ t: 'A' }, 'B', { t: 'd' }],
      },
    });
    expect((await props(viaHook.actor, '?format=full')).json).toEqual(full.json);
    expect((await props(viaHook.actor, '/notes/metadata')).json).toEqual(
      (await props(viaHttp.actor, '/notes/metadata')).json,
    );

    const operations = changesOf(viaHttp.actor).map((c) => c.listDiff?.operation);
    expect(operations).toEqual([
      'metadata',
      'append',
      'append',
      'append',
      'insert',
      'update',
      'update',
      'remove',
      'delete',
      'metadata',
      'append',
    ]);
    expect(changesOf(viaHook.actor)).toEqual(changesOf(viaHttp.actor));

    const listDiffs = await viaHttp.pending('notes');
    expect(listDiffs.map((d) => (d as { operation: string }).operation)).toEqual(operations);
    expect(await viaHook.pending('notes')).toEqual(listDiffs);
    expect(await viaHook.pending('properties')).toEqual(await viaHttp.pending('properties'));
    expect((await viaHook.pending('properties'))[1]).toEqual({
      notes: { list: 'notes', operation: 'append', length: 1, item: { t: 'a' }, index: 0 },
    });
  });

  it('reads pages, single items, the length and metadata; a missing list reads as empty', async () => {
    const a = await newActor(server, 'reader@example.com');
    for (const item of ['a', 'b', 'c', 'd']) await props(a, '/notes', { method: 'POST', body: item });
    const reads = await run(
      a,
      [
        ['exists'],
        ['items'],
        ['items', { offset: 1, limit: 2 }],
        ['items', { offset: 3 }],
        ['items', { offset: 9 }],
        ['get', 2],
        ['get', 4],
        ['length'],
        ['metadata'],
      ],
      'notes',
    );
    expect(reads.json.results).toEqual([
      true,
      ['a', 'b', 'c', 'd'],
      ['b', 'c'],
      ['d'],
      [],
      'c',
      'undefined',
      4,
      { description: '', explanation: '', count: 4 },
    ]);
    const missing = await run(
      a,
      [
        ['exists'],
        ['items'],
        ['get', 0],
        ['length'],
        ['metadata'],
        ['delete', 0],
        ['remove', 'x'],
        ['deleteList'],
      ],
      'nothing',
    );
    expect(missing.json.results).toEqual([false, [], 'undefined', 0, 'undefined', false, false, false]);
    await props(a, '/other', { method: 'POST', body: 1 });
    await props(a, '/simple', { method: 'PUT', body: 'text', headers: { 'content-type': 'text/plain' } });
    const names = await call(`${a.url}/actions/names`, { method: 'POST', headers: a.auth, body: {} });
    expect(names.json).toEqual({ names: ['notes', 'other'] });
  });

  it('clear empties the list and keeps its metadata, recorded as the protocol operation "clear"', async () => {
    const subscriber = await newActor(server, 'sub2@example.com');
    const { actor, pending } = await watchedActor(subscriber);
    await run(
      actor,
      [['create', { description: 'D' }], ['append', 1], ['append', 2], ['clear'], ['append', 3]],
      'notes',
    );
    expect((await props(actor, '/notes?format=short')).json).toEqual({
      _list: true,
      count: 1,
      description: 'D',
      explanation: '',
    });
    expect((await props(actor, '/notes')).json).toEqual([3]);
    expect((await pending('notes'))[3]).toEqual({ list: 'notes', operation: 'clear', length: 0 });
    const cleared = await run(actor, [['clear']], 'nothing');
    expect(cleared.status).toBe(404);
    expect(cleared.json.message).toBe('List nothing not found');
  });

  it('refuses what the HTTP routes refuse, with the same status', async () => {
    const a = await newActor(server, 'errors@example.com');
    await run(a, [['append', 'one']], 'notes');
    await props(a, '/title', { method: 'PUT', body: 'text', headers: { 'content-type': 'text/plain' } });
    const cases: [Op, string, number, string][] = [
      [['update', 1, 'x'], 'notes', 404, 'List notes has no item 1'],
      [['insert', 5, 'x'], 'notes', 400, 'Index 5 is beyond the list length 1'],
      [['get', -1], 'notes', 400, 'index must be a non-negative integer'],
      [['items', { limit: 1.5 }], 'notes', 400, 'limit must be a non-negative integer'],
      [['update', 0, 'x'], 'absent', 404, 'List absent not found'],
      [['append', 'x'], 'title', 409, 'title is a simple property, not a list'],
      [['create'], 'title', 409, 'title is a simple property, not a list'],
      [['setMetadata', { description: 7 }], 'notes', 400, '"description" must be a string'],
    ];
    for (const [op, list, status, message] of cases) {
      const res = await run(a, [op], list);
      expect({ op, status: res.status, message: res.json.message }).toEqual({ op, status, message });
    }
    expect((await props(a, '/notes')).json).toEqual(['one']);
  });

  it('runs property hooks for the list API as for HTTP', async () => {
    const a = await newActor(server, 'hooks@example.com');
    await run(
      a,
      [
        ['append', 'keep'],
        ['append', 'drop'],
      ],
      'guarded',
    );
    const refused = await run(a, [['append', 'bad']], 'guarded');
    expect(refused.status).toBe(400);
    expect(refused.json.message).toBe('Payload is not accepted');
    expect((await run(a, [['update', 1, 'bad']], 'guarded')).status).toBe(400);
    expect((await run(a, [['delete', 0]], 'guarded')).status).toBe(403);
    expect((await run(a, [['delete', 1]], 'guarded')).json.results).toEqual([true]);
    expect((await props(a, '/guarded')).json).toEqual(['keep']);
  });

  it('serves list names through actor.properties as the same paths over HTTP', async () => {
    const subscriber = await newActor(server, 'sub3@example.com');
    const { actor, pending } = await watchedActor(subscriber);
    await run(
      actor,
      [
        ['append', { t: 'a', n: 1 }],
        ['append', { t: 'b' }],
      ],
      'notes',
    );
    const reads = await run(actor, [
      ['get', 'notes'],
      ['get', 'notes', '0'],
      ['get', 'notes', '0', 't'],
      ['get', 'notes', '5'],
      ['get', 'nothing'],
      ['set', 'notes/1', { t: 'B' }],
      ['set', ['notes', '0', 'n'], 2],
      ['delete', 'notes', '0', 't'],
      ['get', 'notes'],
    ]);
    expect(reads.status).toBe(201);
    expect(reads.json.results).toEqual([
      [{ t: 'a', n: 1 }, { t: 'b' }],
      { t: 'a', n: 1 },
      'a',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      true,
      [{ n: 2 }, { t: 'B' }],
    ]);
    expect((await props(actor, '/notes')).json).toEqual([{ n: 2 }, { t: 'B' }]);
    const replaced = await run(actor, [['set', 'notes', ['whole']]]);
    expect(replaced.status).toBe(409);
    expect(replaced.json.message).toBe('notes is a list property; address its items instead');
    expect(
      (
        await run(actor, [
          ['delete', 'notes', '1'],
          ['delete', 'notes'],
          ['delete', 'notes'],
        ])
      ).json.results,
    ).toEqual([true, true, false]);
    expect((await props(actor, '/notes')).status).toBe(404);
    const diffs = (await pending('notes')) as { operation: string; index?: number }[];
    expect(diffs.map((d) => [d.operation, d.index])).toEqual([
      ['append', 0],
      ['append', 1],
      ['update', 1],
      ['update', 0],
      ['update', 0],
      ['delete', 1],
      ['delete_all', undefined],
    ]);
  });
});

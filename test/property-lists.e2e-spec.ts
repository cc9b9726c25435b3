import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { PropertyHook, type PropertyHookContext } from '@actingweb/nestjs';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { PropertyChangeFeed, type PropertyChange } from '../libs/actingweb/src/properties/property-change.js';
import { TrustRepository } from '../libs/actingweb/src/storage/trust.repository.js';
import { newActor } from './support/actors.js';
import { call, rawCall, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** List properties (ActingWeb spec: list properties and their query parameters; docs/properties.md). */
describe.each(STORAGES)('list properties on $name', (storage) => {
  let server: TestServer;
  const committed: PropertyChange[] = [];
  beforeAll(async () => {
    server = await startFreshServer(storage);
    server.app.get(PropertyChangeFeed).onChangeCommitted((changes) => committed.push(...changes));
  });
  afterAll(() => server.close());

  /** An actor with helpers for its lists: read, append, and the list diffs its writes committed. */
  async function listActor() {
    const actor = await newActor(server);
    const get = async (path = '') => call(`${actor.props}${path}`, actor.as());
    const append = async (list: string, item: unknown) =>
      call(`${actor.props}/${list}`, actor.as({ method: 'POST', body: item }));
    const diffs = () => committed.filter((c) => c.actorId === actor.id).map((c) => c.listDiff ?? c.operation);
    return { ...actor, get, append, diffs };
  }

  async function tables(actorId: string) {
    const db = server.app.get(ActingWebDatabase).db;
    const lists = await db
      .selectFrom('property_lists')
      .select(['name', 'description', 'explanation'])
      .where('actor_id', '=', actorId)
      .orderBy('name')
      .execute();
    const items = await db
      .selectFrom('property_list_items')
      .select(['list_name', 'position', 'value'])
      .where('actor_id', '=', actorId)
      .orderBy('list_name')
      .orderBy('position')
      .execute();
    const properties = await db
      .selectFrom('properties')
      .select(['name', 'value'])
      .where('actor_id', '=', actorId)
      .orderBy('name')
      .execute();
    return { lists, items, properties };
  }

  it('creates an empty list with POST {_type: "list"}: [] and the short format', async () => {
    const a = await listActor();
    const created = await call(
      a.props,
      a.as({
        method: 'POST',
        body: { notes: { _type: 'list', description: 'My notes', explanation: 'Why' } },
      }),
    );
    expect(created.status).toBe(201);
    const all = await a.get();
    expect(all.status).toBe(200);
    expect(all.json).toEqual({ notes: { _list: true, count: 0 } });
    const items = await a.get('/notes');
    expect(items.status).toBe(200);
    expect(items.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(items.json).toEqual([]);
    expect((await a.get('/notes?format=short')).json).toEqual({
      _list: true,
      count: 0,
      description: 'My notes',
      explanation: 'Why',
    });
    expect((await a.get('/missing')).status).toBe(404);
    expect((await a.get('/missing?format=short')).status).toBe(404);
  });

  it('keeps one namespace: 409 both ways, and nothing changes', async () => {
    const a = await listActor();
    await call(`${a.props}/taken`, a.as({ method: 'PUT', body: { v: 1 } }));
    await call(a.props, a.as({ method: 'POST', body: { notes: { _type: 'list' } } }));
    await a.append('notes', 'first');
    const before = await tables(a.id);

    // A list where a simple property is.
    expect((await call(a.props, a.as({ method: 'POST', body: { taken: { _type: 'list' } } }))).status).toBe(
      409,
    );
    expect((await a.append('taken', 'x')).status).toBe(409);
    // A simple property where a list is.
    expect((await call(`${a.props}/notes`, a.as({ method: 'PUT', body: 'x' }))).status).toBe(409);
    expect((await call(a.props, a.as({ method: 'POST', body: { notes: 'x' } }))).status).toBe(409);
    expect((await call(a.props, a.as({ method: 'POST', body: { other: 1, notes: { a: 1 } } }))).status).toBe(
      409,
    );
    expect(await tables(a.id)).toEqual(before);
  });

  it('POST /properties/<name> appends, creating the list; GET returns the array', async () => {
    const a = await listActor();
    const first = await a.append('notes', { title: 'one', tags: ['a'] });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`${server.url}${a.id}/properties/notes/0`);
    expect(first.json).toEqual({ index: 0 });
    const second = await call(`${a.props}/notes`, a.as({ method: 'POST', raw: 'plain text' }));
    expect(second.status).toBe(201);
    expect(second.json).toEqual({ index: 1 });
    expect((await a.append('notes', 42)).json).toEqual({ index: 2 });

    expect((await a.get('/notes')).json).toEqual([{ title: 'one', tags: ['a'] }, 'plain text', 42]);
    expect((await a.get('/notes/0')).json).toEqual({ title: 'one', tags: ['a'] });
    const text = await a.get('/notes/1');
    expect(text.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(text.json).toBe('plain text');
    expect((await a.get('/notes/0/title')).json).toBe('one');
    expect((await a.get('/notes/0/nothing')).status).toBe(404);
    expect((await a.get('/notes/2/x')).status).toBe(404);
    expect((await a.get('/notes?index=2')).json).toBe(42);
    expect((await a.get('/notes/99')).status).toBe(404);
    expect((await a.get('/notes?index=3')).status).toBe(404);
    expect((await a.get('/notes/99999999999999999999999')).status).toBe(404);
    const all = await a.get();
    expect(all.json).toEqual({ notes: { _list: true, count: 3 } });
  });

  it.each([
    ['a negative index', '/notes/-1'],
    ['a non-integer index', '/notes/1.5'],
    ['a word', '/notes/first'],
    ['a bad ?index', '/notes?index=x'],
    ['an empty ?index', '/notes?index='],
    ['an unknown format', '/notes?format=tiny'],
  ])('GET with %s → 400', async (_label, path) => {
    const a = await listActor();
    await a.append('notes', 'x');
    expect((await a.get(path)).status).toBe(400);
  });

  it('PUT /<list>/<i> replaces; i == length appends; i > length → 404; ?index=N works too', async () => {
    const a = await listActor();
    await a.append('notes', 'a');
    await a.append('notes', 'b');
    expect((await call(`${a.props}/notes/0`, a.as({ method: 'PUT', body: { n: 'A' } }))).status).toBe(204);
    expect((await call(`${a.props}/notes/2`, a.as({ method: 'PUT', raw: 'c' }))).status).toBe(204);
    expect((await call(`${a.props}/notes/4`, a.as({ method: 'PUT', raw: 'e' }))).status).toBe(404);
    expect((await call(`${a.props}/notes?index=1`, a.as({ method: 'PUT', raw: 'B' }))).status).toBe(204);
    expect((await call(`${a.props}/notes?index=3`, a.as({ method: 'PUT', raw: 'd' }))).status).toBe(204);
    expect((await call(`${a.props}/notes?index=9`, a.as({ method: 'PUT', raw: 'z' }))).status).toBe(404);
    expect((await call(`${a.props}/notes/0/n`, a.as({ method: 'PUT', raw: 'AA' }))).status).toBe(204);
    expect((await call(`${a.props}/notes/-1`, a.as({ method: 'PUT', raw: 'x' }))).status).toBe(400);
    expect((await call(`${a.props}/notes/0`, a.as({ method: 'PUT' }))).status).toBe(400);
    expect((await a.get('/notes')).json).toEqual([{ n: 'AA' }, 'B', 'c', 'd']);
    // ?index on a name that is not a list.
    expect((await call(`${a.props}/plain?index=0`, a.as({ method: 'PUT', raw: 'x' }))).status).toBe(404);
    expect((await tables(a.id)).properties).toEqual([]);
  });

  it('DELETE /<list>/<i> shifts later items down without renumbering rows', async () => {
    const a = await listActor();
    for (const item of ['zero', 'one', 'two', 'three']) await a.append('notes', item);
    const before = (await tables(a.id)).items;
    expect((await call(`${a.props}/notes/1`, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await a.get('/notes/1')).json).toBe('two');
    expect((await a.get('/notes')).json).toEqual(['zero', 'two', 'three']);
    // The surviving rows kept their positions.
    const after = (await tables(a.id)).items;
    expect(after).toEqual(before.filter((row) => row.value !== '"one"'));
    expect((await call(`${a.props}/notes/3`, a.as({ method: 'DELETE' }))).status).toBe(404);
    expect((await call(`${a.props}/notes/x`, a.as({ method: 'DELETE' }))).status).toBe(400);
    expect((await call(`${a.props}/notes?index=0`, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await a.get('/notes')).json).toEqual(['two', 'three']);
    expect((await call(`${a.props}/notes/0?_method=DELETE`, a.as({ method: 'POST' }))).status).toBe(204);
    expect((await a.get('/notes')).json).toEqual(['three']);
  });

  it('DELETE /<list> removes items and metadata; again → 404', async () => {
    const a = await listActor();
    await a.append('notes', 1);
    await a.append('keep', 2);
    expect((await call(`${a.props}/notes`, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await a.get('/notes')).status).toBe(404);
    expect((await call(`${a.props}/notes`, a.as({ method: 'DELETE' }))).status).toBe(404);
    const { lists, items } = await tables(a.id);
    expect(lists.map((l) => l.name)).toEqual(['keep']);
    expect(items.map((i) => i.list_name)).toEqual(['keep']);
    // The name is free again, for either kind.
    expect((await call(`${a.props}/notes`, a.as({ method: 'PUT', raw: 'now simple' }))).status).toBe(204);
  });

  it('inserts keep a total order through fractional positions', async () => {
    const a = await listActor();
    await a.append('l', 'b');
    await a.append('l', 'd');
    const items = `${a.props}/l/items`;
    const insert = (index: number, value: string) =>
      call(items, a.as({ method: 'POST', body: { action: 'insert', item_index: index, item_value: value } }));
    expect((await insert(0, 'a')).json).toEqual({ success: true, index: 0 });
    expect((await insert(2, 'c')).status).toBe(201);
    expect((await insert(4, 'e')).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await insert(1, `a${5 - i}`)).status).toBe(201);
    expect((await insert(11, 'x')).status).toBe(400);
    expect((await a.get('/l')).json).toEqual(['a', 'a1', 'a2', 'a3', 'a4', 'a5', 'b', 'c', 'd', 'e']);
    const positions = (await tables(a.id)).items.map((i) => i.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('reads and writes metadata; only description and explanation are writable', async () => {
    const a = await listActor();
    await a.append('notes', 'x');
    const put = await call(`${a.props}/notes/metadata`, a.as({ method: 'PUT', body: { description: 'x' } }));
    expect(put.status).toBe(204);
    expect((await a.get('/notes/metadata')).json).toEqual({
      name: 'notes',
      description: 'x',
      explanation: '',
      count: 1,
      _list: true,
    });
    expect(
      (await call(`${a.props}/notes/metadata`, a.as({ method: 'PUT', body: { explanation: 'because' } })))
        .status,
    ).toBe(204);
    expect((await a.get('/notes?format=short')).json).toEqual({
      _list: true,
      count: 1,
      description: 'x',
      explanation: 'because',
    });
    for (const body of [{ count: 5 }, { description: 'y', name: 'z' }, { description: 7 }, {}, ['x']]) {
      expect((await call(`${a.props}/notes/metadata`, a.as({ method: 'PUT', body }))).status).toBe(400);
    }
    expect(
      (await call(`${a.props}/nolist/metadata`, a.as({ method: 'PUT', body: { description: 'x' } }))).status,
    ).toBe(404);
    expect((await a.get('/nolist/metadata')).status).toBe(404);
    expect((await tables(a.id)).lists).toEqual([{ name: 'notes', description: 'x', explanation: 'because' }]);
    expect((await tables(a.id)).properties).toEqual([]);
    // A simple property may still have a key called metadata.
    await call(`${a.props}/doc`, a.as({ method: 'PUT', body: { a: 1 } }));
    expect((await call(`${a.props}/doc/metadata`, a.as({ method: 'PUT', raw: 'm' }))).status).toBe(204);
    expect((await a.get('/doc')).json).toEqual({ a: 1, metadata: 'm' });
  });

  it('lists lists in GET /properties: markers, format=full, metadata=true', async () => {
    const a = await listActor();
    await call(
      a.props,
      a.as({
        method: 'POST',
        body: {
          name: 'Ann',
          notes: { _type: 'list', description: 'd', explanation: 'e' },
          empty: { _type: 'list' },
        },
      }),
    );
    await a.append('notes', 'æ');
    await a.append('notes', { k: 1 });

    expect((await a.get()).json).toEqual({
      name: 'Ann',
      notes: { _list: true, count: 2 },
      empty: { _list: true, count: 0 },
    });
    expect((await a.get('?format=short')).json).toEqual((await a.get()).json);
    expect((await a.get('?format=full')).json).toEqual({
      name: 'Ann',
      notes: { _list: true, count: 2, description: 'd', explanation: 'e', items: ['æ', { k: 1 }] },
      empty: { _list: true, count: 0, description: '', explanation: '', items: [] },
    });
    expect((await a.get('?metadata=true')).json).toEqual({
      simple: { properties: ['name'], total_bytes: Buffer.byteLength('"Ann"') },
      lists: {
        notes: {
          count: 2,
          total_bytes: Buffer.byteLength('"æ"') + Buffer.byteLength('{"k":1}'),
          description: 'd',
          explanation: 'e',
        },
        empty: { count: 0, total_bytes: 0, description: '', explanation: '' },
      },
    });
    expect((await a.get('?format=full&metadata=true')).status).toBe(400);
    expect((await a.get('?format=short&metadata=true')).status).toBe(400);
    expect((await a.get('?format=long')).status).toBe(400);
    expect((await a.get('?metadata=maybe')).status).toBe(400);
    expect((await a.get('/?format=full')).json.notes.items).toEqual(['æ', { k: 1 }]);
  });

  it('serves the Python /items endpoint with index and value addressing', async () => {
    const a = await listActor();
    const items = `${a.props}/todo/items`;
    const act = (body: unknown) => call(items, a.as({ method: 'POST', body }));
    expect((await act({ action: 'add', item_value: 'x' })).status).toBe(404); // no list yet
    await call(a.props, a.as({ method: 'POST', body: { todo: { _type: 'list' } } }));

    const added = await act({ action: 'add', item_value: { task: 'milk' } });
    expect(added.status).toBe(201);
    expect(added.json).toEqual({ success: true, index: 0 });
    expect((await act({ action: 'add', item_value: { task: 'eggs' } })).json).toEqual({
      success: true,
      index: 1,
    });
    expect((await act({ action: 'add', item_value: 'dup' })).json.index).toBe(2);
    expect((await act({ action: 'add', item_value: 'dup' })).json.index).toBe(3);
    expect((await call(items, a.as())).json).toEqual({
      items: [
        { index: 0, item: { task: 'milk' } },
        { index: 1, item: { task: 'eggs' } },
        { index: 2, item: 'dup' },
        { index: 3, item: 'dup' },
      ],
      count: 4,
    });

    expect((await act({ action: 'update', item_index: 1, item_value: { task: 'bread' } })).status).toBe(204);
    expect((await act({ action: 'update', item_index: '0', item_value: 'milk!' })).status).toBe(204);
    expect(
      (await act({ action: 'update', old_item: { task: 'bread' }, item_value: { task: 'butter', n: 2 } }))
        .status,
    ).toBe(204);
    // Value matching ignores key order.
    expect(
      (await act({ action: 'update', old_item: { n: 2, task: 'butter' }, item_value: 'b' })).status,
    ).toBe(204);
    expect((await act({ action: 'update', old_item: 'nope', item_value: 'x' })).status).toBe(404);
    expect((await act({ action: 'update', old_item: 'dup', item_value: 'x' })).status).toBe(409);
    expect((await act({ action: 'delete', item_value: 'dup' })).status).toBe(409);
    expect((await act({ action: 'delete', item_value: 'nope' })).status).toBe(404);
    expect((await act({ action: 'delete', item_index: 3 })).status).toBe(204);
    expect((await act({ action: 'delete', item_value: 'dup' })).status).toBe(204);
    expect((await a.get('/todo')).json).toEqual(['milk!', 'b']);

    for (const bad of [
      { action: 'explode' },
      {},
      'add',
      { action: 'add' },
      { action: 'add', item_value: null },
      { action: 'update', item_index: 2, item_value: 'x' },
      { action: 'update', item_index: -1, item_value: 'x' },
      { action: 'update', item_index: 'one', item_value: 'x' },
      { action: 'update', item_value: 'x' },
      { action: 'delete', item_index: 2 },
      { action: 'delete', item_index: 1.5 },
      { action: 'delete' },
      { action: 'insert', item_index: 3, item_value: 'x' },
      { action: 'insert', item_value: 'x' },
    ]) {
      const res = await act(bad);
      expect([bad, res.status]).toEqual([bad, 400]);
    }
    expect((await a.get('/todo')).json).toEqual(['milk!', 'b']);
    expect((await call(`${a.props}/nolist/items`, a.as())).status).toBe(404);
  });

  it('applies bulk item updates from POST /properties: updates, appends, then deletes high to low', async () => {
    const a = await listActor();
    for (const item of ['a', 'b', 'c', 'd']) await a.append('l', item);
    const res = await call(
      a.props,
      a.as({
        method: 'POST',
        body: {
          l: {
            items: [
              { index: 3 },
              { index: 1 },
              { index: 0, title: 'A' },
              { index: 4, title: 'E' },
              { index: 5, title: 'F' },
              { index: 2, title: 'C' },
            ],
          },
          other: 'simple',
        },
      }),
    );
    expect(res.status).toBe(201);
    expect((await a.get('/l')).json).toEqual([
      { title: 'A' },
      { title: 'C' },
      { title: 'E' },
      { title: 'F' },
    ]);
    expect((await a.get('/other')).text).toBe('simple');
    // A name that is not a list keeps {items: [...]} as a simple value.
    await call(a.props, a.as({ method: 'POST', body: { box: { items: [1, 2] } } }));
    expect((await a.get('/box')).json).toEqual({ items: [1, 2] });
  });

  it.each([
    ['an index past the length', { index: 5, v: 1 }],
    ['a delete past the end', { index: 4 }],
    ['a negative index', { index: -1, v: 1 }],
    ['a string index', { index: '1', v: 1 }],
    ['a fractional index', { index: 0.5, v: 1 }],
    ['an entry without index', { v: 1 }],
    ['an entry that is not an object', 7],
  ])(
    'rejects a bulk update with %s (400) and changes nothing, simple values included',
    async (_label, entry) => {
      const a = await listActor();
      for (const item of ['a', 'b', 'c', 'd']) await a.append('l', item);
      const before = await tables(a.id);
      const res = await call(
        a.props,
        a.as({ method: 'POST', body: { first: 1, l: { items: [{ index: 0, v: 'changed' }, entry] }, z: 2 } }),
      );
      expect(res.status).toBe(400);
      expect(await tables(a.id)).toEqual(before);
    },
  );

  it('rejects bad list names and bodies with 400, never 500', async () => {
    const a = await listActor();
    expect((await call(`${a.props}/a%23b`, a.as({ method: 'POST', raw: 'x' }))).status).toBe(400);
    expect((await call(a.props, a.as({ method: 'POST', body: { 'a#b': { _type: 'list' } } }))).status).toBe(
      400,
    );
    expect(
      (await call(a.props, a.as({ method: 'POST', body: { l: { _type: 'list', description: 5 } } }))).status,
    ).toBe(400);
    expect(
      (await call(a.props, a.as({ method: 'POST', body: { l: { _type: 'list', count: 5 } } }))).status,
    ).toBe(400);
    expect((await call(`${a.props}/l`, a.as({ method: 'POST' }))).status).toBe(400);
    expect((await call(`${a.props}/list:x`, a.as({ method: 'POST', raw: 'x' }))).status).toBe(400);
    const deep = '['.repeat(200) + ']'.repeat(200);
    expect(
      (
        await call(
          `${a.props}/l`,
          a.as({ method: 'POST', raw: deep, headers: { 'content-type': 'application/json' } }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await rawCall(server.url, `/${a.id}/properties/l%2Fx`, {
          method: 'POST',
          body: 'x',
          headers: a.as().headers,
        })
      ).status,
    ).toBe(400);
    await a.append('l', 'ok');
    expect((await call(`${a.props}/l/0/x`, a.as({ method: 'POST', raw: 'x' }))).status).toBe(400);
    expect((await call(`${a.props}/l/items`, a.as({ method: 'PUT', raw: 'x' }))).status).toBe(400);
    expect((await call(`${a.props}/l/metadata`, a.as({ method: 'DELETE' }))).status).toBe(400);
    expect((await call(`${a.props}/l`, a.as({ method: 'PUT', body: ['replace'] }))).status).toBe(409);
    const { lists, items } = await tables(a.id);
    expect(lists.map((l) => l.name)).toEqual(['l']);
    expect(items.map((i) => i.value)).toEqual(['"ok"']);
  });

  it('loses none of 50 concurrent appends and keeps a total order', async () => {
    const a = await listActor();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => a.append('burst', { i })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(results.map((r) => r.json.index).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    const items = (await a.get('/burst')).json as { i: number }[];
    expect(items).toHaveLength(50);
    expect(new Set(items.map((x) => x.i)).size).toBe(50);
    // Each append landed at the index it was told.
    results.forEach((r, i) => expect(items[r.json.index]).toEqual({ i }));

    for (let i = 0; i < 10; i++) await a.append('seq', i);
    expect((await a.get('/seq')).json).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('serialises concurrent creation of one name as a list and as a simple property', async () => {
    const a = await listActor();
    const [asList, asSimple] = await Promise.all([
      a.append('race', 'item'),
      call(`${a.props}/race`, a.as({ method: 'PUT', raw: 'simple' })),
    ]);
    // Whichever came first wins; the other gets 409.
    expect([
      [201, 409],
      [409, 204],
    ]).toContainEqual([asList.status, asSimple.status]);
    const { lists, properties } = await tables(a.id);
    expect(lists.length + properties.length).toBe(1);
  });

  it('records a structured list diff for every write, in the transaction', async () => {
    const a = await listActor();
    await call(a.props, a.as({ method: 'POST', body: { l: { _type: 'list', description: 'd' } } }));
    await a.append('l', 'a');
    await a.append('l', 'b');
    const items = `${a.props}/l/items`;
    await call(items, a.as({ method: 'POST', body: { action: 'insert', item_index: 1, item_value: 'ab' } }));
    await call(`${a.props}/l/0`, a.as({ method: 'PUT', raw: 'A' }));
    await call(items, a.as({ method: 'POST', body: { action: 'update', old_item: 'b', item_value: 'B' } }));
    await call(`${a.props}/l/1`, a.as({ method: 'DELETE' }));
    await call(items, a.as({ method: 'POST', body: { action: 'delete', item_value: 'A' } }));
    await call(`${a.props}/l/metadata`, a.as({ method: 'PUT', body: { explanation: 'x' } }));
    await call(
      a.props,
      a.as({
        method: 'POST',
        body: {
          l: {
            items: [
              { index: 0, v: 1 },
              { index: 1, v: 2 },
              { index: 2, v: 3 },
            ],
          },
        },
      }),
    );
    // Rejected writes record nothing.
    expect((await call(`${a.props}/l/9`, a.as({ method: 'PUT', raw: 'x' }))).status).toBe(404);
    expect(
      (await call(items, a.as({ method: 'POST', body: { action: 'delete', item_index: 9 } }))).status,
    ).toBe(400);
    expect((await call(`${a.props}/l/0`, a.as({ method: 'POST', raw: 'x' }))).status).toBe(400);
    await call(`${a.props}/l`, a.as({ method: 'DELETE' }));

    expect(a.diffs()).toEqual([
      { list: 'l', operation: 'metadata', length: 0 },
      { list: 'l', operation: 'append', length: 1, item: 'a', index: 0 },
      { list: 'l', operation: 'append', length: 2, item: 'b', index: 1 },
      { list: 'l', operation: 'insert', length: 3, item: 'ab', index: 1 },
      { list: 'l', operation: 'update', length: 3, item: 'A', index: 0 },
      { list: 'l', operation: 'update', length: 3, item: 'B', index: 2, old_item: 'b' },
      { list: 'l', operation: 'delete', length: 2, index: 1 },
      { list: 'l', operation: 'remove', length: 1, item: 'A', index: 0 },
      { list: 'l', operation: 'metadata', length: 1 },
      { list: 'l', operation: 'update', length: 1, item: { v: 1 }, index: 0 },
      { list: 'l', operation: 'extend', length: 3, items: [{ v: 2 }, { v: 3 }] },
      { list: 'l', operation: 'delete_all', length: 0 },
    ]);
    const records = committed.filter((c) => c.actorId === a.id);
    expect(records.every((c) => c.operation === 'list' && c.path.length === 1 && c.path[0] === 'l')).toBe(
      true,
    );
  });

  it('DELETE /properties removes every list and simple property, with records', async () => {
    const a = await listActor();
    await a.append('one', 1);
    await a.append('two', 2);
    await call(`${a.props}/simple`, a.as({ method: 'PUT', raw: 's' }));
    const mark = committed.length;
    expect((await call(a.props, a.as({ method: 'DELETE' }))).status).toBe(204);
    expect((await a.get()).json).toEqual({});
    expect(await tables(a.id)).toEqual({ lists: [], items: [], properties: [] });
    const records = committed.slice(mark).filter((c) => c.actorId === a.id);
    expect(records.map((c) => c.listDiff ?? { deleted: c.path[0] })).toEqual([
      { deleted: 'simple' },
      { list: 'one', operation: 'delete_all', length: 0 },
      { list: 'two', operation: 'delete_all', length: 0 },
    ]);
  });

  it('applies the properties access rules to lists', async () => {
    const a = await listActor();
    await a.append('notes', 'n');
    await server.app.get(TrustRepository).insert({
      actorId: a.id,
      peerId: 'assoc',
      baseuri: 'http://peer/',
      peerType: 'urn:actingweb:t:p',
      relationship: 'associate',
      secret: 'list-assoc-secret',
      description: '',
      approved: true,
      peerApproved: true,
      verified: true,
      verificationToken: null,
      establishedVia: 'trust',
      createdAt: new Date().toISOString(),
    });
    const peer = { authorization: 'Bearer list-assoc-secret' };
    expect((await call(`${a.props}/notes`)).status).toBe(401);
    expect((await call(`${a.props}/notes`, { method: 'POST', raw: 'x' })).status).toBe(401);
    // associate reads only what its permissions name (public/* by default): grant notes, then it can read.
    expect((await call(`${a.props}/notes`, { headers: peer })).status).toBe(403);
    const grant = await call(
      `${server.url}${a.id}/trust/associate/assoc/permissions`,
      a.as({
        method: 'PUT',
        body: { properties: { patterns: ['notes', 'notes/*'], operations: ['read'] } },
      }),
    );
    expect(grant.status).toBe(201);
    expect((await call(`${a.props}/notes`, { headers: peer })).json).toEqual(['n']);
    expect((await call(`${a.props}/notes`, { method: 'POST', raw: 'x', headers: peer })).status).toBe(403);
    expect((await call(`${a.props}/notes/0`, { method: 'DELETE', headers: peer })).status).toBe(403);
    expect((await a.get('/notes')).json).toEqual(['n']);
  });
});

@Injectable()
class ListHooks {
  readonly seen: string[] = [];

  @PropertyHook('guarded')
  guard(ctx: PropertyHookContext): unknown {
    this.seen.push(`${ctx.operation} ${ctx.name} [${ctx.path.join(',')}] ${JSON.stringify(ctx.value)}`);
    const value = ctx.value as Record<string, unknown> | unknown[] | string;
    if (ctx.operation === 'put' || ctx.operation === 'post') {
      if (value === 'reject') return null;
      return typeof value === 'string' ? value.toUpperCase() : value;
    }
    if (ctx.operation === 'delete') return ctx.path[0] === '0' ? null : value;
    // get: hide the item "secret" from lists and single reads.
    if (Array.isArray(value)) return value.filter((v) => v !== 'SECRET');
    return value === 'SECRET' ? null : value;
  }

  @PropertyHook('hidden', { operations: ['get'] })
  hide(): null {
    return null;
  }
}

/** Property hooks on lists: the list name as `name`, the index path as `path`. */
describe.each(STORAGES)('list property hooks on $name', (storage) => {
  let server: TestServer;
  let hooks: ListHooks;
  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [ListHooks] });
    hooks = server.app.get(ListHooks);
  });
  afterAll(() => server.close());

  it('runs get/put/post/delete hooks with the index path', async () => {
    const actor = await newActor(server);
    const send = (path: string, method: string, raw?: string) =>
      call(`${actor.props}${path}`, { method, raw, headers: actor.auth });

    expect((await send('/guarded', 'POST', 'first')).status).toBe(201);
    expect((await send('/guarded', 'POST', 'secret')).status).toBe(201);
    expect((await send('/guarded', 'POST', 'reject')).status).toBe(400);
    expect((await send('/guarded/1', 'PUT', 'reject')).status).toBe(400);
    expect((await send('/guarded/2', 'PUT', 'third')).status).toBe(204);
    expect((await send('/guarded', 'GET')).json).toEqual(['FIRST', 'THIRD']);
    expect((await send('/guarded/1', 'GET')).status).toBe(404);
    expect((await send('/guarded/2', 'GET')).json).toBe('THIRD');
    expect((await send('', 'GET')).json).toEqual({ guarded: { _list: true, count: 2 } });
    expect((await send('/guarded/0', 'DELETE')).status).toBe(403);
    expect((await send('/guarded/2', 'DELETE')).status).toBe(204);
    expect(hooks.seen).toEqual([
      'post guarded [] "first"',
      'post guarded [] "secret"',
      'post guarded [] "reject"',
      'put guarded [1] "reject"',
      'put guarded [2] "third"',
      'get guarded [] ["FIRST","SECRET","THIRD"]',
      'get guarded [1] "SECRET"',
      'get guarded [2] "THIRD"',
      'get guarded [] ["FIRST","SECRET","THIRD"]',
      'delete guarded [0] "FIRST"',
      'delete guarded [2] "THIRD"',
    ]);

    expect((await send('/hidden', 'POST', 'x')).status).toBe(201);
    expect((await send('/hidden', 'GET')).status).toBe(404);
    expect((await send('/hidden?format=short', 'GET')).status).toBe(404);
    expect((await send('/hidden/0', 'GET')).status).toBe(404);
    expect((await send('?format=full', 'GET')).json).toEqual({
      guarded: { _list: true, count: 1, description: '', explanation: '', items: ['FIRST'] },
    });
  });
});

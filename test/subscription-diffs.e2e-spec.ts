import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { bearer, befriend, newActor, subscribe, type TestActor } from './support/subscriptions.js';

/** The publisher's properties before each write. */
const INITIAL = { test: { var1: 'v1', resource: { x: 'x1', y: 'y1' } }, other: 'o' };

/** The diffs one write registers for each subscription level; `[]` = none. */
interface Cell {
  write: string;
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  /** `properties` */
  target: unknown[];
  /** `properties/test` */
  subtarget: unknown[];
  /** `properties/test/resource` */
  resource: unknown[];
}

/**
 * Diff shaping (ActingWeb spec, "Getting Subscription Updates"): every write level × every subscription
 * level. A diff is shaped for its subscription's level and holds only what
 * changed; `""` marks a deletion; a resource subscription gets the resource's
 * whole value. A replacing write whose new value lacks the subscribed part is
 * not a diff for it (as in the reference): only a DELETE shows a removal.
 */
const TABLE: Cell[] = [
  {
    write: 'bulk POST /properties covering the resource',
    method: 'POST',
    path: '',
    body: { test: { resource: 'change4', some: 'data' } },
    target: [{ test: { resource: 'change4', some: 'data' } }],
    subtarget: [{ resource: 'change4', some: 'data' }],
    resource: ['change4'],
  },
  {
    write: 'bulk POST /properties of the subtarget without the resource',
    method: 'POST',
    path: '',
    body: { test: { var1: 'new' } },
    target: [{ test: { var1: 'new' } }],
    subtarget: [{ var1: 'new' }],
    resource: [],
  },
  {
    write: 'bulk POST /properties of another property',
    method: 'POST',
    path: '',
    body: { other: 'p' },
    target: [{ other: 'p' }],
    subtarget: [],
    resource: [],
  },
  {
    write: 'PUT of the subtarget with the resource',
    method: 'PUT',
    path: '/test',
    body: { resource: 'change4', some: 'data' },
    target: [{ test: { resource: 'change4', some: 'data' } }],
    subtarget: [{ resource: 'change4', some: 'data' }],
    resource: ['change4'],
  },
  {
    write: 'PUT of the subtarget without the resource',
    method: 'PUT',
    path: '/test',
    body: { var1: 'hey' },
    target: [{ test: { var1: 'hey' } }],
    subtarget: [{ var1: 'hey' }],
    resource: [],
  },
  {
    write: 'PUT of the subtarget as a string',
    method: 'PUT',
    path: '/test',
    body: 'change1',
    target: [{ test: 'change1' }],
    subtarget: ['change1'],
    resource: [],
  },
  {
    write: 'PUT of another property',
    method: 'PUT',
    path: '/other',
    body: 5,
    target: [{ other: 5 }],
    subtarget: [],
    resource: [],
  },
  {
    write: 'PUT of the resource',
    method: 'PUT',
    path: '/test/resource',
    body: 'change5',
    target: [{ test: { resource: 'change5' } }],
    subtarget: [{ resource: 'change5' }],
    resource: ['change5'],
  },
  {
    write: 'PUT of another resource',
    method: 'PUT',
    path: '/test/var1',
    body: 'v2',
    target: [{ test: { var1: 'v2' } }],
    subtarget: [{ var1: 'v2' }],
    resource: [],
  },
  {
    write: 'PUT of a path deeper than the resource',
    method: 'PUT',
    path: '/test/resource/x',
    body: 'x2',
    target: [{ test: { resource: { x: 'x2' } } }],
    subtarget: [{ resource: { x: 'x2' } }],
    resource: [{ x: 'x2', y: 'y1' }],
  },
  {
    write: 'DELETE /properties (all)',
    method: 'DELETE',
    path: '',
    target: [{ test: '', other: '' }],
    subtarget: [''],
    resource: [''],
  },
  {
    write: 'DELETE of the subtarget',
    method: 'DELETE',
    path: '/test',
    target: [{ test: '' }],
    subtarget: [''],
    resource: [''],
  },
  {
    write: 'DELETE of another property',
    method: 'DELETE',
    path: '/other',
    target: [{ other: '' }],
    subtarget: [],
    resource: [],
  },
  {
    write: 'DELETE of the resource',
    method: 'DELETE',
    path: '/test/resource',
    target: [{ test: { resource: '' } }],
    subtarget: [{ resource: '' }],
    resource: [''],
  },
  {
    write: 'DELETE of another resource',
    method: 'DELETE',
    path: '/test/var1',
    target: [{ test: { var1: '' } }],
    subtarget: [{ var1: '' }],
    resource: [],
  },
  {
    write: 'DELETE of a path deeper than the resource',
    method: 'DELETE',
    path: '/test/resource/x',
    target: [{ test: { resource: { x: '' } } }],
    subtarget: [{ resource: { x: '' } }],
    resource: [{ y: 'y1' }],
  },
];

describe.each(STORAGES)('diff shaping on $name', (storage) => {
  let server: TestServer;
  let publisher: TestActor;
  let subscriber: TestActor;
  let secret: string;
  const subs = { target: '', subtarget: '', resource: '' };

  beforeAll(async () => {
    server = await startFreshServer(storage, { autoApprove: ['friend'] });
    publisher = await newActor(server);
    subscriber = await newActor(server);
    secret = await befriend(subscriber, publisher);
    // Polling only (granularity none): every registered diff stays at the publisher to be read.
    subs.target = await subscribe(subscriber, publisher, { granularity: 'none' });
    subs.subtarget = await subscribe(subscriber, publisher, { subtarget: 'test', granularity: 'none' });
    subs.resource = await subscribe(subscriber, publisher, {
      subtarget: 'test',
      resource: 'resource',
      granularity: 'none',
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const write = async (method: string, path: string, body?: unknown) => {
    const res = await call(`${publisher.url}/properties${path}`, { method, headers: publisher.auth, body });
    expect(res.status).toBeLessThan(300);
  };
  /** The pending diffs of one subscription, as `[sequence, data]`. */
  const pending = async (subId: string): Promise<{ sequence: number; data: Array<[number, unknown]> }> => {
    const res = await call(`${publisher.url}/subscriptions/${subscriber.id}/${subId}`, {
      headers: bearer(secret),
    });
    expect(res.status).toBe(200);
    return { sequence: res.json.sequence, data: res.json.data.map((d: any) => [d.sequence, d.data]) };
  };
  const clearAll = async () => {
    for (const subId of Object.values(subs)) {
      const { sequence } = await pending(subId);
      const cleared = await call(`${publisher.url}/subscriptions/${subscriber.id}/${subId}`, {
        method: 'PUT',
        headers: bearer(secret),
        body: { sequence },
      });
      expect(cleared.status).toBe(204);
    }
  };

  it.each(TABLE)('$write', async (cell) => {
    await write('DELETE', '');
    await write('POST', '', INITIAL);
    await clearAll();
    const before = { target: 0, subtarget: 0, resource: 0 };
    for (const level of ['target', 'subtarget', 'resource'] as const)
      before[level] = (await pending(subs[level])).sequence;

    await write(cell.method, cell.path, cell.body);

    for (const level of ['target', 'subtarget', 'resource'] as const) {
      const after = await pending(subs[level]);
      const expected = cell[level].map((data, i): [number, unknown] => [before[level] + i + 1, data]);
      expect({ level, diffs: after.data }).toEqual({ level, diffs: expected });
      expect(after.sequence).toBe(before[level] + expected.length);
    }
  });

  it('the reference flow: a resource subscription sees "initial", "change4", "change5" and nothing for replacing strings', async () => {
    await write('DELETE', '');
    await clearAll();
    const { sequence: start } = await pending(subs.resource);
    await write('POST', '', {
      data1: { str1: 'initial', str2: 'initial' },
      data2: 'initial',
      test: { var1: 'initial', var2: 'initial', resource: 'initial' },
    });
    for (const change of ['change1', 'change2', 'change3']) await write('PUT', '/test', change);
    await write('PUT', '/test', { resource: 'change4', some: 'data' });
    await write('PUT', '/test/resource', 'change5');
    expect((await pending(subs.resource)).data).toEqual([
      [start + 1, 'initial'],
      [start + 2, 'change4'],
      [start + 3, 'change5'],
    ]);
  });
});

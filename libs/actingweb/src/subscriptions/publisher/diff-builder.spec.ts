import { describe, expect, it } from '@jest/globals';
import {
  combinePieces,
  permissionPath,
  pieceFor,
  scopePath,
  wrap,
  type ChangeInput,
} from './diff-builder.js';

/** The worked example of the ActingWeb spec, "Getting Subscription Updates": `/properties` starts as `{data1, data2: "initial", test: {var1, var2, resource}}`. */
const BEFORE_TEST = { var1: 'a', var2: 'b', resource: 'r' };

const scope = (subtarget = '', resource = '') => scopePath({ target: 'properties', subtarget, resource });
const put = (path: string[], newValue: unknown, oldValue?: unknown): ChangeInput => ({
  path,
  operation: 'put',
  newValue,
  oldValue,
});
const del = (path: string[], oldValue: unknown): ChangeInput => ({ path, operation: 'delete', oldValue });
const data = (change: ChangeInput, s: string[]) => {
  const piece = pieceFor(change, s);
  return piece === null ? null : piece.kind === 'diff' ? piece.data : { state: piece.path };
};

describe('diff builder (the worked examples of the spec)', () => {
  it('PUT /properties/test {"var1":"hey"} replaces test', () => {
    const change = put(['test'], { var1: 'hey' }, BEFORE_TEST);
    expect(data(change, scope())).toEqual({ test: { var1: 'hey' } });
    expect(data(change, scope('test'))).toEqual({ var1: 'hey' });
  });

  it('PUT /properties/test/var1 "change2" is a partial update at every level', () => {
    const change = put(['test', 'var1'], 'change2', 'hey');
    expect(data(change, scope())).toEqual({ test: { var1: 'change2' } });
    expect(data(change, scope('test'))).toEqual({ var1: 'change2' });
    expect(data(change, scope('test', 'var1'))).toBe('change2');
  });

  it('a DELETE shows as "" at the right level', () => {
    const change = del(['test', 'resource'], 'r');
    expect(data(change, scope())).toEqual({ test: { resource: '' } });
    expect(data(change, scope('test'))).toEqual({ resource: '' });
    expect(data(change, scope('test', 'resource'))).toBe('');
    expect(data(del(['test'], BEFORE_TEST), scope())).toEqual({ test: '' });
  });

  it('a broader change gives a subscription its own slice; only a broader DELETE gives ""', () => {
    expect(data(put(['test'], { var1: 'x', var2: 'y' }, BEFORE_TEST), scope('test', 'var2'))).toBe('y');
    expect(
      data(put(['test'], { resource: 'change4', some: 'data' }, 'change3'), scope('test', 'resource')),
    ).toBe('change4');
    // The replacing PUT dropped `resource`: not a diff for its subscriber (only a DELETE shows a removal).
    expect(data(put(['test'], { var1: 'hey' }, BEFORE_TEST), scope('test', 'resource'))).toBeNull();
    expect(data(put(['test'], 'change1', BEFORE_TEST), scope('test', 'resource'))).toBeNull();
    // Neither before nor after: not concerned.
    expect(data(put(['test'], { var1: 'hey' }, BEFORE_TEST), scope('test', 'other'))).toBeNull();
    expect(data(del(['test'], BEFORE_TEST), scope('test', 'var1'))).toBe('');
  });

  it('a subscription elsewhere gets nothing', () => {
    expect(data(put(['test'], { var1: 'hey' }), scope('other'))).toBeNull();
    expect(data(put(['test', 'var1'], 1), scope('test', 'var2'))).toBeNull();
  });

  it('a resource subscription asks for the whole resource when the change is deeper', () => {
    expect(data(put(['loc', 'lat', 'min'], 4), scope('loc', 'lat'))).toEqual({ state: ['loc', 'lat'] });
    expect(data(put(['loc', 'lat', 'min'], 4), scope('loc'))).toEqual({ lat: { min: 4 } });
  });

  it('multi-level resources', () => {
    expect(scopePath({ target: 'properties', subtarget: 'a', resource: 'b/c' })).toEqual(['a', 'b', 'c']);
    expect(data(put(['a'], { b: { c: 7 } }), ['a', 'b', 'c'])).toBe(7);
  });

  it('list diffs: bare for the list, wrapped for the target, none below the list', () => {
    const listDiff = { list: 'notes', operation: 'append', length: 3, item: 'x', index: 2 };
    const change: ChangeInput = { path: ['notes'], operation: 'list', listDiff };
    expect(pieceFor(change, scope('notes'))).toEqual({ kind: 'diff', data: listDiff, list: true });
    expect(pieceFor(change, scope())).toEqual({ kind: 'diff', data: { notes: listDiff }, list: true });
    expect(pieceFor(change, scope('notes', '2'))).toBeNull();
    expect(pieceFor(change, scope('other'))).toBeNull();
  });

  it('POST /properties: one diff with the whole posted object; a subtarget gets its slice', () => {
    const changes = [
      { ...put(['a'], '1'), operation: 'post' },
      { ...put(['b'], { c: 'd' }), operation: 'post' },
    ];
    const pieces = (s: string[]) =>
      changes.flatMap((c, i) => {
        const p = pieceFor(c, s);
        return p && p.kind === 'diff' ? [{ data: p.data, list: p.list, change: i }] : [];
      });
    expect(combinePieces(pieces(scope()))).toEqual([{ data: { a: '1', b: { c: 'd' } }, changes: [0, 1] }]);
    expect(combinePieces(pieces(scope('b')))).toEqual([{ data: { c: 'd' }, changes: [1] }]);
  });

  it('does not merge list diffs, scalars or overlapping keys', () => {
    const combined = combinePieces([
      { data: { a: 1 }, list: false, change: 0 },
      { data: { a: '' }, list: false, change: 1 },
      { data: { n: { list: 'n', operation: 'append' } }, list: true, change: 2 },
      { data: { n: { list: 'n', operation: 'append' } }, list: true, change: 3 },
      { data: 'x', list: false, change: 4 },
      { data: 'y', list: false, change: 5 },
    ]);
    expect(combined.map((c) => c.changes)).toEqual([[0], [1], [2], [3], [4], [5]]);
  });

  it('permission path is the deeper of change and subscription', () => {
    expect(permissionPath(put(['test', 'var1'], 1), ['test'])).toBe('test/var1');
    expect(permissionPath(put(['test'], {}), ['test', 'var1'])).toBe('test/var1');
  });

  it('wrap', () => {
    expect(wrap([], 1)).toBe(1);
    expect(wrap(['a', 'b'], '')).toEqual({ a: { b: '' } });
  });
});

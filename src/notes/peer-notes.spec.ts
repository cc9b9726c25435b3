import { describe, expect, it } from '@jest/globals';
import { applyListDiff, listDiffIn } from './peer-notes.js';

const diff = (operation: string, length: number, rest: object = {}) => ({
  list: 'notes',
  operation,
  length,
  ...rest,
});

describe('applyListDiff', () => {
  const copy = ['a', 'b', 'c'];

  it('applies each list operation of the spec', () => {
    expect(applyListDiff(copy, diff('append', 4, { item: 'd', index: 3 }))).toEqual(['a', 'b', 'c', 'd']);
    expect(applyListDiff(copy, diff('insert', 4, { item: 'x', index: 1 }))).toEqual(['a', 'x', 'b', 'c']);
    expect(applyListDiff(copy, diff('update', 3, { item: 'B', index: 1 }))).toEqual(['a', 'B', 'c']);
    expect(applyListDiff(copy, diff('delete', 2, { index: 0 }))).toEqual(['b', 'c']);
    expect(applyListDiff(copy, diff('remove', 2, { item: 'c', index: 2 }))).toEqual(['a', 'b']);
    expect(applyListDiff(copy, diff('extend', 5, { items: ['d', 'e'] }))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(applyListDiff(copy, diff('clear', 0))).toEqual([]);
    expect(applyListDiff(copy, diff('delete_all', 0))).toEqual([]);
    expect(applyListDiff(copy, diff('metadata', 3))).toEqual(copy);
    expect(copy).toEqual(['a', 'b', 'c']); // the copy given is left alone
  });

  it('gives null when the diff does not fit the copy', () => {
    expect(applyListDiff(copy, diff('append', 5, { item: 'd' }))).toBeNull(); // the copy missed a change
    expect(applyListDiff(copy, diff('update', 3, { item: 'x', index: 3 }))).toBeNull();
    expect(applyListDiff(copy, diff('delete', 2, { index: -1 }))).toBeNull();
    expect(applyListDiff(copy, diff('insert', 4, { item: 'x' }))).toBeNull(); // no index
    expect(applyListDiff(copy, diff('shuffle', 3))).toBeNull();
    expect(applyListDiff(copy, { var1: 'not a list diff' })).toBeNull();
    expect(applyListDiff(copy, '')).toBeNull();
  });
});

describe('listDiffIn', () => {
  it('finds the list diff bare (subscription on the list) or under its name (on all properties)', () => {
    const listDiff = diff('append', 1, { item: 'a' });
    expect(listDiffIn(listDiff, 'notes', 'notes')).toBe(listDiff);
    expect(listDiffIn({ notes: listDiff }, null, 'notes')).toBe(listDiff);
    expect(listDiffIn({ notes: listDiff }, '', 'notes')).toBe(listDiff);
    expect(listDiffIn({ status: 'away' }, null, 'notes')).toBeUndefined();
    expect(listDiffIn('away', 'status', 'notes')).toBeUndefined();
  });
});

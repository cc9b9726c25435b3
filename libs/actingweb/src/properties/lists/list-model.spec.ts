import { describe, expect, it } from '@jest/globals';
import { generateKeyBetween } from 'fractional-indexing';
import {
  isBulkItemUpdate,
  isListDescriptor,
  parseListIndex,
  planBulkUpdate,
  validateListName,
} from './list-model.js';

describe('list property helpers', () => {
  it('parses indexes: non-negative integers only, huge ones clamped', () => {
    expect(parseListIndex('0')).toBe(0);
    expect(parseListIndex('007')).toBe(7);
    expect(parseListIndex(12)).toBe(12);
    expect(parseListIndex('9'.repeat(30))).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of ['-1', '1.5', '', ' 1', 'x', -1, 1.5, Number.NaN, null, undefined, {}, '1e3']) {
      expect(() => parseListIndex(bad)).toThrow(expect.objectContaining({ statusCode: 400 }));
    }
  });

  it('validates list names like property names, and refuses #', () => {
    expect(() => validateListName('notes')).not.toThrow();
    expect(() => validateListName('a#b')).toThrow(expect.objectContaining({ statusCode: 400 }));
    expect(() => validateListName('list:x')).toThrow(expect.objectContaining({ statusCode: 400 }));
    expect(() => validateListName('__proto__')).toThrow(expect.objectContaining({ statusCode: 400 }));
  });

  it('recognises the POST body extensions', () => {
    expect(isListDescriptor({ _type: 'list' })).toBe(true);
    expect(isListDescriptor({ _type: 'other' })).toBe(false);
    expect(isListDescriptor('list')).toBe(false);
    expect(isBulkItemUpdate({ items: [] })).toBe(true);
    expect(isBulkItemUpdate({ items: [], other: 1 })).toBe(false);
    expect(isBulkItemUpdate({ items: 'x' })).toBe(false);
  });

  describe('planBulkUpdate', () => {
    it('reads indexes against the list before the batch: updates, appends, deletes high to low', () => {
      const plan = planBulkUpdate(
        [{ index: 3 }, { index: 1 }, { index: 0, t: 'A' }, { index: 4, t: 'E' }, { index: 5, t: 'F' }],
        4,
      );
      expect([...plan.updates]).toEqual([[0, { t: 'A' }]]);
      expect(plan.appends).toEqual([{ t: 'E' }, { t: 'F' }]);
      expect(plan.deletes).toEqual([3, 1]);
    });

    it('lets a later entry for the same index win, and a delete cancel an append', () => {
      const plan = planBulkUpdate(
        [{ index: 0, v: 1 }, { index: 0, v: 2 }, { index: 1, v: 3 }, { index: 1 }],
        1,
      );
      expect([...plan.updates]).toEqual([[0, { v: 2 }]]);
      expect(plan.appends).toEqual([]);
      expect(plan.deletes).toEqual([]);
    });

    it('accepts a delete listed before the append that creates its index', () => {
      const plan = planBulkUpdate([{ index: 2 }, { index: 2, v: 1 }, { index: 3, v: 2 }], 2);
      expect(plan.appends).toEqual([{ v: 2 }]);
    });

    it.each([
      ['past the length', [{ index: 2, v: 1 }]],
      ['a delete past the end', [{ index: 1 }]],
      ['a negative index', [{ index: -1 }]],
      ['a string index', [{ index: '0', v: 1 }]],
      ['no index', [{ v: 1 }]],
      ['a non-object', [3]],
    ])('rejects %s with 400', (_label, entries) => {
      expect(() => planBulkUpdate(entries, 1)).toThrow(expect.objectContaining({ statusCode: 400 }));
    });
  });

  it('orders fractional keys byte-wise, as the database compares them', () => {
    let keys = [generateKeyBetween(null, null)];
    for (let i = 0; i < 50; i++) keys.push(generateKeyBetween(keys[keys.length - 1], null));
    for (let i = 0; i < 50; i++) keys = [keys[0], generateKeyBetween(keys[0], keys[1]), ...keys.slice(1)];
    const bytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(bytes).toEqual(keys);
  });
});

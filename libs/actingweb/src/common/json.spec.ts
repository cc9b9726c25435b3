import { describe, expect, it } from '@jest/globals';
import { isNone, isPlainObject, jsonEqual } from './json.js';

describe('JSON helpers', () => {
  it('treats null and undefined as None, nothing else', () => {
    expect(isNone(null)).toBe(true);
    expect(isNone(undefined)).toBe(true);
    for (const value of [0, '', false, {}, []]) expect(isNone(value)).toBe(false);
  });

  it('calls literals and null-prototype objects plain, not arrays, null or class instances', () => {
    expect(isPlainObject({ a: 1 })).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject(JSON.parse('{"a":{}}'))).toBe(true);
    for (const value of [null, [], 'x', 1, new Date(), new (class Dto {})(), new Map()]) {
      expect(isPlainObject(value)).toBe(false);
    }
  });

  it('compares JSON structurally, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual({}, [])).toBe(false);
  });
});

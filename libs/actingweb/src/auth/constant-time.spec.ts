import { describe, expect, it } from '@jest/globals';
import { secretsEqual } from './constant-time.js';

describe('secretsEqual', () => {
  it('is true only for identical strings', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
    expect(secretsEqual('æøå', 'æøå')).toBe(true);
    expect(secretsEqual('æøå', 'aoa')).toBe(false);
  });
});

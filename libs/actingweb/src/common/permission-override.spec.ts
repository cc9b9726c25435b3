import { describe, expect, it } from '@jest/globals';
import { BadRequestError } from '../errors/actingweb.errors.js';
import { normalizeOverride } from './permission-override.js';

describe('normalizeOverride', () => {
  const rejects = (input: unknown, message: RegExp) => {
    let thrown: unknown;
    try {
      normalizeOverride(input);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect((thrown as BadRequestError).statusCode).toBe(400);
    expect((thrown as Error).message).toMatch(message);
  };

  it('accepts every category in its wire form', () => {
    const input = {
      properties: { patterns: ['notes/*'], operations: ['read', 'write'], excluded_patterns: ['notes/x'] },
      resources: { patterns: ['notes://'], operations: ['subscribe'] },
      methods: { allowed: ['get_*'], denied: ['admin_*'] },
      actions: { allowed: [], denied: ['*'] },
      tools: { allowed: ['search'] },
      prompts: { allowed: ['summarize_*'] },
    };
    expect(normalizeOverride(input)).toEqual(input);
  });

  it('reads the properties shorthand as read-only patterns', () => {
    expect(normalizeOverride({ properties: ['a/*', 'b'] })).toEqual({
      properties: { patterns: ['a/*', 'b'], operations: ['read'] },
    });
  });

  it('drops null categories and null keys, and removes duplicates', () => {
    expect(
      normalizeOverride({ properties: null, methods: { allowed: ['a', 'a', 'b'], denied: null } }),
    ).toEqual({ methods: { allowed: ['a', 'b'] } });
    expect(normalizeOverride({})).toEqual({});
  });

  it('builds fresh objects', () => {
    const input = { methods: { allowed: ['a'] } };
    const out = normalizeOverride(input);
    expect(out.methods).not.toBe(input.methods);
    expect(out.methods?.allowed).not.toBe(input.methods.allowed);
  });

  it.each([
    [null, /expected a JSON object of permission categories \(got null\)/],
    [['properties'], /expected a JSON object .*got an array/],
    ['friend', /expected a JSON object .*got string "friend"/],
    [{ propertys: ['a'] }, /unknown permission category "propertys"/],
    [JSON.parse('{"__proto__": {"allowed": ["*"]}}'), /unknown permission category "__proto__"/],
    [{ constructor: { allowed: ['*'] } }, /unknown permission category "constructor"/],
    [{ methods: ['a'] }, /methods must be an object with allowed, denied \(got an array\)/],
    [{ resources: ['a'] }, /resources must be an object with patterns, operations, excluded_patterns/],
    [{ properties: 'a/*' }, /properties must be an object .*\(or a list of patterns\)/],
    [{ properties: { pattern: ['a'] } }, /unknown key "pattern" in properties/],
    [{ methods: { patterns: ['a'] } }, /unknown key "patterns" in methods \(expected allowed, denied\)/],
    [{ properties: { patterns: ['a'], allowed: ['b'] } }, /unknown key "allowed" in properties/],
    [JSON.parse('{"tools": {"__proto__": ["x"]}}'), /unknown key "__proto__" in tools/],
    [{ tools: { allowed: 'search' } }, /tools\.allowed must be an array of strings/],
    [{ tools: { allowed: ['ok', 3] } }, /tools\.allowed\[1\] must be a string \(got number 3\)/],
    [{ properties: ['a', { x: 1 }] }, /properties\[1\] must be a string \(got an object\)/],
    [{ methods: { denied: [''] } }, /methods\.denied\[0\] must not be empty/],
    [
      { properties: { operations: ['read', 'Write'] } },
      /properties\.operations\[1\] must be one of read, write, delete, subscribe \(got "Write"\)/,
    ],
    [
      { properties: { patterns: Array.from({ length: 201 }, (_, i) => `p${i}`) } },
      /properties\.patterns has 201 entries; at most 200/,
    ],
    [
      { prompts: { allowed: ['x'.repeat(257)] } },
      /prompts\.allowed\[0\] is 257 characters long; at most 256/,
    ],
  ])('rejects %j', (input, message) => {
    rejects(input, message);
  });

  it('accepts the limits themselves', () => {
    const out = normalizeOverride({
      properties: {
        patterns: Array.from({ length: 200 }, (_, i) => `p${i}`),
        excluded_patterns: ['x'.repeat(256)],
      },
    });
    expect(out.properties?.patterns).toHaveLength(200);
    expect(out.properties?.excluded_patterns?.[0]).toHaveLength(256);
  });

  it('does not pollute prototypes', () => {
    try {
      normalizeOverride(JSON.parse('{"__proto__": {"polluted": ["yes"]}}'));
    } catch {
      // expected
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(normalizeOverride({ tools: { allowed: ['a'] } }))).toBe(Object.prototype);
  });
});

import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TRUST_TYPES } from '../config/trust-types.js';
import {
  evaluatePermission,
  evaluateRule,
  evaluateSubscription,
  globCacheSize,
  leastPrivilege,
  matchesPattern,
  mergePermissions,
} from './permission-evaluator.js';
import type { Permissions } from '../common/permissions.types.js';

const base = (name: string): Permissions => {
  const t = BUILT_IN_TRUST_TYPES.find((x) => x.name === name);
  if (!t) throw new Error(`no built-in ${name}`);
  return t.permissions;
};

describe('matchesPattern', () => {
  it.each([
    // [target, pattern, expected]
    ['anything/at/all', '*', true],
    ['', '*', true],
    ['notes', 'notes', true],
    ['notes2', 'notes', false],
    ['notes://work/x', 'notes://', true],
    ['notes://', 'notes://', true],
    ['usage://x', 'notes://', false],
    ['xnotes://work', 'notes://', false],
    ['public/a', 'public/*', true],
    ['public/a/b/c', 'public/*', true], // `*` crosses `/`
    ['public/', 'public/*', true],
    ['public', 'public/*', false],
    ['xpublic/a', 'public/*', false], // anchored at the start
    ['get_profile', 'get_*', true],
    ['forget_profile', 'get_*', false],
    ['a/b/c', '*/c', true],
    ['a/b/cd', '*/c', false], // anchored at the end
    ['file1', 'file?', true],
    ['file', 'file?', false],
    ['file12', 'file?', false],
    ['fileæ', 'file?', true],
    ['file😀', 'file?', true], // `?` is one code point
    ['a.b', 'a.b', true],
    ['axb', 'a.b', false], // `.` is literal
    ['a+b(c)[d]{e}|f^g$h\\i', 'a+b(c)[d]{e}|f^g$h\\i', true],
    ['aab', 'a+b', false],
    ['x/(y)', '*/(y)', true],
    ['x/y', '*/(y)', false],
    ['private/a\nb', 'private/*', true], // `*` also crosses line breaks
    ['private/a\n', 'private/*', true],
  ])('%j against %j → %s', (target, pattern, expected) => {
    expect(matchesPattern(target, pattern)).toBe(expected);
  });

  it('keeps the compiled-glob cache bounded', () => {
    for (let i = 0; i < 3000; i++) matchesPattern(`k${i}`, `k${i}*z`);
    expect(globCacheSize()).toBeLessThanOrEqual(1024);
    expect(globCacheSize()).toBeGreaterThan(0);
    // Still correct after evictions.
    expect(matchesPattern('k5xz', 'k5*z')).toBe(true);
    expect(matchesPattern('k5xy', 'k5*z')).toBe(false);
  });
});

describe("evaluateRule (the reference's order)", () => {
  it('denied beats allowed', () => {
    expect(evaluateRule({ allowed: ['*'], denied: ['admin_*'] }, 'admin_reset', 'call')).toBe('denied');
    expect(evaluateRule({ allowed: ['*'], denied: ['admin_*'] }, 'get_x', 'call')).toBe('allowed');
  });

  it('allowed beats patterns', () => {
    const rule = { allowed: ['secret/ok'], patterns: ['public/*'], operations: ['read'] };
    expect(evaluateRule(rule, 'secret/ok', 'write')).toBe('allowed');
  });

  it('an operation outside operations is denied even for a matching pattern', () => {
    expect(evaluateRule({ patterns: ['*'], operations: ['read'] }, 'x', 'write')).toBe('denied');
  });

  it('a pattern match is allowed unless an exclusion matches too', () => {
    const rule = { patterns: ['*'], operations: ['read'], excluded_patterns: ['private/*'] };
    expect(evaluateRule(rule, 'notes/a', 'read')).toBe('allowed');
    expect(evaluateRule(rule, 'private/a', 'read')).toBe('denied');
  });

  it('no pattern match is denied, except the empty target (a listing) which is not_found', () => {
    const rule = { patterns: ['public/*'], operations: ['read'] };
    expect(evaluateRule(rule, 'other', 'read')).toBe('denied');
    expect(evaluateRule(rule, '', 'read')).toBe('not_found');
  });

  it('an empty target still denies an operation outside operations', () => {
    expect(evaluateRule({ patterns: ['public/*'], operations: ['read'] }, '', 'delete')).toBe('denied');
  });

  it('nothing applicable is not_found', () => {
    expect(evaluateRule(undefined, 'x', 'read')).toBe('not_found');
    expect(evaluateRule({}, 'x', 'read')).toBe('not_found');
    expect(evaluateRule({ allowed: ['a'] }, 'b', 'call')).toBe('not_found');
    expect(evaluateRule({ allowed: [], denied: [] }, 'b', 'call')).toBe('not_found');
    // patterns without operations (or the reverse) is not a pattern rule.
    expect(evaluateRule({ patterns: ['*'] }, 'b', 'read')).toBe('not_found');
    expect(evaluateRule({ operations: ['read'] }, 'b', 'read')).toBe('not_found');
  });

  it('ignores malformed stored lists instead of throwing', () => {
    const rule = { allowed: 'x', denied: [1, null], patterns: ['*'], operations: ['read'] } as never;
    expect(evaluateRule(rule, 'x', 'read')).toBe('allowed');
  });
});

describe('evaluatePermission with the built-in types', () => {
  it('friend: reads and writes everything but the exclusions; no delete', () => {
    const p = base('friend');
    expect(evaluatePermission(p, 'properties', 'notes/work', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', 'notes/work', 'write')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', 'notes/work', 'delete')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'private/x', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'security/keys', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'properties', '_internal/state', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'privately', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'get_profile', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'delete_all', 'call')).toBe('denied');
    expect(evaluatePermission(p, 'actions', 'system_halt', 'execute')).toBe('denied');
    expect(evaluatePermission(p, 'tools', 'search', 'use')).toBe('allowed');
    expect(evaluatePermission(p, 'tools', 'delete_x', 'use')).toBe('allowed'); // tools do not deny delete_*
    expect(evaluatePermission(p, 'resources', 'private/doc', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'resources', '_internal/doc', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'prompts', 'anything', 'invoke')).toBe('not_found');
  });

  it('associate: public read only', () => {
    const p = base('associate');
    expect(evaluatePermission(p, 'properties', 'public/x', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', 'public/x', 'write')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'notes/x', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'properties', '', 'read')).toBe('not_found');
    expect(evaluatePermission(p, 'methods', 'ping', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'get_x', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'list_x', 'call')).toBe('not_found');
    expect(evaluatePermission(p, 'actions', 'anything', 'execute')).toBe('denied');
    expect(evaluatePermission(p, 'tools', 'search', 'use')).toBe('denied');
  });

  it('viewer: public and shared read', () => {
    const p = base('viewer');
    expect(evaluatePermission(p, 'properties', 'shared/x', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', 'shared/x', 'write')).toBe('denied');
    expect(evaluatePermission(p, 'methods', 'export_all', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'admin_x', 'call')).toBe('denied');
  });

  it('partner: only _internal excluded from properties, security from resources', () => {
    const p = base('partner');
    expect(evaluatePermission(p, 'properties', 'private/x', 'write')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', '_internal/x', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'x', 'delete')).toBe('denied');
    expect(evaluatePermission(p, 'resources', 'security/x', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'methods', 'delete_x', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'methods', 'admin_x', 'call')).toBe('denied');
  });

  it('admin: everything', () => {
    const p = base('admin');
    for (const op of ['read', 'write', 'delete']) {
      expect(evaluatePermission(p, 'properties', 'private/x', op)).toBe('allowed');
      expect(evaluatePermission(p, 'resources', 'security/x', op)).toBe('allowed');
    }
    expect(evaluatePermission(p, 'methods', 'admin_reset', 'call')).toBe('allowed');
    expect(evaluatePermission(p, 'actions', 'system_halt', 'execute')).toBe('allowed');
    expect(evaluatePermission(p, 'tools', 'delete_all', 'use')).toBe('allowed');
  });

  it('mcp_client: prefix, URI and prompt rules', () => {
    const p = base('mcp_client');
    expect(evaluatePermission(p, 'properties', 'notes/today', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'properties', 'notes/today', 'write')).toBe('denied');
    expect(evaluatePermission(p, 'properties', 'settings', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'resources', 'notes://work/x', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'resources', 'actingweb://properties/all', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'resources', 'oauth://token', 'read')).toBe('denied');
    expect(evaluatePermission(p, 'tools', 'list', 'use')).toBe('allowed');
    expect(evaluatePermission(p, 'tools', 'auth_reset', 'use')).toBe('denied');
    expect(evaluatePermission(p, 'actions', 'search', 'execute')).toBe('allowed');
    expect(evaluatePermission(p, 'actions', 'publish', 'execute')).toBe('not_found');
    expect(evaluatePermission(p, 'prompts', 'summarize_week', 'invoke')).toBe('allowed');
    expect(evaluatePermission(p, 'prompts', 'delete_week', 'invoke')).toBe('not_found');
  });

  it('a `://` prefix pattern in a rule', () => {
    const p: Permissions = { resources: { patterns: ['notes://'], operations: ['read'] } };
    expect(evaluatePermission(p, 'resources', 'notes://work/x', 'read')).toBe('allowed');
    expect(evaluatePermission(p, 'resources', 'usage://x', 'read')).toBe('denied');
  });

  it('an unconfigured category or an empty set is not_found', () => {
    expect(evaluatePermission({}, 'properties', 'x', 'read')).toBe('not_found');
    expect(evaluatePermission({ methods: { allowed: ['*'] } }, 'properties', 'x', 'read')).toBe('not_found');
  });

  it('only own categories count', () => {
    const inherited = Object.create({ properties: { patterns: ['*'], operations: ['read'] } }) as Permissions;
    expect(evaluatePermission(inherited, 'properties', 'x', 'read')).toBe('not_found');
  });
});

describe('mergePermissions', () => {
  const friend = base('friend');

  it('unions patterns and excluded_patterns base first, without duplicates', () => {
    const merged = mergePermissions(friend, {
      properties: { patterns: ['*', 'extra/*'], excluded_patterns: ['notes/secret', 'private/*'] },
    });
    expect(merged.properties).toEqual({
      patterns: ['*', 'extra/*'],
      operations: ['read', 'write'],
      excluded_patterns: ['private/*', 'security/*', '_internal/*', 'notes/secret'],
    });
    expect(evaluatePermission(merged, 'properties', 'notes/secret', 'read')).toBe('denied');
  });

  it('an override cannot remove a base exclusion', () => {
    const merged = mergePermissions(friend, { properties: { excluded_patterns: [] } });
    expect(evaluatePermission(merged, 'properties', 'private/x', 'read')).toBe('denied');
  });

  it('replaces operations, allowed and denied', () => {
    const merged = mergePermissions(friend, {
      properties: { operations: ['read'] },
      methods: { allowed: ['get_*'], denied: [] },
    });
    expect(merged.properties?.operations).toEqual(['read']);
    expect(merged.methods).toEqual({ allowed: ['get_*'], denied: [] });
    expect(evaluatePermission(merged, 'properties', 'notes/a', 'write')).toBe('denied');
    expect(evaluatePermission(merged, 'methods', 'delete_x', 'call')).toBe('not_found');
  });

  it('keeps the base for a null or missing category and adds new categories', () => {
    const merged = mergePermissions(friend, {
      tools: null as never,
      prompts: { allowed: ['summarize_*'] },
    });
    expect(merged.tools).toEqual(friend.tools);
    expect(merged.actions).toEqual(friend.actions);
    expect(merged.prompts).toEqual({ allowed: ['summarize_*'] });
  });

  it('deny in an override beats an allow in the base', () => {
    const merged = mergePermissions(base('admin'), { methods: { denied: ['admin_*'] } });
    expect(evaluatePermission(merged, 'methods', 'admin_reset', 'call')).toBe('denied');
    expect(evaluatePermission(merged, 'methods', 'get_x', 'call')).toBe('allowed');
  });

  it('returns fresh objects and leaves the inputs alone', () => {
    const override: Permissions = { properties: { patterns: ['x'] } };
    const merged = mergePermissions(friend, override);
    merged.properties?.patterns?.push('mutated');
    merged.methods?.denied?.push('mutated');
    expect(friend.properties?.patterns).toEqual(['*']);
    expect(friend.methods?.denied).toEqual(['delete_*', 'admin_*', 'system_*']);
    expect(override).toEqual({ properties: { patterns: ['x'] } });
    expect(mergePermissions(friend, null)).toEqual(friend);
    expect(mergePermissions(friend, null)).not.toBe(friend);
    expect(mergePermissions(undefined, { tools: { allowed: ['a'] } })).toEqual({ tools: { allowed: ['a'] } });
  });

  it('drops unknown categories and keys', () => {
    const merged = mergePermissions({ properties: { patterns: ['a'], bogus: ['x'] } as never }, {
      evil: { allowed: ['*'] },
    } as never);
    expect(merged).toEqual({ properties: { patterns: ['a'] } });
  });
});

describe('exclusions cover the parent of what they exclude', () => {
  it('denies reading "private" when "private/*" is excluded, but not "privateer"', async () => {
    const { evaluatePermission: evaluate } = await import('./permission-evaluator.js');
    const perms = { properties: { patterns: ['*'], operations: ['read'], excluded_patterns: ['private/*'] } };
    expect(evaluate(perms, 'properties', 'private', 'read')).toBe('denied');
    expect(evaluate(perms, 'properties', 'private/k', 'read')).toBe('denied');
    expect(evaluate(perms, 'properties', 'privateer', 'read')).toBe('allowed');
  });
});

describe('evaluateSubscription', () => {
  it.each([
    // [type, path, expected]
    ['associate', 'public', 'allowed'], // public/* grants watching public itself
    ['associate', 'public/x', 'allowed'],
    ['associate', '', 'denied'], // but not all of properties
    ['associate', 'publicity', 'denied'],
    ['associate', 'private', 'denied'],
    ['viewer', 'shared', 'allowed'],
    ['friend', '', 'allowed'],
    ['friend', 'notes', 'allowed'],
    ['friend', 'private', 'denied'], // excluded, parent included
    ['friend', 'private/k', 'denied'],
  ])('%s may subscribe to properties "%s": %s', (type, path, expected) => {
    expect(evaluateSubscription(base(type), 'properties', path)).toBe(expected);
  });

  it('needs read: a pattern granting only write below does not grant watching', () => {
    const perms: Permissions = { properties: { patterns: ['a/*'], operations: ['write'] } };
    expect(evaluateSubscription(perms, 'properties', 'a')).toBe('denied');
  });

  it('an exclusion or deny of the path itself wins over a grant below it', () => {
    const excluded: Permissions = {
      properties: { patterns: ['a/b/*'], operations: ['read'], excluded_patterns: ['a/*'] },
    };
    expect(evaluateSubscription(excluded, 'properties', 'a')).toBe('denied');
    expect(
      evaluateSubscription({ properties: { patterns: ['a/b/*'], operations: ['read'] } }, 'properties', 'a'),
    ).toBe('allowed');
  });

  it('leaves an unconfigured category to the route rules (not_found)', () => {
    expect(evaluateSubscription({}, 'properties', '')).toBe('not_found');
    expect(evaluateSubscription({}, 'properties', 'x')).toBe('not_found');
  });
});

describe('leastPrivilege', () => {
  it('turns not_found into denied for a relationship without a trust type only', () => {
    expect(leastPrivilege('not_found', false)).toBe('denied');
    expect(leastPrivilege('not_found', true)).toBe('not_found');
    expect(leastPrivilege('allowed', false)).toBe('allowed');
    expect(leastPrivilege('denied', true)).toBe('denied');
  });
});

import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TRUST_TYPES } from './trust-types.js';

describe('BUILT_IN_TRUST_TYPES', () => {
  it('holds the reference types plus proxy, once each', () => {
    expect(BUILT_IN_TRUST_TYPES.map((t) => t.name)).toEqual([
      'associate',
      'viewer',
      'friend',
      'partner',
      'admin',
      'mcp_client',
      'proxy',
    ]);
    for (const t of BUILT_IN_TRUST_TYPES) {
      expect(t.displayName).toEqual(expect.any(String));
      expect(t.description).toEqual(expect.any(String));
    }
  });

  it('gives proxy the permissions of friend (as a separate copy)', () => {
    const friend = BUILT_IN_TRUST_TYPES.find((t) => t.name === 'friend')!;
    const proxy = BUILT_IN_TRUST_TYPES.find((t) => t.name === 'proxy')!;
    expect(proxy.permissions).toEqual(friend.permissions);
    expect(proxy.permissions).not.toBe(friend.permissions);
  });

  it('matches the reference table for associate and admin exactly', () => {
    expect(BUILT_IN_TRUST_TYPES[0].permissions).toEqual({
      properties: { patterns: ['public/*'], operations: ['read'] },
      methods: { allowed: ['get_*', 'ping'], denied: ['delete_*', 'admin_*', 'system_*'] },
      actions: { allowed: [], denied: ['*'] },
      tools: { allowed: [], denied: ['*'] },
      resources: { patterns: ['public/*'], operations: ['read'] },
    });
    expect(BUILT_IN_TRUST_TYPES[4].permissions).toEqual({
      properties: { patterns: ['*'], operations: ['read', 'write', 'delete'] },
      methods: { allowed: ['*'] },
      actions: { allowed: ['*'] },
      tools: { allowed: ['*'] },
      resources: { patterns: ['*'], operations: ['read', 'write', 'delete'] },
    });
  });

  it('is deeply frozen', () => {
    const friend = BUILT_IN_TRUST_TYPES.find((t) => t.name === 'friend')!;
    expect(Object.isFrozen(BUILT_IN_TRUST_TYPES)).toBe(true);
    expect(Object.isFrozen(friend.permissions.properties)).toBe(true);
    expect(() => friend.permissions.properties!.patterns!.push('x')).toThrow(TypeError);
  });
});

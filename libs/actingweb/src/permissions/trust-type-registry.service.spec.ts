import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import type { ActingWebModuleOptions } from '../config/actingweb-options.interface.js';
import { evaluatePermission } from './permission-evaluator.js';
import { TrustTypeRegistry } from './trust-type-registry.service.js';

const registry = (extra: Partial<ActingWebModuleOptions> = {}) =>
  new TrustTypeRegistry(
    resolveConfig({ type: 'urn:actingweb:example.com:test', baseUrl: 'http://localhost/', ...extra }),
  );

describe('TrustTypeRegistry', () => {
  it('knows the built-ins', () => {
    const r = registry();
    expect(r.list().map((t) => t.name)).toEqual([
      'associate',
      'viewer',
      'friend',
      'partner',
      'admin',
      'mcp_client',
      'proxy',
    ]);
    expect(r.has('friend')).toBe(true);
    expect(r.has('stranger')).toBe(false);
    expect(r.get('stranger')).toBeUndefined();
    expect(r.get('admin')).toMatchObject({
      name: 'admin',
      displayName: 'Administrator',
      createdBy: 'system',
    });
  });

  it('adds app types after the built-ins and lets an app type replace a built-in in place', () => {
    const r = registry({
      trustTypes: [
        {
          name: 'family',
          displayName: 'Family',
          description: 'Close relatives',
          permissions: { properties: { patterns: ['photos/*'], operations: ['read'] } },
        },
        { name: 'friend', permissions: { properties: { patterns: ['shared/*'], operations: ['read'] } } },
      ],
      defaultRelationship: 'family',
    });
    expect(r.list().map((t) => t.name)).toEqual([
      'associate',
      'viewer',
      'friend',
      'partner',
      'admin',
      'mcp_client',
      'proxy',
      'family',
    ]);
    const friend = r.get('friend')!;
    expect(friend).toMatchObject({ displayName: 'friend', description: '', createdBy: 'application' });
    expect(evaluatePermission(friend.permissions, 'properties', 'notes/x', 'read')).toBe('denied');
    expect(evaluatePermission(friend.permissions, 'properties', 'shared/x', 'read')).toBe('allowed');
    expect(friend.permissions.methods).toBeUndefined(); // a replacement, not a merge
    const family = r.get('family')!;
    expect(family.permissions).toEqual({ properties: { patterns: ['photos/*'], operations: ['read'] } });

    expect(r.toMeta()).toEqual({
      trust_types: expect.objectContaining({
        family: { display_name: 'Family', description: 'Close relatives' },
        friend: { display_name: 'friend', description: '' },
        admin: { display_name: 'Administrator', description: 'Full administrative access to all resources' },
      }),
      default_trust_type: 'family',
    });
    expect(Object.keys(r.toMeta().trust_types)).toHaveLength(8);
    const list = r.toMetaList();
    expect(list).toHaveLength(8);
    expect(list[0]).toEqual({
      name: 'associate',
      display_name: 'Associate',
      description: 'Basic ActingWeb peer relationship with limited access',
      created_by: 'system',
    });
    expect(list.find((t) => t.name === 'friend')?.created_by).toBe('application');
    expect(list.at(-1)).toEqual({
      name: 'family',
      display_name: 'Family',
      description: 'Close relatives',
      created_by: 'application',
    });
  });

  it('reports the configured default relationship', () => {
    expect(registry().toMeta().default_trust_type).toBe('associate');
    expect(registry({ defaultRelationship: 'viewer' }).toMeta().default_trust_type).toBe('viewer');
  });

  it('hands out frozen definitions', () => {
    const t = registry().get('friend')!;
    expect(Object.isFrozen(t)).toBe(true);
    expect(() => {
      (t.permissions.methods!.allowed as string[]).push('x');
    }).toThrow(TypeError);
  });
});

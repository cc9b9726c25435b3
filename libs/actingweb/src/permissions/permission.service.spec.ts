import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import { BadRequestError } from '../errors/actingweb.errors.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import { ActorRepository } from '../storage/actor.repository.js';
import { TrustPermissionRepository } from '../storage/trust-permission.repository.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { TrustTypeRegistry } from './trust-type-registry.service.js';
import { PermissionService } from './permission.service.js';

describe('PermissionService', () => {
  const config = resolveConfig({
    type: 'urn:actingweb:example.com:test',
    baseUrl: 'http://localhost/',
    storage: { type: 'sqlite', filename: ':memory:' },
    trustTypes: [
      { name: 'family', permissions: { properties: { patterns: ['photos/*'], operations: ['read'] } } },
      { name: 'caller', permissions: { methods: { allowed: ['*'] } } },
    ],
  });
  let database: ActingWebDatabase;
  let repo: TrustPermissionRepository;
  let service: PermissionService;
  let peerCount = 0;

  beforeAll(async () => {
    database = new ActingWebDatabase(config);
    await database.migrate();
    await new ActorRepository(database).insert({
      id: 'me',
      creator: 'creator',
      passphrase: 'p'.repeat(40),
      trusteeRoot: null,
      createdAt: new Date().toISOString(),
    });
    repo = new TrustPermissionRepository(database);
    service = new PermissionService(new TrustTypeRegistry(config), repo);
  });

  afterAll(async () => {
    await database.onApplicationShutdown();
  });

  /** A fresh trusted peer of `me`. */
  async function peer(relationship = 'friend'): Promise<string> {
    const peerId = `peer${++peerCount}`;
    await new TrustRepository(database).insert({
      actorId: 'me',
      peerId,
      baseuri: `http://peer.example/${peerId}`,
      peerType: 'urn:actingweb:example.com:peer',
      relationship,
      secret: `secret-${peerId}`,
      description: '',
      approved: true,
      peerApproved: true,
      verified: true,
      verificationToken: null,
      establishedVia: 'trust',
      createdAt: new Date().toISOString(),
    });
    return peerId;
  }

  it('without an override: the type defaults', async () => {
    const p = await peer();
    const eff = await service.effective('me', p, 'friend');
    expect(eff).toEqual({
      permissions: expect.objectContaining({
        properties: {
          patterns: ['*'],
          operations: ['read', 'write'],
          excluded_patterns: ['private/*', 'security/*', '_internal/*'],
        },
      }),
      source: 'trust_type_default',
      trustType: 'friend',
      typed: true,
      override: null,
      isCustom: false,
    });
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/work', 'read')).toBe('allowed');
    expect(await service.decide('me', p, 'friend', 'properties', 'private/x', 'read')).toBe('denied');
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/work', 'delete')).toBe('denied');
    expect(await service.decide('me', p, 'associate', 'properties', 'notes/work', 'read')).toBe('denied');
  });

  it('an app-defined type supplies the base', async () => {
    const p = await peer('family');
    expect(await service.decide('me', p, 'family', 'properties', 'photos/1', 'read')).toBe('allowed');
    expect(await service.decide('me', p, 'family', 'properties', 'photos/1', 'write')).toBe('denied');
    expect(await service.decide('me', p, 'family', 'methods', 'get_x', 'call')).toBe('not_found');
  });

  it('an unknown type with no override has no permissions at all, and gets least privilege', async () => {
    const p = await peer('stranger');
    const eff = await service.effective('me', p, 'stranger');
    expect(eff.permissions).toEqual({});
    expect(eff.source).toBe('trust_type_default');
    expect(eff.typed).toBe(false);
    // Where a configured type would leave the route rules in charge, an unknown one is denied.
    expect(await service.decide('me', p, 'stranger', 'properties', 'public/x', 'read')).toBe('denied');
    expect(await service.decide('me', p, 'caller', 'properties', 'public/x', 'read')).toBe('not_found');
    expect(await service.overrideOpensCategory('me', p, 'stranger', 'properties')).toBe(false);

    // The creator's override is what it may do.
    await service.setOverride('me', p, 'stranger', { properties: ['public/*'] }, 'creator');
    expect(await service.decide('me', p, 'stranger', 'properties', 'public/x', 'read')).toBe('allowed');
    expect(await service.decide('me', p, 'stranger', 'methods', 'get_x', 'call')).toBe('denied');
    expect(await service.overrideOpensCategory('me', p, 'stranger', 'properties')).toBe(true);
    expect(await service.overrideOpensCategory('me', p, 'stranger', 'methods')).toBe(false);
    // A configured type's routes are the access rules' business, override or not.
    expect(await service.overrideOpensCategory('me', p, 'friend', 'properties')).toBe(false);
  });

  it('creates, merges, updates and deletes an override', async () => {
    const p = await peer();
    expect(
      await service.setOverride(
        'me',
        p,
        'friend',
        { properties: { excluded_patterns: ['notes/secret/*'] }, methods: { denied: ['*'] }, notes: 'hi' },
        'creator',
      ),
    ).toBe('created');

    let eff = await service.effective('me', p, 'friend');
    expect(eff).toMatchObject({
      source: 'custom_override',
      trustType: 'friend',
      isCustom: true,
      createdBy: 'creator',
      notes: 'hi',
      override: { properties: { excluded_patterns: ['notes/secret/*'] }, methods: { denied: ['*'] } },
    });
    expect(eff.updatedAt).toEqual(expect.any(String));
    expect(eff.permissions.properties?.excluded_patterns).toEqual([
      'private/*',
      'security/*',
      '_internal/*',
      'notes/secret/*',
    ]);
    expect(eff.permissions.methods).toEqual({ allowed: ['*'], denied: ['*'] });
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/secret/a', 'read')).toBe('denied');
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/public', 'read')).toBe('allowed');
    expect(await service.decide('me', p, 'friend', 'methods', 'get_x', 'call')).toBe('denied');

    // Update: named categories replace, null removes, others stay; echoed GET fields are ignored.
    expect(
      await service.setOverride(
        'me',
        p,
        'friend',
        {
          actor_id: 'me',
          peer_id: p,
          trust_type: 'admin',
          source: 'custom_override',
          is_custom: true,
          created_by: 'someone',
          updated_at: 'x',
          methods: null,
          properties: ['notes/*'],
        },
        'other',
      ),
    ).toBe('updated');
    eff = await service.effective('me', p, 'friend');
    expect(eff.override).toEqual({ properties: { patterns: ['notes/*'], operations: ['read'] } });
    expect(eff).toMatchObject({ createdBy: 'creator', notes: 'hi', trustType: 'friend' });
    expect(eff.permissions.methods).toEqual({ allowed: ['*'], denied: ['delete_*', 'admin_*', 'system_*'] });
    // operations replaced by the shorthand's read-only
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/x', 'write')).toBe('denied');
    expect(await service.decide('me', p, 'friend', 'properties', 'notes/x', 'read')).toBe('allowed');

    expect(await service.deleteOverride('me', p)).toBe(true);
    expect(await service.deleteOverride('me', p)).toBe(false);
    expect((await service.effective('me', p, 'friend')).source).toBe('trust_type_default');
  });

  it('the live relationship selects the base, whatever type the override was written for', async () => {
    const p = await peer();
    await service.setOverride('me', p, 'admin', { tools: { denied: ['x'] } }, 'creator');
    const eff = await service.effective('me', p, 'associate');
    expect(eff.trustType).toBe('associate');
    expect(await service.decide('me', p, 'associate', 'properties', 'notes/x', 'read')).toBe('denied');
  });

  it('rejects bad bodies without storing anything', async () => {
    const p = await peer();
    for (const [body, message] of [
      [null, /expected a JSON object/],
      [[], /expected a JSON object/],
      [{ propertiez: {} }, /unknown permission category "propertiez"/],
      [{ notes: 5 }, /notes must be a string/],
      [{ notes: 'x'.repeat(4097) }, /notes is longer than 4096/],
      [{ tools: { allowed: [1] } }, /tools\.allowed\[0\] must be a string/],
    ] as const) {
      await expect(service.setOverride('me', p, 'friend', body, 'creator')).rejects.toThrow(message);
      await expect(service.setOverride('me', p, 'friend', body, 'creator')).rejects.toBeInstanceOf(
        BadRequestError,
      );
    }
    expect(await repo.get('me', p)).toBeNull();
  });

  it('filters readable property names with one load', async () => {
    const p = await peer();
    const names = ['public/a', 'notes/x', 'private/y', 'security/z', 'top'];
    expect(await service.filterReadableProperties('me', p, 'friend', names)).toEqual([
      'public/a',
      'notes/x',
      'top',
    ]);
    expect(await service.filterReadableProperties('me', p, 'associate', names)).toEqual(['public/a']);
    // not_found (no properties rule at all) is kept for a configured type, not for an unknown one.
    const q = await peer('caller');
    expect(await service.filterReadableProperties('me', q, 'caller', names)).toEqual(names);
    const r = await peer('stranger');
    expect(await service.filterReadableProperties('me', r, 'stranger', names)).toEqual([]);

    let loads = 0;
    const counting = new PermissionService(new TrustTypeRegistry(config), {
      get: async (...args: Parameters<TrustPermissionRepository['get']>) => {
        loads++;
        return repo.get(...args);
      },
    } as unknown as TrustPermissionRepository);
    await counting.filterReadableProperties('me', p, 'friend', names);
    expect(loads).toBe(1);
  });

  it('fails closed when the override cannot be loaded', async () => {
    const broken = new PermissionService(new TrustTypeRegistry(config), {
      get: async () => {
        throw new Error('database down');
      },
    } as unknown as TrustPermissionRepository);
    expect(await broken.decide('me', 'p', 'admin', 'properties', 'x', 'read')).toBe('denied');
    expect(await broken.filterReadableProperties('me', 'p', 'admin', ['x'])).toEqual([]);
    await expect(broken.effective('me', 'p', 'admin')).rejects.toThrow('database down');
  });
});

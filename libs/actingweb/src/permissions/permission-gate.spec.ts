import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../common/caller.js';
import type { Permissions } from '../common/permissions.types.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import { PermissionGate } from './permission-gate.js';
import type { EffectivePermissions, PermissionService } from './permission.service.js';

const ACTOR = { id: 'a1' };
const peer = (relationship = 'friend', approved = true): Caller => ({
  kind: 'peer',
  peerId: 'p1',
  relationship,
  approved,
});

/** A PermissionService that serves fixed effective permissions (or fails). */
function gateWith(
  permissions: Permissions | Error,
  typed = true,
): { gate: PermissionGate; loads: () => number } {
  let loads = 0;
  const service = {
    effective: async (): Promise<EffectivePermissions> => {
      loads++;
      if (permissions instanceof Error) throw permissions;
      return {
        permissions,
        typed,
        source: 'trust_type_default',
        trustType: 'friend',
        override: null,
        isCustom: false,
      };
    },
  } as unknown as PermissionService;
  return { gate: new PermissionGate(service), loads: () => loads };
}

const NOTES: Permissions = {
  properties: { patterns: ['notes/*'], operations: ['read'] },
  methods: { allowed: ['get_*'], denied: ['get_secret'] },
};

describe('PermissionGate', () => {
  it('leaves non-peers to the access rules in rules mode, without loading anything', async () => {
    const { gate, loads } = gateWith(NOTES);
    for (const kind of ['creator', 'trustee', 'application', 'anonymous'] as const) {
      const check = await gate.for(ACTOR, { kind }, 'rules');
      expect(check.allows('properties', 'private/x', 'delete')).toBe(true);
      expect(() => check.assert('methods', 'admin_wipe', 'call')).not.toThrow();
      expect(check.filter('methods', ['a', 'b'], 'call')).toEqual(['a', 'b']);
      expect(check.maySubscribe('properties', '')).toBe(true);
    }
    expect(loads()).toBe(0);
  });

  it('answers without a lookup for everyone but an approved peer (immediate), as for() does', async () => {
    const { gate, loads } = gateWith(NOTES);
    expect(PermissionGate.immediate(peer())).toBeUndefined();
    expect(PermissionGate.immediate({ kind: 'creator' })?.allows('properties', 'x', 'write')).toBe(true);
    expect(
      PermissionGate.immediate({ kind: 'anonymous' }, 'explicit')?.allows('properties', 'x', 'read'),
    ).toBe(false);
    const unapproved = PermissionGate.immediate(peer('friend', false));
    expect(() => unapproved?.assert('properties', 'notes/today', 'read')).toThrow(ForbiddenError);
    expect((await gate.for(ACTOR, peer('friend', false))).allows('properties', 'notes/today', 'read')).toBe(
      false,
    );
    expect(loads()).toBe(0);
  });

  it('in rules mode refuses a peer only what its permissions deny, and nothing configured passes', async () => {
    const { gate, loads } = gateWith(NOTES);
    const check = await gate.for(ACTOR, peer(), 'rules');
    expect(check.allows('properties', 'notes/today', 'read')).toBe(true);
    expect(check.allows('properties', 'notes/today', 'write')).toBe(false);
    expect(check.allows('methods', 'get_secret', 'call')).toBe(false);
    expect(check.allows('actions', 'anything', 'execute')).toBe(true); // not configured: the rules decide
    expect(check.filter('methods', ['get_a', 'get_secret', 'other'], 'call')).toEqual(['get_a', 'other']);
    expect(() => check.assert('properties', 'notes/today', 'write')).toThrow(
      expect.objectContaining({
        statusCode: 403,
        code: 'permission_denied',
        message: 'The friend relationship does not allow write on properties notes/today',
      }),
    );
    expect(loads()).toBe(1); // one load for every decision above
  });

  it('gives a relationship without a trust type least privilege in rules mode', async () => {
    const { gate } = gateWith(NOTES, false);
    const check = await gate.for(ACTOR, peer('custom'), 'rules');
    expect(check.allows('properties', 'notes/today', 'read')).toBe(true);
    expect(check.allows('actions', 'anything', 'execute')).toBe(false);
  });

  it('in explicit mode (MCP) allows the creator and trustee everything, a peer only what is allowed', async () => {
    const { gate } = gateWith(NOTES);
    for (const kind of ['creator', 'trustee'] as const) {
      expect((await gate.for(ACTOR, { kind }, 'explicit')).allows('tools', 'x', 'use')).toBe(true);
    }
    for (const kind of ['application', 'anonymous'] as const) {
      expect((await gate.for(ACTOR, { kind }, 'explicit')).allows('tools', 'x', 'use')).toBe(false);
    }
    const check = await gate.for(ACTOR, peer(), 'explicit');
    expect(check.allows('methods', 'get_a', 'call')).toBe(true);
    expect(check.allows('actions', 'anything', 'execute')).toBe(false); // not configured: hidden
  });

  it('denies everything when the permissions cannot be loaded, or the peer is not approved', async () => {
    const failing = gateWith(new Error('database down'));
    const check = await failing.gate.for(ACTOR, peer(), 'rules');
    expect(check.allows('properties', 'notes/today', 'read')).toBe(false);
    expect(check.filter('properties', ['notes/today'], 'read')).toEqual([]);
    expect(check.maySubscribe('properties', 'notes')).toBe(false);
    expect(() => check.assert('properties', 'notes/today', 'read')).toThrow(ForbiddenError);

    const { gate, loads } = gateWith(NOTES);
    expect(
      (await gate.for(ACTOR, peer('friend', false), 'rules')).allows('properties', 'notes/a', 'read'),
    ).toBe(false);
    expect(loads()).toBe(0);
  });

  it('decides subscriptions with the subscription rule', async () => {
    const { gate } = gateWith({ properties: { patterns: ['public/*'], operations: ['read'] } });
    const check = await gate.for(ACTOR, peer(), 'rules');
    expect(check.maySubscribe('properties', 'public')).toBe(true);
    expect(check.maySubscribe('properties', '')).toBe(false);
  });

  describe('the unapproved peer rule', () => {
    it('lets an unapproved peer reach only its own trust record: read, approve, delete', () => {
      const waiting = peer('friend', false);
      for (const method of ['GET', 'POST', 'DELETE']) {
        expect(() =>
          PermissionGate.assertApproved(waiting, { pathKey: 'trust/<type>/<id>', method }),
        ).not.toThrow();
      }
      for (const access of [
        { pathKey: 'trust/<type>/<id>', method: 'PUT' },
        { pathKey: 'properties', method: 'GET' },
        undefined,
      ]) {
        expect(() => PermissionGate.assertApproved(waiting, access)).toThrow(
          expect.objectContaining({ statusCode: 403, code: 'trust_not_approved' }),
        );
      }
    });

    it('does not concern approved peers or other callers', () => {
      expect(() => PermissionGate.assertApproved(peer())).not.toThrow();
      expect(() => PermissionGate.assertApproved({ kind: 'creator' })).not.toThrow();
      expect(() => PermissionGate.assertApproved({ kind: 'anonymous' })).not.toThrow();
    });
  });
});

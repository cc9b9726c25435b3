import { describe, expect, it } from '@jest/globals';
import { AccessPolicy } from './access-policy.js';
import { DEFAULT_ACCESS_RULES } from './access-rules.js';
import { ANONYMOUS, type Caller } from '../common/caller.js';

const policy = new AccessPolicy(DEFAULT_ACCESS_RULES);
const creator: Caller = { kind: 'creator' };
const trustee: Caller = { kind: 'trustee' };
const peer = (relationship: string, peerId = 'p1', approved = true): Caller => ({
  kind: 'peer',
  peerId,
  relationship,
  approved,
});

describe('default access rules', () => {
  it.each([
    [ANONYMOUS, 'meta', 'GET', undefined, true],
    [ANONYMOUS, 'meta', 'PUT', undefined, false],
    [ANONYMOUS, '/', 'GET', undefined, false],
    [creator, '/', 'DELETE', undefined, true],
    [trustee, '/', 'DELETE', undefined, true],
    [peer('admin'), '/', 'DELETE', undefined, true],
    [peer('friend'), '/', 'DELETE', undefined, false],
    [creator, 'properties', 'PUT', undefined, true],
    [peer('associate'), 'properties', 'GET', undefined, true],
    [peer('associate'), 'properties', 'PUT', undefined, false],
    [peer('friend'), 'properties/a/b', 'PUT', undefined, true],
    [trustee, 'properties', 'GET', undefined, false],
    [ANONYMOUS, 'trust/<type>', 'POST', undefined, true],
    [ANONYMOUS, 'trust/<type>/<id>', 'POST', 'p1', false],
    [peer('friend', 'p1'), 'trust/<type>/<id>', 'GET', 'p1', true],
    [peer('friend', 'p2'), 'trust/<type>/<id>', 'GET', 'p1', false],
    [creator, 'trust/<type>/<id>', 'PUT', 'p1', true],
    [peer('friend'), 'trust', 'GET', undefined, false],
    [peer('friend', 'p1'), 'subscriptions/<id>', 'POST', 'p1', true],
    [peer('friend', 'p1'), 'subscriptions/<id>', 'POST', 'p2', false],
    [creator, 'subscriptions', 'GET', undefined, true],
    [peer('friend', 'p1'), 'callbacks/subscriptions/<id>', 'POST', 'p1', true],
    [peer('friend', 'p2'), 'callbacks/subscriptions/<id>', 'POST', 'p1', false],
    [peer('friend', 'p1'), 'permissions/<id>', 'GET', 'p1', true],
    [peer('friend', 'p2'), 'permissions/<id>', 'GET', 'p1', false],
    [peer('associate'), 'methods', 'POST', undefined, false],
    [peer('partner'), 'actions', 'POST', undefined, true],
    [ANONYMOUS, 'devtest', 'GET', undefined, false],
    [creator, 'unknown-path', 'GET', undefined, false],
    [creator, 'www', 'GET', undefined, true],
    [creator, 'www', 'POST', undefined, true],
    [ANONYMOUS, 'www', 'GET', undefined, false],
    [trustee, 'www', 'GET', undefined, false],
    [peer('admin'), 'www', 'GET', undefined, false],
    [peer('friend'), 'www', 'POST', undefined, false],
  ] as const)('%o on %s %s (path peer %s) → %s', (caller, pathKey, method, pathPeerId, allowed) => {
    expect(policy.allows(caller, { pathKey, method, pathPeerId })).toBe(allowed);
  });

  it('takes custom rules as data, first match wins', () => {
    const custom = new AccessPolicy([
      { roles: ['lover'], path: 'properties', methods: ['GET'] },
      { roles: ['anyone'], path: 'properties/public', methods: ['GET'], exact: true },
    ]);
    expect(custom.allows(peer('lover'), { pathKey: 'properties', method: 'GET' })).toBe(true);
    expect(custom.allows(ANONYMOUS, { pathKey: 'properties/public', method: 'GET' })).toBe(true);
    expect(custom.allows(ANONYMOUS, { pathKey: 'properties/public/x', method: 'GET' })).toBe(false);
    expect(custom.allows(creator, { pathKey: 'properties', method: 'GET' })).toBe(false);
  });
});

describe('callback paths', () => {
  it('refuse anonymous and foreign callers on subscription and permission callbacks', () => {
    for (const pathKey of ['callbacks/subscriptions/<id>', 'callbacks/permissions/<id>']) {
      expect(policy.allows(ANONYMOUS, { pathKey, method: 'POST', pathPeerId: 'p1' })).toBe(false);
      expect(policy.allows(peer('friend', 'p2'), { pathKey, method: 'POST', pathPeerId: 'p1' })).toBe(false);
      expect(policy.allows(peer('friend', 'p1'), { pathKey, method: 'POST', pathPeerId: 'p1' })).toBe(true);
    }
    expect(policy.allows(ANONYMOUS, { pathKey: 'callbacks/app-defined', method: 'POST' })).toBe(true);
  });
});

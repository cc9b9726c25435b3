import { PERMISSION_CATEGORIES, type PermissionCategory } from '../../common/permissions.types.js';
import type { EffectivePermissions } from '../../permissions/permission.service.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import type { RelationshipChoice } from '../services/console-trust.service.js';
import type { Kept } from './properties.view.js';
import { shortTime } from './values.js';

/** Categories with patterns and operations; the others have allowed and denied names. */
export const PATTERN_CATEGORIES: ReadonlySet<PermissionCategory> = new Set(['properties', 'resources']);
export const OPERATIONS = ['read', 'write', 'delete', 'subscribe'] as const;

/** The permissions form, as shown: per category whether it is overridden, and its rule as text. */
export interface PermissionFormState {
  readonly categories: Readonly<
    Record<
      PermissionCategory,
      {
        custom: boolean;
        patterns: string;
        operations: readonly string[];
        excluded: string;
        allowed: string;
        denied: string;
      }
    >
  >;
  readonly notes: string;
}

/** How a peer is named on the pages: the start of its id and the host it lives on. */
export function peerLabel(record: Pick<TrustRecord, 'peerId' | 'baseuri' | 'establishedVia'>): string {
  if (record.establishedVia === 'oauth2_client') return record.peerId;
  const id = record.peerId.length > 12 ? `${record.peerId.slice(0, 8)}…` : record.peerId;
  try {
    return `${id} at ${new URL(record.baseuri).host}`;
  } catch {
    return id;
  }
}

export function trustHref(base: string, peerId: string): string {
  return `${base}/trust/${encodeURIComponent(peerId)}`;
}

/** The trust page: three groups of trusts, the "delete here only" offer after a failure, the new-trust form. */
export function trustPageData(
  base: string,
  records: readonly TrustRecord[],
  relationships: readonly RelationshipChoice[],
  defaultRelationship: string,
  kept: Kept = {},
  unreachablePeer?: TrustRecord,
) {
  const action = (peerId: string, verb: string) => `${trustHref(base, peerId)}/${verb}`;
  const row = (t: TrustRecord) => ({
    peerLabel: peerLabel(t),
    href: trustHref(base, t.peerId),
    baseuri: t.baseuri,
    description: t.description,
    relationship: t.relationship,
    verified: t.verified,
    client: t.establishedVia === 'oauth2_client',
    createdAt: t.createdAt,
    created: shortTime(t.createdAt),
    approveAction: action(t.peerId, 'approve'),
    deleteAction: action(t.peerId, 'delete'),
    refreshAction: action(t.peerId, 'refresh'),
  });
  const chosen = kept.relationship ?? defaultRelationship;
  return {
    pending: records.filter((t) => !t.approved).map(row),
    waiting: records.filter((t) => t.approved && !t.peerApproved).map(row),
    approved: records.filter((t) => t.approved && t.peerApproved).map(row),
    unreachable: unreachablePeer
      ? { action: action(unreachablePeer.peerId, 'delete'), peerLabel: peerLabel(unreachablePeer) }
      : null,
    createAction: `${base}/trust`,
    relationships: relationships.map((r) => ({
      name: r.name,
      label: r.description ? `${r.displayName} — ${r.description}` : r.displayName,
      selected: r.name === chosen,
    })),
    form: { peer_url: kept.peer_url ?? '', description: kept.description ?? '' },
  };
}

/** The form's state from the stored permissions: the override where there is one, else the trust type's. */
export function permissionStateOf(effective: EffectivePermissions): PermissionFormState {
  const lines = (values: readonly string[] | undefined) => (values ?? []).join('\n');
  const categories = {} as Record<PermissionCategory, PermissionFormState['categories'][PermissionCategory]>;
  for (const category of PERMISSION_CATEGORIES) {
    const own = effective.override?.[category];
    const rule = (own ?? effective.permissions[category] ?? {}) as Record<string, string[] | undefined>;
    categories[category] = {
      custom: own !== undefined,
      patterns: lines(rule.patterns),
      operations: rule.operations ?? [],
      excluded: lines(rule.excluded_patterns),
      allowed: lines(rule.allowed),
      denied: lines(rule.denied),
    };
  }
  return { categories, notes: effective.notes ?? '' };
}

/** The page of one trust: its facts and the permissions form. */
export function trustPeerPageData(
  base: string,
  record: TrustRecord,
  effective: EffectivePermissions,
  state: PermissionFormState,
) {
  const status = !record.approved
    ? 'waiting for your approval'
    : record.peerApproved
      ? 'approved by both'
      : 'waiting for the peer';
  return {
    trustHref: `${base}/trust`,
    // Named fields only: the trust's secret never reaches a template.
    trust: {
      peerId: record.peerId,
      baseuri: record.baseuri,
      peerType: record.peerType,
      relationship: record.relationship,
      description: record.description,
      verified: record.verified,
      createdAt: record.createdAt,
      peerLabel: peerLabel(record),
      status,
      created: shortTime(record.createdAt),
    },
    typed: effective.typed,
    custom: effective.isCustom,
    categories: PERMISSION_CATEGORIES.map((name) => {
      const c = state.categories[name];
      return {
        name,
        label: name[0].toUpperCase() + name.slice(1),
        kind: PATTERN_CATEGORIES.has(name) ? 'pattern' : 'list',
        custom: c.custom,
        patterns: c.patterns,
        excluded: c.excluded,
        allowed: c.allowed,
        denied: c.denied,
        operations: OPERATIONS.map((value) => ({ value, checked: c.operations.includes(value) })),
      };
    }),
    notes: state.notes,
    saveAction: `${trustHref(base, record.peerId)}/permissions`,
    resetAction: `${trustHref(base, record.peerId)}/permissions/reset`,
  };
}

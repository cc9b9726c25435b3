import { PERMISSION_CATEGORIES, type PermissionCategory } from '../../common/permissions.types.js';
import type { EffectivePermissions } from '../../permissions/permission.service.js';
import type { ListRule, PatternRule, Permissions } from '../../common/permissions.types.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import type { RelationshipChoice } from '../services/console-trust.service.js';
import type { Kept } from './properties.view.js';
import { shortTime } from './values.js';

/** Categories with patterns and operations; the others have allowed and denied names. */
export const PATTERN_CATEGORIES: ReadonlySet<PermissionCategory> = new Set(['properties', 'resources']);
export const OPERATIONS = ['read', 'write', 'delete', 'subscribe'] as const;

/** Any stored rule: both shapes are accepted in every category. */
type AnyRule = PatternRule & ListRule;

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
  customised: ReadonlySet<string>,
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
    custom: customised.has(t.peerId),
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

/**
 * The form's state from the stored override. An override is merged into the
 * trust type's rule: `patterns` and `excluded_patterns` add to the type's,
 * `operations`, `allowed` and `denied` replace them. So a category not yet
 * overridden starts with no extra patterns and the type's replaceable lists.
 */
export function permissionStateOf(effective: EffectivePermissions, base: Permissions): PermissionFormState {
  const lines = (values: readonly string[] | undefined) => (values ?? []).join('\n');
  const categories = {} as Record<PermissionCategory, PermissionFormState['categories'][PermissionCategory]>;
  for (const category of PERMISSION_CATEGORIES) {
    const own = effective.override?.[category] as AnyRule | undefined;
    const typeRule = (base[category] ?? {}) as AnyRule;
    categories[category] = {
      custom: own !== undefined,
      patterns: lines(own?.patterns),
      operations: own?.operations ?? typeRule.operations ?? [],
      excluded: lines(own?.excluded_patterns),
      allowed: lines(own?.allowed ?? typeRule.allowed),
      denied: lines(own?.denied ?? typeRule.denied),
    };
  }
  return { categories, notes: effective.notes ?? '' };
}

/** A rule in one line: `patterns a, b; read, write; excluding c` or `allowed x; denied y`. */
export function ruleSummary(rule: AnyRule | undefined): string {
  if (!rule) return 'nothing';
  const parts: string[] = [];
  if (rule.patterns) parts.push(`patterns ${list(rule.patterns)}`);
  if (rule.operations) parts.push(list(rule.operations));
  if (rule.excluded_patterns?.length) parts.push(`excluding ${list(rule.excluded_patterns)}`);
  if (rule.allowed) parts.push(`allowed ${list(rule.allowed)}`);
  if (rule.denied?.length) parts.push(`denied ${list(rule.denied)}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing';
}

function list(values: readonly string[]): string {
  return values.length > 0 ? values.join(', ') : 'none';
}

/** The page of one trust: its facts and the permissions form. */
export function trustPeerPageData(
  consoleBase: string,
  record: TrustRecord,
  permissions: { effective: EffectivePermissions; base: Permissions },
  state: PermissionFormState,
) {
  const { effective, base } = permissions;
  const status = !record.approved
    ? 'waiting for your approval'
    : record.peerApproved
      ? 'approved by both'
      : 'waiting for the peer';
  return {
    trustHref: `${consoleBase}/trust`,
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
        fromType: ruleSummary(base[name] as AnyRule | undefined),
        now: ruleSummary(effective.permissions[name] as AnyRule | undefined),
        custom: c.custom,
        patterns: c.patterns,
        excluded: c.excluded,
        allowed: c.allowed,
        denied: c.denied,
        operations: OPERATIONS.map((value) => ({ value, checked: c.operations.includes(value) })),
      };
    }),
    notes: state.notes,
    saveAction: `${trustHref(consoleBase, record.peerId)}/permissions`,
    resetAction: `${trustHref(consoleBase, record.peerId)}/permissions/reset`,
  };
}

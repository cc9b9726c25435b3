/**
 * Pure reshaping of change records into subscription diffs
 * (ActingWeb spec, "Getting Subscription Updates"). A change at path P (below the target) and
 * a subscription covering path S:
 *
 * - S is a prefix of P (the subscription is broader): the change is wrapped
 *   up to S's level, `{p1: {p2: value}}`; a delete shows as `""` at its key.
 *   A subscription on one resource (subtarget + resource) gets the resource's
 *   full new value instead of a partial diff.
 * - P is a prefix of S (the change is broader): the subscription gets its own
 *   slice of the new value; nothing when the new value does not have it. A
 *   broader DELETE gives `""` when the old value had it.
 * - Otherwise the subscription is not affected.
 *
 * List changes carry a structured list diff; a subscription on the list gets
 * it bare, a target-level subscription gets `{"<list>": diff}`. Subscriptions
 * below a list (on one item) get none: item indexes move.
 */

import { getAt } from '../../common/json-path.js';
import { isPlainObject } from '../../common/json.js';
import type { PermissionCategory } from '../../common/permissions.types.js';

/**
 * Targets a peer needs read permission on, in which category: to subscribe,
 * and for each diff it gets (the diffs of others are not filtered).
 */
export const PERMISSION_CATEGORY: Readonly<Record<string, PermissionCategory>> = {
  properties: 'properties',
  resources: 'resources',
};

/** What a subscription covers. */
export interface SubscriptionScope {
  readonly target: string;
  /** '' when none. */
  readonly subtarget: string;
  /** '' when none; may hold several `/`-separated levels. */
  readonly resource: string;
}

/** The change to reshape: a path below the target, and what happened there. */
export interface ChangeInput {
  /** Path below the target, e.g. `['test', 'var1']` for `/properties/test/var1`. */
  readonly path: readonly string[];
  /** `delete` removes the value at `path`; anything else sets `newValue` there. */
  readonly operation: string;
  readonly oldValue?: unknown;
  readonly newValue?: unknown;
  /** The structured list diff of a list operation on the list named `path[0]`. */
  readonly listDiff?: Readonly<Record<string, unknown>>;
}

/** One subscription's share of one change. */
export type DiffPiece =
  | { readonly kind: 'diff'; readonly data: unknown; readonly list: boolean }
  /** The full current value at `path` (read by the caller in the same transaction) is the diff. */
  | { readonly kind: 'state'; readonly path: readonly string[] };

/** What a deleted value looks like in a diff. */
export const DELETED = '';

/** The path below the target that a subscription covers: `[subtarget, ...resource levels]`. */
export function scopePath(scope: SubscriptionScope): string[] {
  const path: string[] = [];
  if (scope.subtarget) path.push(scope.subtarget);
  if (scope.resource) path.push(...scope.resource.split('/').filter((s) => s.length > 0));
  return path;
}

/** How specific a subscription is (more levels = more specific). */
export function specificity(scope: SubscriptionScope): number {
  return scopePath(scope).length;
}

/** The path whose permission decides whether a peer may see this change through this subscription. */
export function permissionPath(change: ChangeInput, scope: readonly string[]): string {
  const path = change.path.length >= scope.length ? change.path : scope;
  return path.join('/');
}

/** This subscription's share of a change, or null when the change does not concern it. */
export function pieceFor(change: ChangeInput, scope: readonly string[]): DiffPiece | null {
  const path = change.path;
  if (path.length === 0) return null;
  if (change.listDiff) {
    if (scope.length === 0) return { kind: 'diff', data: { [path[0]]: change.listDiff }, list: true };
    if (scope.length === 1 && scope[0] === path[0])
      return { kind: 'diff', data: change.listDiff, list: true };
    return null;
  }
  const deleted = change.operation === 'delete';
  if (isPrefix(scope, path)) {
    // A resource subscription gets the resource's whole new value, not a fragment of it.
    if (scope.length >= 2 && path.length > scope.length) return { kind: 'state', path: scope };
    const value = deleted ? DELETED : change.newValue;
    return { kind: 'diff', data: wrap(path.slice(scope.length), value), list: false };
  }
  if (isPrefix(path, scope)) {
    const rest = scope.slice(path.length);
    if (deleted)
      return getAt(change.oldValue, rest) !== undefined ? { kind: 'diff', data: DELETED, list: false } : null;
    // A replacing write concerns the subscription only if its new value has the subscribed part:
    // it cannot show what vanished, only a DELETE does, as in the reference.
    const now = getAt(change.newValue, rest);
    return now === undefined ? null : { kind: 'diff', data: now, list: false };
  }
  return null;
}

/** One diff to store: its data and which changes (by index) it carries. */
export interface CombinedDiff {
  data: unknown;
  changes: number[];
}

/**
 * Folds the pieces of one write into as few diffs as possible, in order: object
 * diffs with disjoint top-level keys merge (a bulk POST is one diff with the
 * whole posted object); list diffs, scalars and overlapping keys each
 * start a new diff, so applying the diffs in order always gives the new state.
 */
export function combinePieces(
  pieces: ReadonlyArray<{ data: unknown; list: boolean; change: number }>,
): CombinedDiff[] {
  const out: Array<CombinedDiff & { mergeable: boolean }> = [];
  for (const piece of pieces) {
    const mergeable = !piece.list && isPlainObject(piece.data);
    const last = out[out.length - 1];
    if (
      mergeable &&
      last?.mergeable &&
      Object.keys(piece.data as object).every((k) => !Object.hasOwn(last.data as object, k))
    ) {
      last.data = { ...(last.data as object), ...(piece.data as object) };
      last.changes.push(piece.change);
      continue;
    }
    out.push({ data: piece.data, changes: [piece.change], mergeable });
  }
  return out.map(({ data, changes }) => ({ data, changes }));
}

/** `['a', 'b']`, v → `{a: {b: v}}`; `[]`, v → v. */
export function wrap(path: readonly string[], value: unknown): unknown {
  let out = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]]: out };
  return out;
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

/*
 * Keeping a copy of a peer's `notes` list from the diffs its subscription
 * sends. A list change arrives as a structured list diff (ActingWeb spec
 * §7.5), e.g. `{"list": "notes", "operation": "append", "length": 3,
 * "item": {...}, "index": 2}`. Pure functions: no I/O.
 */
import type { ListDiff } from '@actingweb/nestjs';

/** Simple property of the subscriber: `{ "<peer id>": [ ...that peer's notes ] }`. */
export const PEER_NOTES = 'peer_notes';

/**
 * The copy after `diff`, or `null` when the diff cannot be applied to it: an
 * operation this code does not know, an index the copy does not have, or a
 * length that disagrees with the publisher's (the copy is out of step, e.g.
 * it missed a change). On `null`, fetch the whole list instead.
 */
export function applyListDiff(copy: readonly unknown[], diff: unknown): unknown[] | null {
  if (!isListDiff(diff)) return null;
  const next = [...copy];
  const { operation, index, item } = diff;
  const at = (max: number) => index !== undefined && Number.isInteger(index) && index >= 0 && index <= max;
  switch (operation) {
    case 'append':
      next.push(item);
      break;
    case 'insert':
      if (!at(next.length)) return null;
      next.splice(index!, 0, item);
      break;
    case 'update':
      if (!at(next.length - 1)) return null;
      next[index!] = item;
      break;
    case 'delete':
    case 'remove':
      if (!at(next.length - 1)) return null;
      next.splice(index!, 1);
      break;
    case 'extend':
      next.push(...(diff.items ?? []));
      break;
    case 'clear':
    case 'delete_all':
      next.length = 0;
      break;
    case 'metadata':
      break;
    default:
      return null;
  }
  return next.length === diff.length ? next : null;
}

/**
 * The list diff in a callback's `data`: bare for a subscription on
 * `properties/notes`, under the list's name for one on all `properties`;
 * `undefined` when the change was to something else.
 */
export function listDiffIn(data: unknown, subtarget: string | null, list: string): unknown {
  if (subtarget === list) return data;
  if (!subtarget && typeof data === 'object' && data !== null) return (data as Record<string, unknown>)[list];
  return undefined;
}

function isListDiff(value: unknown): value is ListDiff {
  const diff = value as ListDiff | null;
  return (
    typeof diff === 'object' &&
    diff !== null &&
    typeof diff.operation === 'string' &&
    typeof diff.length === 'number'
  );
}

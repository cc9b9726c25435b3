import type { PropertyListItemRow } from '../../storage/property-list.repository.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors/actingweb.errors.js';
import type { JsonObject } from '../../common/json-path.js';
import { isPlainObject, jsonEqual } from '../../common/json.js';
import type { PropertyChange } from '../property-change.js';
import { validateSegment } from '../property-path.js';

/*
 * The list model, pure: the shapes of list diffs and answers, the parsing and
 * validation of indexes, names, metadata and bulk updates, and matching items
 * by value. No storage, no Nest.
 */

/** Operations of a structured list diff (ActingWeb spec, "Getting Subscription Updates"). */
export type ListDiffOperation =
  'append' | 'insert' | 'update' | 'delete' | 'remove' | 'extend' | 'clear' | 'delete_all' | 'metadata';

/**
 * The `listDiff` of a list change record:
 * `{list, operation, length[, item][, index][, items][, old_item]}`.
 *
 * @publicApi
 */
export interface ListDiff {
  readonly list: string;
  readonly operation: ListDiffOperation;
  /** Length after the operation; advisory for receivers. */
  readonly length: number;
  readonly item?: unknown;
  readonly index?: number;
  readonly items?: readonly unknown[];
  readonly old_item?: unknown;
}

/** `GET /properties/<list>?format=short` and list metadata. @publicApi */
export interface ListSummary {
  readonly _list: true;
  readonly count: number;
  readonly description: string;
  readonly explanation: string;
}

/** How `GET /properties` shows lists. @publicApi */
export type ListFormat = 'short' | 'full';

/** Outcome of `POST /properties/<list>/items`: add/insert create (201 with the index), update/delete do not (204). */
export interface ListItemsActionResult {
  readonly created: boolean;
  readonly index?: number;
}

/** What an index that is past the end means for the caller: 404 for URLs, 400 for body fields. */
export type OutOfRange = 'not_found' | 'bad_request';

/**
 * How `PropertyListWriter.set` treats a missing index: `outOfRange`
 * picks the error; `appendAtEnd` lets `index == length` append (as
 * `PUT /properties/<list>/<length>` does). Default: 404, appending.
 */
export interface SetItemOptions {
  readonly outOfRange?: OutOfRange;
  readonly appendAtEnd?: boolean;
}

/** The writable metadata fields (`PUT /properties/<list>/metadata`). */
export const METADATA_FIELDS: ReadonlySet<string> = new Set(['description', 'explanation']);
/** The fields of a list descriptor in a bulk POST. */
export const DESCRIPTOR_FIELDS: ReadonlySet<string> = new Set(['_type', 'description', 'explanation']);

/** `{"_type": "list", ...}` in a POST body: create a list. */
export function isListDescriptor(value: unknown): value is JsonObject {
  return isPlainObject(value) && value._type === 'list';
}

/** `{"items": [...]}` in a POST body: a bulk item update, when the name is an existing list. */
export function isBulkItemUpdate(value: unknown): value is { items: unknown[] } {
  return isPlainObject(value) && Object.keys(value).length === 1 && Array.isArray(value.items);
}

/**
 * A list index from a URL segment, a query parameter or a body field: a
 * non-negative integer (digits only for text). Anything else → 400. Indexes
 * too large to be real are clamped, so they read as "past the end".
 */
export function parseListIndex(raw: unknown, what = 'index'): number {
  if (typeof raw === 'number') {
    if (Number.isInteger(raw) && raw >= 0) return Math.min(raw, Number.MAX_SAFE_INTEGER);
  } else if (typeof raw === 'string' && /^\d+$/.test(raw)) {
    return raw.length > 15 ? Number.MAX_SAFE_INTEGER : Number(raw);
  }
  throw new BadRequestError(`${what} must be a non-negative integer`, 'invalid_index');
}

/** A list name: a valid property name without `#` (reserved by the reference storage format). */
export function validateListName(name: string): void {
  validateSegment(name, true);
  if (name.includes('#')) throw new BadRequestError('List names must not contain "#"', 'invalid_list_name');
}

/**
 * The validated plan of a bulk item update (`{"<list>": {"items": [...]}}`,
 * as the Python reference takes it): indexes refer to the list before the batch; an entry
 * with data replaces the item (the entry without `index`), at `length` it
 * appends; an entry with only `index` deletes. A later entry for the same
 * index wins. Deletes of items the batch appends cancel the append.
 */
export interface BulkPlan {
  /** Replacements of existing items, by index. */
  readonly updates: ReadonlyMap<number, unknown>;
  /** Items to append, in index order. */
  readonly appends: readonly unknown[];
  /** Existing indexes to delete, highest first. */
  readonly deletes: readonly number[];
}

export function planBulkUpdate(entries: readonly unknown[], length: number): BulkPlan {
  let projected = length;
  const values = new Map<number, unknown>();
  const deleted = new Set<number>();
  entries.forEach((entry, i) => {
    if (!isPlainObject(entry) || !Object.hasOwn(entry, 'index'))
      throw new BadRequestError(`Item ${i} must be an object with an "index"`, 'invalid_items');
    const index = entry.index;
    if (typeof index !== 'number')
      throw new BadRequestError(`Item ${i}: index must be an integer`, 'invalid_index');
    parseListIndex(index, `Item ${i}: index`);
    const { index: _index, ...data } = entry;
    if (Object.keys(data).length === 0) {
      deleted.add(index);
      return;
    }
    if (index > projected)
      throw new BadRequestError(
        `Item ${i}: index ${index} is beyond the list length ${projected}`,
        'invalid_index',
      );
    if (index === projected) projected++;
    values.set(index, data);
  });
  for (const index of deleted) {
    if (index >= projected) throw new BadRequestError(`No item at index ${index} to delete`, 'invalid_index');
  }
  const updates = new Map<number, unknown>();
  const appends: unknown[] = [];
  for (const index of [...values.keys()].sort((a, b) => a - b)) {
    if (index < length) updates.set(index, values.get(index));
    else if (!deleted.has(index)) appends.push(values.get(index));
  }
  const deletes = [...deleted].filter((index) => index < length).sort((a, b) => b - a);
  return { updates, appends, deletes };
}

/** A list change record: `operation: 'list'` with its structured diff. */
export function listChange(
  actorId: string,
  name: string,
  oldValue: unknown,
  newValue: unknown,
  listDiff: ListDiff,
): PropertyChange {
  return { actorId, operation: 'list', path: [name], oldValue, newValue, listDiff: { ...listDiff } };
}

/** The stored items' values, parsed. */
export function parseItems(rows: readonly PropertyListItemRow[]): unknown[] {
  return rows.map((row) => JSON.parse(row.value));
}

/** The size of a value's JSON text, in UTF-8 bytes. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** 400 for a missing item value. */
export function requireValue(value: unknown): void {
  if (value === undefined) throw new BadRequestError('An item value is required', 'missing_value');
}

export function listNotFound(name: string): NotFoundError {
  return new NotFoundError(`List ${name} not found`, 'list_not_found');
}

export function itemNotFound(name: string, index: number): NotFoundError {
  return new NotFoundError(`List ${name} has no item ${index}`, 'item_not_found');
}

/** The one item equal to `target`; none → 404, several → 409. */
export function matchOne(
  name: string,
  rows: readonly PropertyListItemRow[],
  target: unknown,
): { index: number; row: PropertyListItemRow } {
  const matches: number[] = [];
  rows.forEach((row, index) => {
    if (jsonEqual(JSON.parse(row.value), target)) matches.push(index);
  });
  if (matches.length === 0)
    throw new NotFoundError(`No item in ${name} equals the given value`, 'item_not_found');
  if (matches.length > 1)
    throw new ConflictError(
      `${matches.length} items in ${name} equal the given value; address one by index`,
      'ambiguous_item',
    );
  return { index: matches[0], row: rows[matches[0]] };
}

/** `description`/`explanation` from a body whose other keys must be in `allowed`; both must be strings. */
export function metadataFields(
  body: unknown,
  allowed: ReadonlySet<string>,
  what: string,
): { description?: string; explanation?: string } {
  if (!isPlainObject(body))
    throw new BadRequestError(`The ${what} must be a JSON object`, 'invalid_metadata');
  const result: { description?: string; explanation?: string } = {};
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.has(key))
      throw new BadRequestError(
        `"${key}" cannot be set; only description and explanation`,
        'invalid_metadata',
      );
    if (key === '_type') continue;
    if (typeof value !== 'string') throw new BadRequestError(`"${key}" must be a string`, 'invalid_metadata');
    result[key as 'description' | 'explanation'] = value;
  }
  return result;
}

import { Inject, Injectable } from '@nestjs/common';
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';
import type { Transaction } from 'kysely';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors/actingweb.errors.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import type { AwDatabase } from '../storage/database.types.js';
import {
  PropertyListRepository,
  type PropertyListItemRow,
  type PropertyListRow,
} from '../storage/property-list.repository.js';
import { PropertyRepository } from '../storage/property.repository.js';
import { deleteAt, getAt, setAt, type JsonObject } from '../common/json-path.js';
import { isPlainObject, jsonEqual } from '../common/json.js';
import { PropertyHookGate } from './property-hook-gate.js';
import { PropertyChangeFeed, type PropertyChange } from './property-change.js';
import { validateSegment } from './property-path.js';
import { lockProperty, writeProperties, type RecordChange } from './property-write.js';

/** Operations of a structured list diff (`shared/docs/protocol.md` §7.5). */
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
type OutOfRange = 'not_found' | 'bad_request';

/**
 * How {@link PropertyListsService.set} treats a missing index: `outOfRange`
 * picks the error; `appendAtEnd` lets `index == length` append (as
 * `PUT /properties/<list>/<length>` does). Default: 404, appending.
 */
export interface SetItemOptions {
  readonly outOfRange?: OutOfRange;
  readonly appendAtEnd?: boolean;
}

/** What a get hook returning null turns a value into. */
const HIDDEN = Symbol('hidden');

const METADATA_FIELDS = new Set(['description', 'explanation']);
const DESCRIPTOR_FIELDS = new Set(['_type', 'description', 'explanation']);

/** `{"_type": "list", ...}` in a POST body: create a list (reference-sdk §7d). */
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
 * reference-sdk §7d): indexes refer to the list before the batch; an entry
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

/**
 * List properties (`shared/docs/protocol.md` §6.6, option tag `listproperties`;
 * Python 3.14 contract in `reference-sdk.md` §7d).
 *
 * Items are rows ordered by a fractional-index key, so an index is "the i-th
 * row in key order": appends take a key after the last, inserts a key between
 * two neighbours, and deletes renumber nothing. Every write runs in one
 * transaction holding the same per-name lock simple properties use, so lists
 * and simple properties cannot race into one name, concurrent appends keep a
 * total order, and change records (`operation: 'list'` with a structured
 * `listDiff`) commit with the write.
 *
 * Property hooks see the list name as `name` and the index path (`['3']`,
 * `['3', 'title']`) as `path`; `[]` addresses the whole list (or an item
 * addressed by value).
 */
@Injectable()
export class PropertyListsService {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(PropertyListRepository) private readonly lists: PropertyListRepository,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
    @Inject(PropertyHookGate) private readonly gate: PropertyHookGate,
    @Inject(PropertyChangeFeed) private readonly changes: PropertyChangeFeed,
  ) {}

  // ---------------------------------------------------------------- reads

  /** True when the actor has a list with this name. */
  exists(actorId: string, name: string): Promise<boolean> {
    return this.lists.exists(actorId, name);
  }

  /** The names of the actor's lists, in byte order. */
  async names(actorId: string): Promise<string[]> {
    return (await this.lists.all(actorId)).map((list) => list.name);
  }

  /** True when the actor has a simple property with this name. */
  async simplePropertyExists(actorId: string, name: string): Promise<boolean> {
    return (await this.properties.get(actorId, name)) !== null;
  }

  /** All items, in order (`GET /properties/<list>`). */
  async items(actor: ActorHandle, caller: Caller, name: string): Promise<unknown> {
    await this.requireList(actor.id, name);
    const items = parseItems(await this.lists.items(actor.id, name));
    return this.shown(actor, caller, name, [], items);
  }

  /**
   * Up to `limit` items from index `offset`, in order. Without get hooks on the
   * name only that page is read; with them, the whole list goes through the
   * hooks (as `GET /properties/<list>` shows it) and is then paged.
   */
  async page(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    offset: number,
    limit: number,
  ): Promise<unknown[]> {
    if (this.gate.has(name)) {
      const shown = await this.items(actor, caller, name);
      return Array.isArray(shown) ? shown.slice(offset, offset + limit) : [];
    }
    await this.requireList(actor.id, name);
    return parseItems(await this.lists.slice(actor.id, name, offset, limit));
  }

  /** `{items: [{index, item}], count}` (`GET /properties/<list>/items`). */
  async indexedItems(
    actor: ActorHandle,
    caller: Caller,
    name: string,
  ): Promise<{ items: { index: number; item: unknown }[]; count: number }> {
    const shown = await this.items(actor, caller, name);
    const items = Array.isArray(shown) ? shown : [];
    return { items: items.map((item, index) => ({ index, item })), count: items.length };
  }

  /** The item at `index`, or a value inside it at `sub`. */
  async item(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    index: number,
    sub: readonly string[] = [],
  ): Promise<unknown> {
    const row = await this.lists.at(actor.id, name, index);
    if (!row) {
      await this.requireList(actor.id, name);
      throw itemNotFound(name, index);
    }
    const value = getAt(JSON.parse(row.value), sub);
    if (value === undefined)
      throw new NotFoundError(`${[name, index, ...sub].join('/')} not found`, 'item_not_found');
    return this.shown(actor, caller, name, [String(index), ...sub], value);
  }

  /** `{_list: true, count, description, explanation}` (`?format=short`). */
  async summary(actor: ActorHandle, caller: Caller, name: string): Promise<ListSummary> {
    const list = await this.requireList(actor.id, name);
    let count: number;
    if (this.gate.has(name)) {
      const shown = await this.shown(
        actor,
        caller,
        name,
        [],
        parseItems(await this.lists.items(actor.id, name)),
      );
      count = Array.isArray(shown) ? shown.length : await this.lists.count(actor.id, name);
    } else {
      count = await this.lists.count(actor.id, name);
    }
    return { _list: true, count, description: list.description, explanation: list.explanation };
  }

  /** `GET /properties/<list>/metadata`. */
  async metadata(actor: ActorHandle, caller: Caller, name: string): Promise<{ name: string } & ListSummary> {
    const { _list, count, description, explanation } = await this.summary(actor, caller, name);
    return { name, description, explanation, count, _list };
  }

  /**
   * Every list as it appears in `GET /properties`: `{_list: true, count}`
   * (short) or with `description`, `explanation` and `items` (full). A get
   * hook returning null hides the list.
   */
  async listing(actor: ActorHandle, caller: Caller, format: ListFormat): Promise<Record<string, unknown>> {
    const lists = await this.lists.all(actor.id);
    if (lists.length === 0) return {};
    const result: Record<string, unknown> = {};
    if (format === 'full') {
      const all = await this.lists.allItems(actor.id);
      for (const list of lists) {
        const shown = await this.shownOrHidden(
          actor,
          caller,
          list.name,
          parseItems(all.get(list.name) ?? []),
        );
        if (shown === HIDDEN) continue;
        result[list.name] = {
          _list: true,
          count: Array.isArray(shown) ? shown.length : 0,
          description: list.description,
          explanation: list.explanation,
          items: shown,
        };
      }
      return result;
    }
    const stats = await this.lists.stats(actor.id);
    for (const list of lists) {
      let count = stats.get(list.name)?.count ?? 0;
      if (this.gate.has(list.name)) {
        const items = parseItems(await this.lists.items(actor.id, list.name));
        const shown = await this.shownOrHidden(actor, caller, list.name, items);
        if (shown === HIDDEN) continue;
        if (Array.isArray(shown)) count = shown.length;
      }
      result[list.name] = { _list: true, count };
    }
    return result;
  }

  /** The `lists` part of `GET /properties?metadata=true`. */
  async metadataListing(
    actor: ActorHandle,
    caller: Caller,
  ): Promise<
    Record<string, { count: number; total_bytes: number; description: string; explanation: string }>
  > {
    const lists = await this.lists.all(actor.id);
    if (lists.length === 0) return {};
    const stats = await this.lists.stats(actor.id);
    const result: Record<
      string,
      { count: number; total_bytes: number; description: string; explanation: string }
    > = {};
    for (const list of lists) {
      let { count, totalBytes } = stats.get(list.name) ?? { count: 0, totalBytes: 0 };
      if (this.gate.has(list.name)) {
        const shown = await this.shownOrHidden(
          actor,
          caller,
          list.name,
          parseItems(await this.lists.items(actor.id, list.name)),
        );
        if (shown === HIDDEN) continue;
        if (Array.isArray(shown)) {
          count = shown.length;
          totalBytes = shown.reduce<number>((sum, item) => sum + jsonBytes(item), 0);
        }
      }
      result[list.name] = {
        count,
        total_bytes: totalBytes,
        description: list.description,
        explanation: list.explanation,
      };
    }
    return result;
  }

  // ---------------------------------------------------------------- writes

  /**
   * Appends `value`; returns its index. With `create`, a name that is neither
   * a list nor a simple property becomes a new list (`POST /properties/<name>`).
   */
  async append(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    value: unknown,
    options: { create?: boolean } = {},
  ): Promise<number> {
    validateListName(name);
    requireValue(value);
    const accepted = await this.gate.accept(actor, caller, 'post', name, [], value);
    return this.write(actor.id, name, async (tx, record) => {
      const list = await this.lists.get(actor.id, name, tx);
      if (!list) {
        if (!options.create) throw listNotFound(name);
        await this.assertNotSimple(actor.id, name, tx);
        await this.lists.create(actor.id, name, '', '', tx);
      }
      const { count, last } = await this.lists.tail(actor.id, name, tx);
      await this.lists.insert(actor.id, name, generateKeyBetween(last, null), JSON.stringify(accepted), tx);
      record(
        this.change(actor.id, name, undefined, accepted, {
          list: name,
          operation: 'append',
          length: count + 1,
          item: accepted,
          index: count,
        }),
      );
      return count;
    });
  }

  /** Inserts `value` before the item at `index` (`index == length` adds at the end); past the end → 400. */
  async insert(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    index: number,
    value: unknown,
  ): Promise<number> {
    requireValue(value);
    const accepted = await this.gate.accept(actor, caller, 'post', name, [String(index)], value);
    return this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      const count = await this.lists.count(actor.id, name, tx);
      if (index > count)
        throw new BadRequestError(`Index ${index} is beyond the list length ${count}`, 'invalid_index');
      const neighbours =
        index === 0
          ? await this.lists.slice(actor.id, name, 0, 1, tx)
          : await this.lists.slice(actor.id, name, index - 1, 2, tx);
      const before = index === 0 ? null : neighbours[0].position;
      const after = (index === 0 ? neighbours[0] : neighbours[1])?.position ?? null;
      await this.lists.insert(
        actor.id,
        name,
        generateKeyBetween(before, after),
        JSON.stringify(accepted),
        tx,
      );
      record(
        this.change(actor.id, name, undefined, accepted, {
          list: name,
          operation: 'insert',
          length: count + 1,
          item: accepted,
          index,
        }),
      );
      return index;
    });
  }

  /**
   * Replaces the item at `index` (or, with `sub`, merges `value` in at that
   * path inside it). `index == length` with no `sub` appends; past that →
   * 404 (see {@link SetItemOptions}: the `/items` endpoint answers every
   * missing index with 400, and application code's `update` never appends).
   */
  async set(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    index: number,
    sub: readonly string[],
    value: unknown,
    options: SetItemOptions = {},
  ): Promise<void> {
    const { outOfRange = 'not_found', appendAtEnd = outOfRange === 'not_found' } = options;
    requireValue(value);
    const accepted = await this.gate.accept(actor, caller, 'put', name, [String(index), ...sub], value);
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      const { count, last } = await this.lists.tail(actor.id, name, tx);
      if (index >= count) {
        if (index === count && sub.length === 0 && appendAtEnd) {
          await this.lists.insert(
            actor.id,
            name,
            generateKeyBetween(last, null),
            JSON.stringify(accepted),
            tx,
          );
          record(
            this.change(actor.id, name, undefined, accepted, {
              list: name,
              operation: 'append',
              length: count + 1,
              item: accepted,
              index,
            }),
          );
          return;
        }
        throw outOfRange === 'bad_request'
          ? new BadRequestError(`Index ${index} is out of range (length ${count})`, 'invalid_index')
          : itemNotFound(name, index);
      }
      const row = (await this.lists.at(actor.id, name, index, tx))!;
      const old = JSON.parse(row.value);
      const item = setAt(old, sub, accepted);
      await this.lists.update(actor.id, name, row.position, JSON.stringify(item), tx);
      record(
        this.change(actor.id, name, old, item, {
          list: name,
          operation: 'update',
          length: count,
          item,
          index,
        }),
      );
    });
  }

  /** Replaces the one item equal to `oldItem` (none → 404, several → 409). */
  async updateByValue(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    oldItem: unknown,
    value: unknown,
  ): Promise<void> {
    requireValue(value);
    const accepted = await this.gate.accept(actor, caller, 'put', name, [], value);
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      const rows = await this.lists.items(actor.id, name, tx);
      const { index, row } = matchOne(name, rows, oldItem);
      await this.lists.update(actor.id, name, row.position, JSON.stringify(accepted), tx);
      record(
        this.change(actor.id, name, oldItem, accepted, {
          list: name,
          operation: 'update',
          length: rows.length,
          item: accepted,
          index,
          old_item: oldItem,
        }),
      );
    });
  }

  /**
   * Deletes the item at `index` (later items shift down), or with `sub` a key
   * inside it. A missing index → 404 (400 with `outOfRange: 'bad_request'`).
   */
  async deleteItem(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    index: number,
    sub: readonly string[] = [],
    outOfRange: OutOfRange = 'not_found',
  ): Promise<void> {
    if (this.gate.has(name)) {
      const row = await this.lists.at(actor.id, name, index);
      const current = row ? getAt(JSON.parse(row.value), sub) : undefined;
      await this.gate.allowDelete(actor, caller, name, [String(index), ...sub], current);
    }
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      const row = await this.lists.at(actor.id, name, index, tx);
      if (!row) {
        throw outOfRange === 'bad_request'
          ? new BadRequestError(`Index ${index} is out of range`, 'invalid_index')
          : itemNotFound(name, index);
      }
      const old = JSON.parse(row.value);
      if (sub.length === 0) {
        await this.lists.deleteItem(actor.id, name, row.position, tx);
        const length = await this.lists.count(actor.id, name, tx);
        record(
          this.change(actor.id, name, old, undefined, { list: name, operation: 'delete', length, index }),
        );
        return;
      }
      const removed = deleteAt(old, sub);
      if (!removed.found)
        throw new NotFoundError(`${[name, index, ...sub].join('/')} not found`, 'item_not_found');
      await this.lists.update(actor.id, name, row.position, JSON.stringify(removed.value), tx);
      const length = await this.lists.count(actor.id, name, tx);
      record(
        this.change(actor.id, name, old, removed.value, {
          list: name,
          operation: 'update',
          length,
          item: removed.value,
          index,
        }),
      );
    });
  }

  /** Deletes the one item equal to `value` (none → 404, several → 409); recorded as `remove`. */
  async deleteByValue(actor: ActorHandle, caller: Caller, name: string, value: unknown): Promise<void> {
    if (this.gate.has(name)) await this.gate.allowDelete(actor, caller, name, [], value);
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      const rows = await this.lists.items(actor.id, name, tx);
      const { index, row } = matchOne(name, rows, value);
      await this.lists.deleteItem(actor.id, name, row.position, tx);
      record(
        this.change(actor.id, name, value, undefined, {
          list: name,
          operation: 'remove',
          length: rows.length - 1,
          item: JSON.parse(row.value),
          index,
        }),
      );
    });
  }

  /**
   * Empties the list and keeps it, with its metadata (application code only;
   * recorded as `clear`, the protocol's list operation). Delete hooks see the
   * whole list, as for deleting it.
   */
  async clear(actor: ActorHandle, caller: Caller, name: string): Promise<void> {
    if (this.gate.has(name)) {
      const items = parseItems(await this.lists.items(actor.id, name));
      await this.gate.allowDelete(actor, caller, name, [], items);
    }
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      await this.lists.deleteItems(actor.id, name, tx);
      record(
        this.change(actor.id, name, undefined, undefined, { list: name, operation: 'clear', length: 0 }),
      );
    });
  }

  /** Deletes the list, its items and its metadata (`DELETE /properties/<list>`). */
  async delete(actor: ActorHandle, caller: Caller, name: string): Promise<void> {
    if (this.gate.has(name)) {
      const items = parseItems(await this.lists.items(actor.id, name));
      await this.gate.allowDelete(actor, caller, name, [], items);
    }
    await this.write(actor.id, name, async (tx, record) => {
      if (!(await this.lists.delete(actor.id, name, tx))) throw listNotFound(name);
      record(
        this.change(actor.id, name, undefined, undefined, { list: name, operation: 'delete_all', length: 0 }),
      );
    });
  }

  /** `PUT /properties/<list>/metadata`: only `description` and `explanation` (strings) are writable. */
  async updateMetadata(actor: ActorHandle, caller: Caller, name: string, body: unknown): Promise<void> {
    const changes = metadataFields(body, METADATA_FIELDS, 'metadata');
    if (changes.description === undefined && changes.explanation === undefined)
      throw new BadRequestError('Send "description" and/or "explanation"', 'invalid_metadata');
    await this.write(actor.id, name, async (tx, record) => {
      await this.requireList(actor.id, name, tx);
      await this.lists.updateMetadata(actor.id, name, changes, tx);
      const length = await this.lists.count(actor.id, name, tx);
      record(this.change(actor.id, name, undefined, changes, { list: name, operation: 'metadata', length }));
    });
  }

  /**
   * `POST /properties/<list>/items` (Python 3.14): `add` (`item_value`),
   * `insert` (`item_index`, `item_value`), `update` (`item_index` or
   * `old_item`, `item_value`), `delete` (`item_index` or `item_value`).
   * An index out of range, a missing field or an unknown action → 400.
   */
  async itemsAction(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    body: unknown,
  ): Promise<ListItemsActionResult> {
    if (!isPlainObject(body))
      throw new BadRequestError('Body must be a JSON object with an "action"', 'invalid_body');
    const has = (key: string) => Object.hasOwn(body, key) && body[key] !== undefined;
    const itemValue = () => {
      if (!has('item_value') || body.item_value === null)
        throw new BadRequestError('"item_value" is required', 'missing_value');
      return body.item_value;
    };
    switch (body.action) {
      case 'add':
        return { created: true, index: await this.append(actor, caller, name, itemValue()) };
      case 'insert': {
        if (!has('item_index')) throw new BadRequestError('"item_index" is required', 'invalid_index');
        const index = parseListIndex(body.item_index, 'item_index');
        return { created: true, index: await this.insert(actor, caller, name, index, itemValue()) };
      }
      case 'update':
        if (has('item_index')) {
          const index = parseListIndex(body.item_index, 'item_index');
          await this.set(actor, caller, name, index, [], itemValue(), { outOfRange: 'bad_request' });
        } else if (has('old_item')) {
          await this.updateByValue(actor, caller, name, body.old_item, itemValue());
        } else {
          throw new BadRequestError('"item_index" or "old_item" is required', 'invalid_index');
        }
        return { created: false };
      case 'delete':
        if (has('item_index')) {
          const index = parseListIndex(body.item_index, 'item_index');
          await this.deleteItem(actor, caller, name, index, [], 'bad_request');
        } else if (has('item_value')) {
          await this.deleteByValue(actor, caller, name, body.item_value);
        } else {
          throw new BadRequestError('"item_index" or "item_value" is required', 'invalid_index');
        }
        return { created: false };
      default:
        throw new BadRequestError('"action" must be add, insert, update or delete', 'invalid_action');
    }
  }

  // ------------------------------------------- inside another transaction

  /**
   * `{"<name>": {"_type": "list", "description"?, "explanation"?}}` in a bulk
   * POST, inside its transaction (which holds the name's lock). Creates an
   * empty list; on an existing list, updates the given metadata. A simple
   * property with the name → 409.
   */
  async createInTransaction(
    tx: Transaction<AwDatabase>,
    actorId: string,
    name: string,
    descriptor: unknown,
  ): Promise<PropertyChange[]> {
    validateListName(name);
    const fields = metadataFields(descriptor, DESCRIPTOR_FIELDS, 'list');
    const existing = await this.lists.get(actorId, name, tx);
    if (existing) {
      if (fields.description === undefined && fields.explanation === undefined) return [];
      await this.lists.updateMetadata(actorId, name, fields, tx);
    } else {
      await this.assertNotSimple(actorId, name, tx);
      await this.lists.create(actorId, name, fields.description ?? '', fields.explanation ?? '', tx);
    }
    const length = existing ? await this.lists.count(actorId, name, tx) : 0;
    return [this.change(actorId, name, undefined, fields, { list: name, operation: 'metadata', length })];
  }

  /**
   * `{"<list>": {"items": [{index, ...}]}}` in a bulk POST, inside its
   * transaction: see {@link planBulkUpdate}. Replacements first, then appends
   * (one `extend` record), then deletes from the highest index down.
   */
  async bulkInTransaction(
    tx: Transaction<AwDatabase>,
    actorId: string,
    name: string,
    entries: readonly unknown[],
  ): Promise<PropertyChange[]> {
    const rows = await this.lists.items(actorId, name, tx);
    const plan = planBulkUpdate(entries, rows.length);
    const changes: PropertyChange[] = [];
    let length = rows.length;
    for (const [index, item] of plan.updates) {
      await this.lists.update(actorId, name, rows[index].position, JSON.stringify(item), tx);
      changes.push(
        this.change(actorId, name, JSON.parse(rows[index].value), item, {
          list: name,
          operation: 'update',
          length,
          item,
          index,
        }),
      );
    }
    if (plan.appends.length > 0) {
      const last = rows.length > 0 ? rows[rows.length - 1].position : null;
      const keys = generateNKeysBetween(last, null, plan.appends.length);
      for (const [i, item] of plan.appends.entries())
        await this.lists.insert(actorId, name, keys[i], JSON.stringify(item), tx);
      length += plan.appends.length;
      changes.push(
        this.change(actorId, name, undefined, plan.appends, {
          list: name,
          operation: 'extend',
          length,
          items: plan.appends,
        }),
      );
    }
    for (const index of plan.deletes) {
      await this.lists.deleteItem(actorId, name, rows[index].position, tx);
      length--;
      changes.push(
        this.change(actorId, name, JSON.parse(rows[index].value), undefined, {
          list: name,
          operation: 'delete',
          length,
          index,
        }),
      );
    }
    return changes;
  }

  /** Every list goes (`DELETE /properties`), inside its transaction; one `delete_all` record per list. */
  async deleteAllInTransaction(tx: Transaction<AwDatabase>, actorId: string): Promise<PropertyChange[]> {
    const lists = await this.lists.all(actorId, tx);
    if (lists.length === 0) return [];
    for (const name of lists.map((l) => l.name).sort()) await lockProperty(this.database, tx, actorId, name);
    await this.lists.deleteAll(actorId, tx);
    return lists.map((list) =>
      this.change(actorId, list.name, undefined, undefined, {
        list: list.name,
        operation: 'delete_all',
        length: 0,
      }),
    );
  }

  // ---------------------------------------------------------------- helpers

  private write<T>(
    actorId: string,
    name: string,
    fn: (tx: Transaction<AwDatabase>, record: RecordChange) => Promise<T>,
  ): Promise<T> {
    return writeProperties(this.database, this.changes, actorId, [name], fn);
  }

  private change(
    actorId: string,
    name: string,
    oldValue: unknown,
    newValue: unknown,
    listDiff: ListDiff,
  ): PropertyChange {
    return { actorId, operation: 'list', path: [name], oldValue, newValue, listDiff: { ...listDiff } };
  }

  private async requireList(
    actorId: string,
    name: string,
    tx?: Transaction<AwDatabase>,
  ): Promise<PropertyListRow> {
    const list = await this.lists.get(actorId, name, tx);
    if (!list) throw listNotFound(name);
    return list;
  }

  private async assertNotSimple(actorId: string, name: string, tx: Transaction<AwDatabase>): Promise<void> {
    if ((await this.properties.get(actorId, name, tx)) !== null)
      throw new ConflictError(`${name} is a simple property, not a list`, 'is_a_property');
  }

  /** The value after get hooks; a hook returning null hides it (404). */
  private async shown(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    path: readonly string[],
    value: unknown,
  ): Promise<unknown> {
    const shown = await this.shownOrHidden(actor, caller, name, value, path);
    if (shown === HIDDEN)
      throw new NotFoundError(`Property ${[name, ...path].join('/')} not found`, 'property_not_found');
    return shown;
  }

  /** The value after get hooks, or {@link HIDDEN} when a hook returned null. */
  private async shownOrHidden(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    value: unknown,
    path: readonly string[] = [],
  ): Promise<unknown> {
    const shown = await this.gate.afterGet(actor, caller, name, path, value);
    return shown === null || shown === undefined ? HIDDEN : shown;
  }
}

function parseItems(rows: readonly PropertyListItemRow[]): unknown[] {
  return rows.map((row) => JSON.parse(row.value));
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

function requireValue(value: unknown): void {
  if (value === undefined) throw new BadRequestError('An item value is required', 'missing_value');
}

function listNotFound(name: string): NotFoundError {
  return new NotFoundError(`List ${name} not found`, 'list_not_found');
}

function itemNotFound(name: string, index: number): NotFoundError {
  return new NotFoundError(`List ${name} has no item ${index}`, 'item_not_found');
}

function matchOne(
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
function metadataFields(
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

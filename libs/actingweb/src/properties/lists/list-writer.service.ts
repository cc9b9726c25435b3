import { Inject, Injectable } from '@nestjs/common';
import { generateKeyBetween } from 'fractional-indexing';
import type { Transaction } from 'kysely';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { Caller } from '../../common/caller.js';
import type { PropertyListOperation } from '../../hooks/hook.types.js';
import { BadRequestError, NotFoundError } from '../../errors/actingweb.errors.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { PropertyListRepository } from '../../storage/property-list.repository.js';
import { PropertyRepository } from '../../storage/property.repository.js';
import { deleteAt, getAt, setAt } from '../../common/json-path.js';
import { PropertyHookGate } from '../property-hook-gate.js';
import { PropertyChangeFeed } from '../property-change.js';
import {
  ListChangedSinceHooks,
  rerunWhenListChanged,
  writeProperties,
  type RecordChange,
} from '../property-write.js';
import { assertNotSimple, requireList } from './list-guards.js';
import {
  itemNotFound,
  listChange,
  listNotFound,
  matchOne,
  METADATA_FIELDS,
  metadataFields,
  parseItems,
  requireValue,
  validateListName,
  type OutOfRange,
  type SetItemOptions,
} from './list-model.js';

/**
 * Writes to list properties (ActingWeb spec, "/properties, list properties", option tag
 * `listproperties`), each in its own transaction.
 *
 * Items are rows ordered by a fractional-index key, so an index is "the i-th
 * row in key order": appends take a key after the last, inserts a key between
 * two neighbours, and deletes renumber nothing. Every write holds the same
 * per-name lock simple properties use, so lists and simple properties cannot
 * race into one name, concurrent appends keep a total order, and change
 * records (`operation: 'list'` with a structured `listDiff`) commit with the
 * write. Put/post hooks see the new value and delete hooks the current one,
 * with the index path as `path` (`[]` for the whole list or an item addressed
 * by value) and what the write does as `listOperation`. Where that depends on
 * the list (an append that creates it, a `PUT` at the end that appends), the
 * hooks are told what the list is before the write, and both run again if
 * another request changed that in between.
 */
@Injectable()
export class PropertyListWriter {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(PropertyListRepository) private readonly lists: PropertyListRepository,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
    @Inject(PropertyHookGate) private readonly gate: PropertyHookGate,
    @Inject(PropertyChangeFeed) private readonly changes: PropertyChangeFeed,
  ) {}

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
    const operation = (exists: boolean): PropertyListOperation =>
      exists || !options.create ? 'append' : 'create';
    const exists = () => this.lists.exists(actor.id, name);
    return this.hooked(name, exists, async (existed) => {
      const listOperation = existed === undefined ? undefined : operation(existed);
      const accepted = await this.gate.accept(actor, caller, 'post', name, [], value, listOperation);
      return this.write(actor.id, name, async (tx, record) => {
        const list = await this.lists.get(actor.id, name, tx);
        if (listOperation && listOperation !== operation(list !== null)) throw new ListChangedSinceHooks();
        if (!list) {
          if (!options.create) throw listNotFound(name);
          await assertNotSimple(this.properties, actor.id, name, tx);
          await this.lists.create(actor.id, name, '', '', tx);
        }
        const tail = await this.lists.tail(actor.id, name, tx);
        await this.appendAfter(tx, record, actor.id, name, tail, accepted, tail.count);
        return tail.count;
      });
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
    const accepted = await this.gate.accept(actor, caller, 'post', name, [String(index)], value, 'insert');
    return this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
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
        listChange(actor.id, name, undefined, accepted, {
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
    const path = [String(index), ...sub];
    const operation = (length: number): PropertyListOperation =>
      index === length && sub.length === 0 && appendAtEnd ? 'append' : 'update';
    const length = () => this.lists.count(actor.id, name);
    await this.hooked(name, length, async (lengthBefore) => {
      const listOperation = lengthBefore === undefined ? undefined : operation(lengthBefore);
      const accepted = await this.gate.accept(actor, caller, 'put', name, path, value, listOperation);
      await this.write(actor.id, name, async (tx, record) => {
        await requireList(this.lists, actor.id, name, tx);
        const { count, last } = await this.lists.tail(actor.id, name, tx);
        if (listOperation && listOperation !== operation(count)) throw new ListChangedSinceHooks();
        if (index >= count) {
          if (operation(count) === 'append') {
            await this.appendAfter(tx, record, actor.id, name, { count, last }, accepted, index);
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
          listChange(actor.id, name, old, item, {
            list: name,
            operation: 'update',
            length: count,
            item,
            index,
          }),
        );
      });
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
    const accepted = await this.gate.accept(actor, caller, 'put', name, [], value, 'update');
    await this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
      const rows = await this.lists.items(actor.id, name, tx);
      const { index, row } = matchOne(name, rows, oldItem);
      await this.lists.update(actor.id, name, row.position, JSON.stringify(accepted), tx);
      record(
        listChange(actor.id, name, oldItem, accepted, {
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
      // Deleting a key inside an item updates the item.
      const listOperation = sub.length === 0 ? 'delete' : 'update';
      await this.gate.allowDelete(actor, caller, name, [String(index), ...sub], current, listOperation);
    }
    await this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
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
          listChange(actor.id, name, old, undefined, { list: name, operation: 'delete', length, index }),
        );
        return;
      }
      const removed = deleteAt(old, sub);
      if (!removed.found)
        throw new NotFoundError(`${[name, index, ...sub].join('/')} not found`, 'item_not_found');
      await this.lists.update(actor.id, name, row.position, JSON.stringify(removed.value), tx);
      const length = await this.lists.count(actor.id, name, tx);
      record(
        listChange(actor.id, name, old, removed.value, {
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
    if (this.gate.has(name)) await this.gate.allowDelete(actor, caller, name, [], value, 'remove');
    await this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
      const rows = await this.lists.items(actor.id, name, tx);
      const { index, row } = matchOne(name, rows, value);
      await this.lists.deleteItem(actor.id, name, row.position, tx);
      record(
        listChange(actor.id, name, value, undefined, {
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
      await this.gate.allowDelete(actor, caller, name, [], items, 'clear');
    }
    await this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
      await this.lists.deleteItems(actor.id, name, tx);
      record(listChange(actor.id, name, undefined, undefined, { list: name, operation: 'clear', length: 0 }));
    });
  }

  /** Deletes the list, its items and its metadata (`DELETE /properties/<list>`). */
  async delete(actor: ActorHandle, caller: Caller, name: string): Promise<void> {
    if (this.gate.has(name)) {
      const items = parseItems(await this.lists.items(actor.id, name));
      await this.gate.allowDelete(actor, caller, name, [], items, 'delete_all');
    }
    await this.write(actor.id, name, async (tx, record) => {
      if (!(await this.lists.delete(actor.id, name, tx))) throw listNotFound(name);
      record(
        listChange(actor.id, name, undefined, undefined, { list: name, operation: 'delete_all', length: 0 }),
      );
    });
  }

  /** `PUT /properties/<list>/metadata`: only `description` and `explanation` (strings) are writable. */
  async updateMetadata(actor: ActorHandle, caller: Caller, name: string, body: unknown): Promise<void> {
    const changes = metadataFields(body, METADATA_FIELDS, 'metadata');
    if (changes.description === undefined && changes.explanation === undefined)
      throw new BadRequestError('Send "description" and/or "explanation"', 'invalid_metadata');
    await this.write(actor.id, name, async (tx, record) => {
      await requireList(this.lists, actor.id, name, tx);
      await this.lists.updateMetadata(actor.id, name, changes, tx);
      const length = await this.lists.count(actor.id, name, tx);
      record(listChange(actor.id, name, undefined, changes, { list: name, operation: 'metadata', length }));
    });
  }

  /**
   * Runs `attempt` with the list's state before its hooks (`read`), when
   * hooks are registered for the name; again when its write found that state
   * changed. Without hooks, once, with no state to tell or check (undefined).
   */
  private hooked<S, T>(
    name: string,
    read: () => Promise<S>,
    attempt: (before: S | undefined) => Promise<T>,
  ): Promise<T> {
    if (!this.gate.has(name)) return attempt(undefined);
    return rerunWhenListChanged(async () => attempt(await read()));
  }

  /** Adds `value` after the list's last item (`tail`) and records it as an append at `index`. */
  private async appendAfter(
    tx: Transaction<AwDatabase>,
    record: RecordChange,
    actorId: string,
    name: string,
    tail: { count: number; last: string | null },
    value: unknown,
    index: number,
  ): Promise<void> {
    await this.lists.insert(actorId, name, generateKeyBetween(tail.last, null), JSON.stringify(value), tx);
    record(
      listChange(actorId, name, undefined, value, {
        list: name,
        operation: 'append',
        length: tail.count + 1,
        item: value,
        index,
      }),
    );
  }

  private write<T>(
    actorId: string,
    name: string,
    fn: (tx: Transaction<AwDatabase>, record: RecordChange) => Promise<T>,
  ): Promise<T> {
    return writeProperties(this.database, this.changes, actorId, [name], fn);
  }
}

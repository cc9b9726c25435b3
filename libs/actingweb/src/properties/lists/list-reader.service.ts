import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { Caller } from '../../common/caller.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import { PropertyListRepository } from '../../storage/property-list.repository.js';
import { getAt } from '../../common/json-path.js';
import { PropertyHookGate } from '../property-hook-gate.js';
import { requireList } from './list-guards.js';
import { itemNotFound, jsonBytes, parseItems, type ListFormat, type ListSummary } from './list-model.js';

/** What a get hook returning null turns a value into. */
const HIDDEN = Symbol('hidden');

/** The `lists` part of `GET /properties?metadata=true`, by list name. */
export type ListMetadataListing = Record<
  string,
  { count: number; total_bytes: number; description: string; explanation: string }
>;

/**
 * Reads of list properties (ActingWeb spec, "/properties, list properties"): whole lists, pages, single
 * items, summaries and metadata, and the lists' part of `GET /properties`.
 * Every value passes the property get hooks, which see the list name as
 * `name` and the index path (`['3', 'title']`) as `path`; a hook returning
 * null hides it (404, or left out of listings).
 */
@Injectable()
export class PropertyListReader {
  constructor(
    @Inject(PropertyListRepository) private readonly lists: PropertyListRepository,
    @Inject(PropertyHookGate) private readonly gate: PropertyHookGate,
  ) {}

  /** True when the actor has a list with this name. */
  exists(actorId: string, name: string): Promise<boolean> {
    return this.lists.exists(actorId, name);
  }

  /** The names of the actor's lists, in byte order. */
  async names(actorId: string): Promise<string[]> {
    return (await this.lists.all(actorId)).map((list) => list.name);
  }

  /** All items, in order (`GET /properties/<list>`). */
  async items(actor: ActorHandle, caller: Caller, name: string): Promise<unknown> {
    await requireList(this.lists, actor.id, name);
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
    await requireList(this.lists, actor.id, name);
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
      await requireList(this.lists, actor.id, name);
      throw itemNotFound(name, index);
    }
    const value = getAt(JSON.parse(row.value), sub);
    if (value === undefined)
      throw new NotFoundError(`${[name, index, ...sub].join('/')} not found`, 'item_not_found');
    return this.shown(actor, caller, name, [String(index), ...sub], value);
  }

  /** `{_list: true, count, description, explanation}` (`?format=short`). */
  async summary(actor: ActorHandle, caller: Caller, name: string): Promise<ListSummary> {
    const list = await requireList(this.lists, actor.id, name);
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
  async metadataListing(actor: ActorHandle, caller: Caller): Promise<ListMetadataListing> {
    const lists = await this.lists.all(actor.id);
    if (lists.length === 0) return {};
    const stats = await this.lists.stats(actor.id);
    const result: ListMetadataListing = {};
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

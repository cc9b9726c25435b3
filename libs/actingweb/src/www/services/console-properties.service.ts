import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../../common/caller.js';
import { isPlainObject } from '../../common/json.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { PropertiesService } from '../../properties/properties.service.js';
import { validateSegment } from '../../properties/property-path.js';
import { PropertyListReader } from '../../properties/lists/list-reader.service.js';
import { PropertyListWriter } from '../../properties/lists/list-writer.service.js';

/** The owner edits as the creator: property hooks see a creator call, as over HTTP with Basic. */
const OWNER: Caller = Object.freeze({ kind: 'creator' });

/** One row of the properties page. */
export type PropertyEntry =
  | { readonly name: string; readonly list: false; readonly value: unknown }
  | { readonly name: string; readonly list: true; readonly count: number; readonly description: string };

/** A property as its page shows it. */
export type PropertyView =
  | { readonly kind: 'value'; readonly value: unknown }
  | {
      readonly kind: 'list';
      readonly count: number;
      readonly description: string;
      readonly explanation: string;
      /** The items of the requested page, with their list index. */
      readonly items: readonly { index: number; item: unknown }[];
      readonly page: number;
      readonly pages: number;
    };

/** Items per page of a list property. */
export const LIST_PAGE_SIZE = 20;

/** How a new property starts: a text, a JSON value, or an empty list. */
export type NewPropertyKind = 'text' | 'json' | 'list';

/**
 * Properties for the owner console, through the same services as
 * `/properties` (hooks, change records, subscriptions), as the creator:
 * the listing, one property (a value at a path inside it, or a list one page
 * at a time), and every write the pages offer.
 */
@Injectable()
export class ConsoleProperties {
  constructor(
    @Inject(PropertiesService) private readonly properties: PropertiesService,
    @Inject(PropertyListReader) private readonly lists: PropertyListReader,
    @Inject(PropertyListWriter) private readonly listWrites: PropertyListWriter,
  ) {}

  /** Simple properties and lists, by name. */
  async entries(actor: ActorHandle): Promise<PropertyEntry[]> {
    const simple = await this.properties.getAll(actor, OWNER);
    const lists = await this.lists.metadataListing(actor, OWNER);
    const rows: PropertyEntry[] = [
      ...Object.entries(simple).map(([name, value]) => ({ name, list: false as const, value })),
      ...Object.entries(lists).map(([name, l]) => ({
        name,
        list: true as const,
        count: l.count,
        description: l.description,
      })),
    ];
    return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** How many properties (simple and lists) the actor has. */
  async count(actor: ActorHandle): Promise<number> {
    return (await this.entries(actor)).length;
  }

  /** The property `name`: its value at `path`, or (a list) page `page` of its items. 404 when there is none. */
  async view(actor: ActorHandle, name: string, path: readonly string[], page: number): Promise<PropertyView> {
    if (await this.lists.exists(actor.id, name)) {
      if (path.length > 0) throw new NotFoundError(`${name} is a list; it has no keys`, 'property_not_found');
      const summary = await this.lists.summary(actor, OWNER, name);
      const shown = await this.lists.items(actor, OWNER, name);
      const all = Array.isArray(shown) ? shown : [];
      const pages = Math.max(1, Math.ceil(all.length / LIST_PAGE_SIZE));
      const current = Math.min(Math.max(1, page), pages);
      const start = (current - 1) * LIST_PAGE_SIZE;
      return {
        kind: 'list',
        count: all.length,
        description: summary.description,
        explanation: summary.explanation,
        items: all.slice(start, start + LIST_PAGE_SIZE).map((item, i) => ({ index: start + i, item })),
        page: current,
        pages,
      };
    }
    return { kind: 'value', value: await this.properties.get(actor, OWNER, [name, ...path]) };
  }

  /** Creates a property; a name already in use → 409 (edit it on its page instead). */
  async create(actor: ActorHandle, name: string, kind: NewPropertyKind, value: unknown): Promise<void> {
    validateSegment(name, true);
    if (await this.exists(actor, name))
      throw new ConflictError(`There is already a property named ${name}`, 'property_exists');
    if (kind === 'list') {
      await this.properties.post(actor, OWNER, {
        [name]: { _type: 'list', description: typeof value === 'string' ? value : '' },
      });
      return;
    }
    await this.properties.put(actor, OWNER, [name], value);
  }

  /** Sets the value at `[name, ...path]` (a nested path merges into the stored object). */
  async save(actor: ActorHandle, name: string, path: readonly string[], value: unknown): Promise<void> {
    await this.properties.put(actor, OWNER, [name, ...path], value);
  }

  /** Adds `key` to the object at `[name, ...path]`; a key that exists → 400. */
  async addKey(
    actor: ActorHandle,
    name: string,
    path: readonly string[],
    key: string,
    value: unknown,
  ): Promise<void> {
    validateSegment(key, false);
    const current = await this.properties.get(actor, OWNER, [name, ...path]);
    if (!isPlainObject(current))
      throw new BadRequestError('Keys can be added to an object only', 'not_an_object');
    if (Object.hasOwn(current, key)) throw new ConflictError(`There is already a key ${key}`, 'key_exists');
    await this.properties.put(actor, OWNER, [name, ...path, key], value);
  }

  /** Deletes the value at `[name, ...path]`, or the whole list `name`. */
  async delete(actor: ActorHandle, name: string, path: readonly string[]): Promise<void> {
    if (path.length === 0 && (await this.lists.exists(actor.id, name))) {
      await this.listWrites.delete(actor, OWNER, name);
      return;
    }
    await this.properties.delete(actor, OWNER, [name, ...path]);
  }

  /** Appends an item; returns its index. */
  addItem(actor: ActorHandle, name: string, value: unknown): Promise<number> {
    return this.listWrites.append(actor, OWNER, name, value);
  }

  /** Replaces the item at `index` (a missing index → 404). */
  async saveItem(actor: ActorHandle, name: string, index: number, value: unknown): Promise<void> {
    await this.requireItem(actor, name, index);
    await this.listWrites.set(actor, OWNER, name, index, [], value);
  }

  removeItem(actor: ActorHandle, name: string, index: number): Promise<void> {
    return this.listWrites.deleteItem(actor, OWNER, name, index);
  }

  /** The list's description and explanation. */
  saveMetadata(actor: ActorHandle, name: string, description: string, explanation: string): Promise<void> {
    return this.listWrites.updateMetadata(actor, OWNER, name, { description, explanation });
  }

  private async exists(actor: ActorHandle, name: string): Promise<boolean> {
    return (
      (await this.lists.exists(actor.id, name)) || (await this.properties.exists(actor.id, name))
    );
  }

  /** `set` at `index == length` would append; the console edits existing items only. */
  private async requireItem(actor: ActorHandle, name: string, index: number): Promise<void> {
    await this.lists.item(actor, OWNER, name, index);
  }
}

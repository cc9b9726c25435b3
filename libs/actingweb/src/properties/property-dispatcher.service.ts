import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import { isPlainObject } from '../common/json.js';
import { BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { PermissionGate } from '../permissions/permission-gate.js';
import {
  PropertiesService,
  type PropertiesMetadata,
  type PropertyListingOptions,
} from './properties.service.js';
import { listNotFound, parseListIndex } from './lists/list-model.js';
import { PropertyListItemsAction } from './lists/list-items-action.service.js';
import { PropertyListReader } from './lists/list-reader.service.js';
import { PropertyListWriter } from './lists/list-writer.service.js';

/** The query parameters of a request, as the router parsed them (a repeated key is an array). */
export type PropertyQuery = Readonly<Record<string, unknown>>;

/** A read: `asJson` values (a list's) are always JSON; otherwise a string is served as text (spec: "/properties, GET"). */
export interface PropertyRead {
  readonly value: unknown;
  readonly asJson: boolean;
}

/** What a POST did, for the answer (`properties.view.ts`). */
export type PropertyPost =
  | { readonly kind: 'stored'; readonly values: Record<string, unknown> }
  | { readonly kind: 'appended'; readonly name: string; readonly index: number }
  | { readonly kind: 'itemCreated'; readonly index: number }
  | { readonly kind: 'itemChanged' };

type Operation = 'read' | 'write' | 'delete';

/**
 * Routes a `/properties[/<path>]` request (ActingWeb spec, "/properties") to simple or
 * list properties, after the trust-permission check: a trust peer needs
 * `operation` on `name/sub/path` (`*` for all properties, spec: "Relationships and their data, permissions"; the route's
 * access rules were applied by the guard). Names are either simple or lists
 * (one namespace, spec: "/properties, list properties"); on a list, `/<list>/<i>[/<key>...]` addresses an
 * item, `/<list>/metadata` its metadata and `/<list>/items` the Python
 * reference's item endpoint, and `?index=N` is the Python form of `/<list>/<N>`.
 *
 * Used by the HTTP routes and by `actor.properties`, so both route alike.
 */
@Injectable()
export class PropertyDispatcher {
  constructor(
    @Inject(PropertiesService) private readonly properties: PropertiesService,
    @Inject(PropertyListReader) private readonly lists: PropertyListReader,
    @Inject(PropertyListWriter) private readonly listWriter: PropertyListWriter,
    @Inject(PropertyListItemsAction) private readonly listItems: PropertyListItemsAction,
    @Inject(PermissionGate) private readonly permissions: PermissionGate,
  ) {}

  /** `GET /properties`: what the caller may read; lists as `format`/`metadata` ask. */
  listAll(
    actor: ActorHandle,
    caller: Caller,
    query: PropertyQuery,
  ): Promise<Record<string, unknown> | PropertiesMetadata> {
    return this.properties.getAll(actor, caller, listingOptions(query));
  }

  /** `GET /properties/<path>`. */
  async read(
    actor: ActorHandle,
    caller: Caller,
    path: string[],
    query: PropertyQuery,
  ): Promise<PropertyRead> {
    const permitted = this.assertMay(actor, caller, path, 'read');
    if (permitted) await permitted;
    if (path.length === 0) return { value: await this.listAll(actor, caller, query), asJson: false };
    try {
      return { value: await this.properties.get(actor, caller, path), asJson: false };
    } catch (err) {
      // Names are either simple or lists, so only a miss needs the list lookup.
      if (!(err instanceof NotFoundError) || !(await this.lists.exists(actor.id, path[0]))) throw err;
    }
    return { value: await this.readList(actor, caller, path, query), asJson: true };
  }

  /** `PUT /properties/<path>`: a simple value, a list item (or a key inside it), or a list's metadata. */
  async write(
    actor: ActorHandle,
    caller: Caller,
    path: string[],
    body: unknown,
    query: PropertyQuery,
  ): Promise<void> {
    if (path.length === 0) throw new BadRequestError('PUT needs a property name', 'invalid_path');
    const permitted = this.assertMay(actor, caller, path, 'write');
    if (permitted) await permitted;
    const index = queryParam(query, 'index');
    // PUT /<name> on a list is refused (409) by the service; only the other forms need the list lookup.
    if (path.length > 1 || index !== undefined) {
      const [name, second, ...rest] = path;
      if (await this.lists.exists(actor.id, name)) {
        if (second === undefined)
          return this.listWriter.set(actor, caller, name, parseListIndex(index), [], body);
        if (second === 'metadata' && rest.length === 0)
          return this.listWriter.updateMetadata(actor, caller, name, body);
        return this.listWriter.set(actor, caller, name, parseListIndex(second), rest, body);
      }
      if (index !== undefined) throw listNotFound(name);
      if (second === 'metadata' && rest.length === 0 && !(await this.properties.exists(actor.id, name)))
        throw listNotFound(name);
    }
    await this.properties.put(actor, caller, path, body);
  }

  /** `POST /properties` (bulk, spec: "/properties, POST"): a trust peer needs `write` on every name in the body. */
  async postAll(actor: ActorHandle, caller: Caller, body: unknown): Promise<PropertyPost> {
    if (isPlainObject(body)) {
      const check = await this.permissions.for(actor, caller, 'rules');
      for (const name of Object.keys(body)) check.assert('properties', name, 'write');
    }
    return { kind: 'stored', values: await this.properties.post(actor, caller, body) };
  }

  /** `POST /properties/<list>` appends (creating the list if the name is free); `/<list>/items` takes an action. */
  async post(actor: ActorHandle, caller: Caller, path: string[], body: unknown): Promise<PropertyPost> {
    await this.assertMay(actor, caller, path, 'write');
    if (path.length === 0) return this.postAll(actor, caller, body);
    const [name, second, ...rest] = path;
    if (second === undefined) {
      const index = await this.listWriter.append(actor, caller, name, body, { create: true });
      return { kind: 'appended', name, index };
    }
    if (second === 'items' && rest.length === 0) {
      const result = await this.listItems.itemsAction(actor, caller, name, body);
      return result.created ? { kind: 'itemCreated', index: result.index! } : { kind: 'itemChanged' };
    }
    throw new BadRequestError(
      'POST goes to /properties, /properties/<list> or /properties/<list>/items',
      'invalid_path',
    );
  }

  /** `DELETE /properties[/<path>]`: everything, a simple value, a list, or a list item (or a key inside it). */
  async delete(actor: ActorHandle, caller: Caller, path: string[], query: PropertyQuery): Promise<void> {
    await this.assertMay(actor, caller, path, 'delete');
    if (path.length === 0) return this.properties.deleteAll(actor, caller);
    const [name, second, ...rest] = path;
    const index = queryParam(query, 'index');
    if (await this.lists.exists(actor.id, name)) {
      if (second !== undefined)
        return this.listWriter.deleteItem(actor, caller, name, parseListIndex(second), rest);
      if (index === undefined) return this.listWriter.delete(actor, caller, name);
      return this.listWriter.deleteItem(actor, caller, name, parseListIndex(index));
    }
    if (index !== undefined) throw listNotFound(name);
    await this.properties.delete(actor, caller, path);
  }

  /** GET on a list: the items, `?format=short`, `?index=N`, `/<i>[/<key>...]`, `/metadata` or `/items`. */
  private readList(
    actor: ActorHandle,
    caller: Caller,
    path: string[],
    query: PropertyQuery,
  ): Promise<unknown> {
    const [name, second, ...rest] = path;
    if (second === undefined) {
      const index = queryParam(query, 'index');
      if (index !== undefined) return this.lists.item(actor, caller, name, parseListIndex(index));
      const format = queryParam(query, 'format');
      if (format === 'short') return this.lists.summary(actor, caller, name);
      if (format === undefined || format === '' || format === 'full')
        return this.lists.items(actor, caller, name);
      throw new BadRequestError('format must be short or full', 'invalid_format');
    }
    if (rest.length === 0 && second === 'metadata') return this.lists.metadata(actor, caller, name);
    if (rest.length === 0 && second === 'items') return this.lists.indexedItems(actor, caller, name);
    return this.lists.item(actor, caller, name, parseListIndex(second), rest);
  }

  /** 403 unless allowed; a promise only when the caller's permissions must be loaded (a trust peer). */
  private assertMay(
    actor: ActorHandle,
    caller: Caller,
    path: string[],
    operation: Operation,
  ): Promise<void> | undefined {
    const target = path.length ? path.join('/') : '*';
    const check = PermissionGate.immediate(caller, 'rules');
    if (check) {
      check.assert('properties', target, operation);
      return undefined;
    }
    return this.permissions
      .for(actor, caller, 'rules')
      .then((c) => c.assert('properties', target, operation));
  }
}

/** `format` and `metadata` of `GET /properties` (spec: "/properties, GET"); both together → 400. */
function listingOptions(query: PropertyQuery): PropertyListingOptions {
  const format = queryParam(query, 'format');
  const metadata = queryParam(query, 'metadata');
  if (format !== undefined && metadata !== undefined)
    throw new BadRequestError('format and metadata cannot be used together', 'invalid_query');
  if (metadata !== undefined) {
    if (metadata === 'true') return { metadata: true };
    if (metadata === 'false' || metadata === '') return { format: 'short' };
    throw new BadRequestError('metadata must be true or false', 'invalid_query');
  }
  if (format === undefined || format === '' || format === 'short') return { format: 'short' };
  if (format === 'full') return { format: 'full' };
  throw new BadRequestError('format must be short or full', 'invalid_format');
}

/** One query parameter; repeated → 400. */
function queryParam(query: PropertyQuery, key: string): string | undefined {
  const value = query[key];
  if (value === undefined || typeof value === 'string') return value;
  throw new BadRequestError(`Query parameter ${key} must be given once`, 'invalid_query');
}

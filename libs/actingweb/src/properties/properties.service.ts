import { Inject, Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import type { PropertyListOperation } from '../hooks/hook.types.js';
import { BadRequestError, ConflictError, NotFoundError } from '../errors/actingweb.errors.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import type { AwDatabase } from '../storage/database.types.js';
import { PropertyRepository } from '../storage/property.repository.js';
import { PermissionGate } from '../permissions/permission-gate.js';
import { deleteAt, getAt, setAt } from '../common/json-path.js';
import { isPlainObject } from '../common/json.js';
import { PropertyChangeFeed, type PropertyChange, type WriteFacts } from './property-change.js';
import { isBulkItemUpdate, isListDescriptor, type ListFormat } from './lists/list-model.js';
import { PropertyListBulk } from './lists/list-bulk.service.js';
import { PropertyListReader, type ListMetadataListing } from './lists/list-reader.service.js';
import { validateSegment } from './property-path.js';
import { ListChangedSinceHooks, rerunWhenListChanged, writeProperties } from './property-write.js';
import { PropertyHookGate } from './property-hook-gate.js';

/** Marker for "no value": a missing property or a path that leads nowhere. */
const ABSENT = undefined;

/**
 * How `GET /properties` shows lists (spec: "/properties, GET"): as markers or in full (`format`),
 * or only names and sizes (`metadata`).
 *
 * @publicApi
 */
export interface PropertyListingOptions {
  readonly format?: ListFormat;
  readonly metadata?: boolean;
}

/** `GET /properties?metadata=true`. @publicApi */
export interface PropertiesMetadata {
  simple: { properties: string[]; total_bytes: number };
  lists: ListMetadataListing;
}

/**
 * The `/properties` contract (ActingWeb spec, "/properties") for simple (non-list)
 * properties, shared by HTTP and by application code: reads, nested writes
 * (deep merge), bulk POST (all or nothing), deletes, property hooks
 * (docs/properties.md#property-hooks) and change records that commit in the
 * same transaction as the write.
 *
 * Values keep their JSON type: a text body is a string, a JSON body is JSON.
 */
@Injectable()
export class PropertiesService {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
    @Inject(PropertyHookGate) private readonly gate: PropertyHookGate,
    @Inject(PropertyChangeFeed) private readonly changes: PropertyChangeFeed,
    @Inject(PropertyListReader) private readonly listReader: PropertyListReader,
    @Inject(PropertyListBulk) private readonly listBulk: PropertyListBulk,
    @Inject(PermissionGate) private readonly permissions: PermissionGate,
  ) {}

  /**
   * All simple properties as `{ name: value }`, after get hooks (a hook
   * returning null hides the key). With `options` (the HTTP listing, spec: "/properties, GET"),
   * lists are included too: as `{_list: true, count}` markers, in full, or,
   * with `metadata`, as the `{simple, lists}` summary.
   */
  async getAll(actor: ActorHandle, caller: Caller): Promise<Record<string, unknown>>;
  async getAll(
    actor: ActorHandle,
    caller: Caller,
    options: PropertyListingOptions,
  ): Promise<Record<string, unknown> | PropertiesMetadata>;
  async getAll(
    actor: ActorHandle,
    caller: Caller,
    options?: PropertyListingOptions,
  ): Promise<Record<string, unknown> | PropertiesMetadata> {
    const rows = await this.properties.all(actor.id);
    const result: Record<string, unknown> = {};
    for (const row of rows) {
      const value = await this.gate.afterGet(actor, caller, row.name, [], JSON.parse(row.value));
      if (value !== null && value !== undefined) result[row.name] = value;
    }
    if (!options) return this.readableOnly(actor, caller, result);
    if (options.metadata) {
      const simple = await this.readableOnly(actor, caller, result);
      const totalBytes = Object.values(simple).reduce<number>(
        (sum, value) => sum + Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8'),
        0,
      );
      return {
        simple: { properties: Object.keys(simple), total_bytes: totalBytes },
        lists: await this.readableOnly(actor, caller, await this.listReader.metadataListing(actor, caller)),
      };
    }
    return this.readableOnly(actor, caller, {
      ...result,
      ...(await this.listReader.listing(actor, caller, options.format ?? 'short')),
    });
  }

  /**
   * A trust peer sees only the names its permissions let it read (denied ones
   * are left out silently, spec: "/properties, GET"; `not_found` is kept, as in the reference).
   */
  private async readableOnly<T>(
    actor: ActorHandle,
    caller: Caller,
    byName: Record<string, T>,
  ): Promise<Record<string, T>> {
    if (caller.kind !== 'peer') return byName;
    const names = Object.keys(byName);
    if (names.length === 0) return byName;
    const check = await this.permissions.for(actor, caller, 'rules');
    const readable = new Set(check.filter('properties', names, 'read'));
    return Object.fromEntries(Object.entries(byName).filter(([name]) => readable.has(name)));
  }

  /** True when the actor has a simple property with this name. */
  async exists(actorId: string, name: string): Promise<boolean> {
    return (await this.properties.get(actorId, name)) !== null;
  }

  /** The value at `[name, ...sub]`; NotFoundError when absent or hidden by a hook. */
  async get(actor: ActorHandle, caller: Caller, path: readonly string[]): Promise<unknown> {
    const [name, ...sub] = path;
    const stored = await this.properties.get(actor.id, name);
    const value = stored === null ? ABSENT : getAt(JSON.parse(stored), sub);
    if (value === ABSENT)
      throw new NotFoundError(`Property ${path.join('/')} not found`, 'property_not_found');
    const shown = await this.gate.afterGet(actor, caller, name, sub, value);
    if (shown === null || shown === undefined)
      throw new NotFoundError(`Property ${path.join('/')} not found`, 'property_not_found');
    return shown;
  }

  /**
   * Sets `[name, ...sub]` to `value`. A top-level PUT replaces the value; a
   * nested one merges into the stored object, creating missing levels (spec: "/properties, PUT").
   * A put hook returning null rejects the write (400) and nothing changes.
   */
  async put(actor: ActorHandle, caller: Caller, path: readonly string[], value: unknown): Promise<void> {
    if (value === undefined) throw new BadRequestError('A property value is required', 'missing_value');
    const [name, ...sub] = path;
    const accepted = this.gate.has(name)
      ? await this.gate.accept(actor, caller, 'put', name, sub, value)
      : value;
    await this.inTransaction(actor.id, [name], async (tx, facts) => {
      const { value: stored, watched } = await this.storedForWrite(actor.id, name, tx);
      const oldRoot = stored === null ? ABSENT : JSON.parse(stored);
      const newRoot = setAt(oldRoot, sub, accepted);
      facts.propertySubscriptions = await this.properties.putWatched(
        actor.id,
        name,
        JSON.stringify(newRoot),
        tx,
        watched,
      );
      return [
        { actorId: actor.id, operation: 'put', path, oldValue: getAt(oldRoot, sub), newValue: accepted },
      ];
    });
  }

  /**
   * Bulk create/replace from a JSON object or form (spec: "/properties, POST"): every value is
   * stored, or none is. A post hook rejecting any value → 409 and nothing changes.
   * Returns the stored values.
   */
  async post(actor: ActorHandle, caller: Caller, body: unknown): Promise<Record<string, unknown>> {
    if (!isPlainObject(body))
      throw new BadRequestError('Body must be a JSON object or a form of properties', 'invalid_body');
    const entries = Object.entries(body);
    if (entries.length === 0) throw new BadRequestError('No properties in the body', 'invalid_body');
    for (const [name] of entries) validateSegment(name, true);

    return rerunWhenListChanged(async () => {
      const accepted: Record<string, unknown> = {};
      // Lists whose hooks were told what the write does to them: were they lists then?
      const wasList = new Map<string, boolean>();
      for (const [name, value] of entries) {
        let listOperation: PropertyListOperation | undefined;
        if (this.gate.has(name) && (isListDescriptor(value) || isBulkItemUpdate(value))) {
          const isList = await this.properties.isList(actor.id, name);
          wasList.set(name, isList);
          listOperation = bulkListOperation(value, isList);
        }
        const result = await this.gate.write(actor, caller, 'post', name, [], value, listOperation);
        if (result.rejected)
          throw new ConflictError(
            `Property ${name} was not accepted; nothing was stored`,
            'rejected_by_hook',
          );
        accepted[name] = result.value;
      }
      await this.inTransaction(actor.id, Object.keys(accepted), async (tx) => {
        for (const [name, isList] of wasList)
          if ((await this.properties.isList(actor.id, name, tx)) !== isList)
            throw new ListChangedSinceHooks();
        const changes: PropertyChange[] = [];
        for (const [name, value] of Object.entries(accepted)) {
          // List extensions (as in the Python reference): create a list, or bulk-update an existing one's items.
          if (isListDescriptor(value)) {
            changes.push(...(await this.listBulk.createInTransaction(tx, actor.id, name, value)));
            continue;
          }
          if (isBulkItemUpdate(value) && (await this.properties.isList(actor.id, name, tx))) {
            changes.push(...(await this.listBulk.bulkInTransaction(tx, actor.id, name, value.items)));
            continue;
          }
          const { value: stored } = await this.storedForWrite(actor.id, name, tx);
          await this.properties.put(actor.id, name, JSON.stringify(value), tx);
          changes.push({
            actorId: actor.id,
            operation: 'post',
            path: [name],
            oldValue: stored === null ? ABSENT : JSON.parse(stored),
            newValue: value,
          });
        }
        return changes;
      });
      return accepted;
    });
  }

  /** Deletes `[name, ...sub]`; NotFoundError when absent, ForbiddenError when a delete hook refuses. */
  async delete(actor: ActorHandle, caller: Caller, path: readonly string[]): Promise<void> {
    const [name, ...sub] = path;
    await this.deleteHooksAllow(actor, caller, name, sub);
    await this.inTransaction(actor.id, [name], async (tx) => {
      const stored = await this.properties.get(actor.id, name, tx);
      if (stored === null)
        throw new NotFoundError(`Property ${path.join('/')} not found`, 'property_not_found');
      const oldRoot = JSON.parse(stored);
      if (sub.length === 0) {
        await this.properties.delete(actor.id, name, tx);
        return [{ actorId: actor.id, operation: 'delete', path, oldValue: oldRoot, newValue: ABSENT }];
      }
      const removed = deleteAt(oldRoot, sub);
      if (!removed.found)
        throw new NotFoundError(`Property ${path.join('/')} not found`, 'property_not_found');
      await this.properties.put(actor.id, name, JSON.stringify(removed.value), tx);
      return [
        { actorId: actor.id, operation: 'delete', path, oldValue: getAt(oldRoot, sub), newValue: ABSENT },
      ];
    });
  }

  /** Deletes every simple property and every list (`DELETE /properties`). */
  async deleteAll(actor: ActorHandle, caller: Caller): Promise<void> {
    await this.deleteHooksAllow(actor, caller, '*', []);
    await this.inTransaction(actor.id, [], async (tx) => {
      const rows = await this.properties.all(actor.id, tx);
      await this.properties.deleteAll(actor.id, tx);
      const changes: PropertyChange[] = rows.map((row) => ({
        actorId: actor.id,
        operation: 'delete' as const,
        path: [row.name],
        oldValue: JSON.parse(row.value),
        newValue: ABSENT,
      }));
      changes.push(...(await this.listBulk.deleteAllInTransaction(tx, actor.id)));
      return changes;
    });
  }

  /**
   * One write transaction: per-name locks (PostgreSQL; taken in sorted order so
   * two bulk writes cannot deadlock), the write, its change records; after
   * commit, the committed-listeners (see {@link writeProperties}).
   */
  private inTransaction(
    actorId: string,
    names: readonly string[],
    write: (tx: Transaction<AwDatabase>, facts: WriteFacts) => Promise<PropertyChange[]>,
  ): Promise<void> {
    return writeProperties(this.database, this.changes, actorId, names, async (tx, record, facts) => {
      record(...(await write(tx, facts)));
    });
  }

  /**
   * The stored value for a write and, where known, whether anyone subscribes
   * (PropertyRepository.getForWrite); 409 when the name is a list (one namespace,
   * spec: "/properties, list properties").
   */
  private async storedForWrite(
    actorId: string,
    name: string,
    tx: Transaction<AwDatabase>,
  ): Promise<{ value: string | null; watched: boolean | undefined }> {
    const stored = await this.properties.getForWrite(actorId, name, tx);
    if (stored.isList)
      throw new ConflictError(`${name} is a list property; address its items instead`, 'is_a_list');
    return stored;
  }

  /** Delete hooks get the current value (`name` is `*` for "delete all"; it reads nothing then). */
  private async deleteHooksAllow(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    sub: readonly string[],
  ): Promise<void> {
    if (!this.gate.has(name)) return;
    const stored = name === '*' ? null : await this.properties.get(actor.id, name);
    const current = stored === null ? null : (getAt(JSON.parse(stored), sub) ?? null);
    await this.gate.allowDelete(actor, caller, name, sub, current);
  }
}

/** What a list descriptor or bulk item update in `POST /properties` does to the list; undefined when it is no list write. */
function bulkListOperation(value: unknown, isList: boolean): PropertyListOperation | undefined {
  if (isListDescriptor(value)) return isList ? 'metadata' : 'create';
  return isList ? 'bulk_update' : undefined;
}

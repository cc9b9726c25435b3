import { APPLICATION } from '../common/caller.js';
import type { ActorHandle, ActorPropertyList, ListMetadataChange } from '../hooks/actor-handle.js';
import { parseListIndex } from './lists/list-model.js';
import type { PropertyListReader } from './lists/list-reader.service.js';
import type { PropertyListWriter } from './lists/list-writer.service.js';
import type { PropertiesService } from './properties.service.js';

/**
 * `actor.propertyList(name)`: the list services of the HTTP routes, called as
 * the application. Creating through `create` goes through the bulk write
 * (`POST /properties` with a list descriptor), so hooks and records match it.
 */
export function propertyListHandle(
  actor: ActorHandle,
  name: string,
  services: { reader: PropertyListReader; writer: PropertyListWriter; properties: PropertiesService },
): ActorPropertyList {
  const { reader, writer, properties } = services;
  const caller = APPLICATION;
  return Object.freeze({
    name,
    exists: () => reader.exists(actor.id, name),
    create: async (metadata: ListMetadataChange = {}) => {
      await properties.post(actor, caller, { [name]: { ...given(metadata), _type: 'list' } });
    },
    append: (item: unknown) => writer.append(actor, caller, name, item, { create: true }),
    insert: (index: number, item: unknown) => writer.insert(actor, caller, name, parseListIndex(index), item),
    get: (index: number) => orMissing(reader.item(actor, caller, name, parseListIndex(index)), undefined),
    items: async (page: { offset?: number; limit?: number } = {}) => {
      const offset = page.offset === undefined ? 0 : parseListIndex(page.offset, 'offset');
      const limit = page.limit === undefined ? Number.MAX_SAFE_INTEGER : parseListIndex(page.limit, 'limit');
      return orMissing(reader.page(actor, caller, name, offset, limit), []);
    },
    length: async () => (await orMissing(reader.summary(actor, caller, name), undefined))?.count ?? 0,
    update: (index: number, item: unknown) =>
      writer.set(actor, caller, name, parseListIndex(index), [], item, { appendAtEnd: false }),
    replace: (oldItem: unknown, newItem: unknown) =>
      writer.updateByValue(actor, caller, name, oldItem, newItem),
    delete: (index: number) => done(writer.deleteItem(actor, caller, name, parseListIndex(index))),
    remove: (item: unknown) => done(writer.deleteByValue(actor, caller, name, item)),
    clear: () => writer.clear(actor, caller, name),
    deleteList: () => done(writer.delete(actor, caller, name)),
    metadata: async () => {
      const found = await orMissing(reader.metadata(actor, caller, name), undefined);
      if (!found) return undefined;
      return { description: found.description, explanation: found.explanation, count: found.count };
    },
    setMetadata: (change: ListMetadataChange) => writer.updateMetadata(actor, caller, name, given(change)),
  });
}

/** The metadata fields that were given (an `undefined` field is left out, not sent). */
function given(change: ListMetadataChange): ListMetadataChange {
  return Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
}

/** The result, or `missing` when the service answered 404 (no such list or item, or hidden by a hook). */
export async function orMissing<T, M>(promise: Promise<T>, missing: M): Promise<T | M> {
  try {
    return await promise;
  } catch (err) {
    if (isNotFound(err)) return missing;
    throw err;
  }
}

/** True when the write happened, false when there was nothing to write to (404). */
export async function done(promise: Promise<unknown>): Promise<boolean> {
  try {
    await promise;
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number } | null)?.statusCode === 404;
}

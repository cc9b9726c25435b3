import type { Executor } from '../../storage/actingweb-database.js';
import type { PropertyListRepository, PropertyListRow } from '../../storage/property-list.repository.js';
import type { PropertyRepository } from '../../storage/property.repository.js';
import { ConflictError } from '../../errors/actingweb.errors.js';
import { listNotFound } from './list-model.js';

/** The list's metadata row; 404 when the actor has no list of that name. */
export async function requireList(
  lists: PropertyListRepository,
  actorId: string,
  name: string,
  db?: Executor,
): Promise<PropertyListRow> {
  const list = await lists.get(actorId, name, db);
  if (!list) throw listNotFound(name);
  return list;
}

/** 409 when a simple property has the name (lists and simple properties share one namespace, spec: "/properties, list properties"). */
export async function assertNotSimple(
  properties: PropertyRepository,
  actorId: string,
  name: string,
  db: Executor,
): Promise<void> {
  if ((await properties.get(actorId, name, db)) !== null)
    throw new ConflictError(`${name} is a simple property, not a list`, 'is_a_property');
}

import { Inject, Injectable } from '@nestjs/common';
import { generateNKeysBetween } from 'fractional-indexing';
import type { Transaction } from 'kysely';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import type { AwDatabase } from '../../storage/database.types.js';
import { PropertyListRepository } from '../../storage/property-list.repository.js';
import { PropertyRepository } from '../../storage/property.repository.js';
import type { PropertyChange } from '../property-change.js';
import { lockProperty } from '../property-write.js';
import { assertNotSimple } from './list-guards.js';
import {
  DESCRIPTOR_FIELDS,
  listChange,
  metadataFields,
  planBulkUpdate,
  validateListName,
} from './list-model.js';

/**
 * The list parts of the bulk writes on `/properties`, inside their
 * transaction: list descriptors and bulk item updates in `POST /properties`,
 * and every list going with `DELETE /properties`. They return their change
 * records for the caller to record with the rest of the write.
 */
@Injectable()
export class PropertyListBulk {
  constructor(
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(PropertyListRepository) private readonly lists: PropertyListRepository,
    @Inject(PropertyRepository) private readonly properties: PropertyRepository,
  ) {}

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
      await assertNotSimple(this.properties, actorId, name, tx);
      await this.lists.create(actorId, name, fields.description ?? '', fields.explanation ?? '', tx);
    }
    const length = existing ? await this.lists.count(actorId, name, tx) : 0;
    return [listChange(actorId, name, undefined, fields, { list: name, operation: 'metadata', length })];
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
        listChange(actorId, name, JSON.parse(rows[index].value), item, {
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
        listChange(actorId, name, undefined, plan.appends, {
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
        listChange(actorId, name, JSON.parse(rows[index].value), undefined, {
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
      listChange(actorId, list.name, undefined, undefined, {
        list: list.name,
        operation: 'delete_all',
        length: 0,
      }),
    );
  }
}

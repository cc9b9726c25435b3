import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { Caller } from '../../common/caller.js';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { isPlainObject } from '../../common/json.js';
import { parseListIndex, type ListItemsActionResult } from './list-model.js';
import { PropertyListWriter } from './list-writer.service.js';

/**
 * The Python reference's item endpoint, `POST /properties/<list>/items`: one
 * action in the body, carried out by the list writer. Unlike the URL forms,
 * a missing index here is a 400 (a body field, not an address).
 */
@Injectable()
export class PropertyListItemsAction {
  constructor(@Inject(PropertyListWriter) private readonly writer: PropertyListWriter) {}

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
        return { created: true, index: await this.writer.append(actor, caller, name, itemValue()) };
      case 'insert': {
        if (!has('item_index')) throw new BadRequestError('"item_index" is required', 'invalid_index');
        const index = parseListIndex(body.item_index, 'item_index');
        return { created: true, index: await this.writer.insert(actor, caller, name, index, itemValue()) };
      }
      case 'update':
        if (has('item_index')) {
          const index = parseListIndex(body.item_index, 'item_index');
          await this.writer.set(actor, caller, name, index, [], itemValue(), { outOfRange: 'bad_request' });
        } else if (has('old_item')) {
          await this.writer.updateByValue(actor, caller, name, body.old_item, itemValue());
        } else {
          throw new BadRequestError('"item_index" or "old_item" is required', 'invalid_index');
        }
        return { created: false };
      case 'delete':
        if (has('item_index')) {
          const index = parseListIndex(body.item_index, 'item_index');
          await this.writer.deleteItem(actor, caller, name, index, [], 'bad_request');
        } else if (has('item_value')) {
          await this.writer.deleteByValue(actor, caller, name, body.item_value);
        } else {
          throw new BadRequestError('"item_index" or "item_value" is required', 'invalid_index');
        }
        return { created: false };
      default:
        throw new BadRequestError('"action" must be add, insert, update or delete', 'invalid_action');
    }
  }
}

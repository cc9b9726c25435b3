import { Inject, Injectable } from '@nestjs/common';
import { isPlainObject } from '../common/json.js';
import { BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { AttributeRepository } from '../storage/attribute.repository.js';
import { attributeView, bucketsView, bucketView, type DevtestAttribute } from './devtest.view.js';

const MAX_KEY = 255;

/**
 * `/devtest/attribute[s]` (only with the `devtest` option): the actor's
 * attribute buckets, read and written as the Python reference's devtest
 * handler does; an empty answer is 404, as there.
 */
@Injectable()
export class DevtestAttributes {
  constructor(@Inject(AttributeRepository) private readonly attributes: AttributeRepository) {}

  /** Every bucket, `{bucket: {name: {data, timestamp}}}`; 404 when there is none. */
  async all(actorId: string): Promise<Record<string, Record<string, DevtestAttribute>>> {
    const all = bucketsView(await this.attributes.getAll(actorId));
    if (Object.keys(all).length === 0) throw new NotFoundError('No attributes', 'attribute_not_found');
    return all;
  }

  /** One bucket, `{name: {data, timestamp}}`; 404 when it is empty. */
  async bucket(actorId: string, bucket: string): Promise<Record<string, DevtestAttribute>> {
    const entries = bucketView(await this.attributes.getBucket(actorId, key(bucket)));
    if (Object.keys(entries).length === 0) throw new NotFoundError('Bucket is empty', 'attribute_not_found');
    return entries;
  }

  async get(actorId: string, bucket: string, name: string): Promise<DevtestAttribute> {
    const entry = await this.attributes.get(actorId, key(bucket), key(name));
    if (!entry) throw new NotFoundError('Attribute not found', 'attribute_not_found');
    return attributeView(entry);
  }

  /** Any JSON value; a PUT without a body is 400. */
  async set(actorId: string, bucket: string, name: string, data: unknown): Promise<void> {
    if (data === undefined) throw new BadRequestError('PUT needs a JSON body', 'invalid_body');
    await this.attributes.set(actorId, key(bucket), key(name), data);
  }

  /** Writes every key of a JSON object into the bucket; answers with the object (as the reference). */
  async setMany(actorId: string, bucket: string, body: unknown): Promise<Record<string, unknown>> {
    if (!isPlainObject(body)) throw new BadRequestError('Body must be a JSON object', 'invalid_body');
    for (const [name, value] of Object.entries(body))
      await this.attributes.set(actorId, key(bucket), key(name), value);
    return body;
  }

  async delete(actorId: string, bucket: string, name: string): Promise<void> {
    await this.attributes.delete(actorId, key(bucket), key(name));
  }

  async deleteBucket(actorId: string, bucket: string): Promise<void> {
    await this.attributes.deleteBucket(actorId, key(bucket));
  }

  async deleteAll(actorId: string): Promise<void> {
    await this.attributes.deleteAll(actorId);
  }
}

function key(value: string): string {
  if (value.length === 0 || value.length > MAX_KEY)
    throw new BadRequestError(`Bucket and attribute names are 1 to ${MAX_KEY} characters`, 'invalid_path');
  return value;
}

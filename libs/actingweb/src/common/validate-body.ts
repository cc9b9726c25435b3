import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BadRequestError } from '../errors/actingweb.errors.js';

/**
 * Validates a parsed body against a class-validator DTO. A missing body counts
 * as `{}`; anything but a JSON object or form is a 400; unknown fields are
 * dropped; every violation is listed in the error message.
 */
export async function validateBody<T extends object>(dto: new () => T, body: unknown): Promise<T> {
  const value = body === undefined || body === null || body === '' ? {} : body;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError('Body must be a JSON object or a form', 'invalid_body');
  }
  const instance = plainToInstance(dto, { ...value });
  const errors = await validate(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    const details = errors.flatMap((e) => Object.values(e.constraints ?? {}));
    throw new BadRequestError(details.join('; '), 'invalid_body');
  }
  return instance;
}

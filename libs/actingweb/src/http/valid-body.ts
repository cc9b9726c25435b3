import { createParamDecorator, type ExecutionContext, type PipeTransform, type Type } from '@nestjs/common';
import { validateBody } from '../common/validate-body.js';
import type { AwRequest } from './aw-request.js';

/** Validates a parsed body against a class-validator DTO (see `validateBody`). */
export class ValidBodyPipe<T extends object> implements PipeTransform<unknown, Promise<T>> {
  constructor(private readonly dto: Type<T>) {}

  transform(body: unknown): Promise<T> {
    return validateBody(this.dto, body);
  }
}

/**
 * The request body. A body the parser could not read is answered here (400,
 * 415) unless the access guard already did: on `@Access` routes the parser
 * holds its error back until the guard has let the caller in, so a caller
 * without credentials gets 401, never a 400 that tells it how the route
 * validates (`http/route-flags.ts`).
 */
const RequestBody = createParamDecorator((_: unknown, ctx: ExecutionContext): unknown => {
  const request = ctx.switchToHttp().getRequest<AwRequest>();
  if (request.awBodyError) throw request.awBodyError;
  return request.body;
});

/**
 * The request body validated against `dto`: a missing body counts as `{}`,
 * anything but a JSON object or form is 400, unknown fields are dropped, and
 * every violation is listed in the 400's message. Pipes run after guards, so
 * the order of answers is: 404 unknown actor, 401/403 credentials and access
 * rules, then 400 for the body.
 *
 * ```ts
 * @Post()
 * create(@ValidBody(CreateActorDto) dto: CreateActorDto) { ... }
 * ```
 */
export function ValidBody<T extends object>(dto: Type<T>): ParameterDecorator {
  return RequestBody(undefined, new ValidBodyPipe(dto));
}

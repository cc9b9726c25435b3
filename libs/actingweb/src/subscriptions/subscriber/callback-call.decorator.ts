import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** One call of an application callback, `/<id>/callbacks/<name>`. */
export interface CallbackCall {
  /** `GET`, `POST`, `PUT` or `DELETE` (after a `_method` override). */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly name: string;
  /** What the hooks get: the body, or without one the query. */
  readonly input: unknown;
}

/** The {@link CallbackCall} of a request to a `/callbacks/*` route. */
export const CallbackCall = createParamDecorator((_: unknown, ctx: ExecutionContext): CallbackCall => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return {
    method: request.method as CallbackCall['method'],
    name: (request.params as Record<string, string | undefined>)['*'] ?? '',
    input: request.body ?? request.query ?? {},
  };
});

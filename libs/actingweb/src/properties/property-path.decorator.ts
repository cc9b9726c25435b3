import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * What follows `/properties/` in the raw, still encoded URL (`''` for
 * `/properties`), so an encoded slash inside a segment can be told from a
 * real one; `parsePropertyPath` splits and validates it.
 */
export const RawPropertyPath = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().url.split('?', 1)[0];
  const marker = raw.indexOf('/properties/');
  return marker < 0 ? '' : raw.slice(marker + '/properties/'.length);
});

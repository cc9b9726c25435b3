import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/**
 * The part of the request path after `marker`, still percent-encoded (`''`
 * when the path does not go past it). Route parameters arrive decoded, which
 * turns an encoded `%2F` into a separator; a path whose segments are checked
 * one by one (property paths) must be split before it is decoded.
 *
 * ```ts
 * @Get('proxy/properties/*')
 * relay(@RawPathAfter('/devtest/proxy/properties/') path: string) { ... }
 * ```
 */
export const RawPathAfter = createParamDecorator((marker: string, ctx: ExecutionContext): string => {
  const path = ctx.switchToHttp().getRequest<FastifyRequest>().url.split('?', 1)[0];
  const at = path.indexOf(marker);
  return at < 0 ? '' : path.slice(at + marker.length);
});

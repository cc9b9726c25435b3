import {
  createParamDecorator,
  Inject,
  Injectable,
  type ExecutionContext,
  type PipeTransform,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { parsePropertyPath } from './property-path.js';

/** What follows `/properties/` in the raw (still encoded) URL; `''` for `/properties`. */
const RawPropertyPath = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const raw = ctx.switchToHttp().getRequest<FastifyRequest>().url.split('?', 1)[0];
  const marker = raw.indexOf('/properties/');
  return marker < 0 ? '' : raw.slice(marker + '/properties/'.length);
});

/** Splits and validates the raw path (400 when invalid, see {@link parsePropertyPath}). */
@Injectable()
export class PropertyPathPipe implements PipeTransform<string, string[]> {
  constructor(@Inject(AwConfig) private readonly config: AwConfig) {}

  transform(raw: string): string[] {
    return parsePropertyPath(raw, this.config.maxJsonDepth);
  }
}

/**
 * The property path of a `/properties/*` route, as segments. Read from the raw
 * URL, so an encoded slash inside a segment is told from a real one.
 */
export const PropertyPath = (): ParameterDecorator => RawPropertyPath(PropertyPathPipe);

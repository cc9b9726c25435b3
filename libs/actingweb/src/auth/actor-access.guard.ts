import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AwRequest } from '../http/aw-request.js';
import { ACCESS_METADATA, type AccessMetadata } from './access.decorators.js';
import { ActorAccess } from './actor-access.service.js';

/**
 * The one gate in front of every `@Access` actor route (see {@link ActorAccess}
 * for the answers). Only a caller who passes it learns that the body could not
 * be read (400, 415); the actor and the caller are then on the request for
 * `@Actor()` and `@Caller()`.
 */
@Injectable()
export class ActorAccessGuard implements CanActivate {
  /** Route metadata per handler, read once (Reflector lookups showed up in profiles). */
  private readonly metadata = new Map<unknown, AccessMetadata | null>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ActorAccess) private readonly access: ActorAccess,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const handler = context.getHandler();
    let meta = this.metadata.get(handler);
    if (meta === undefined) {
      meta = this.reflector.get<AccessMetadata | undefined>(ACCESS_METADATA, handler) ?? null;
      this.metadata.set(handler, meta);
    }
    if (!meta) return true;
    const request = context.getArgByIndex<AwRequest>(0); // the request, without switchToHttp()'s closures
    return this.access
      .check(meta, {
        method: request.method,
        params: request.params as Record<string, string | undefined>,
        authorization: request.headers.authorization,
      })
      .then((state) => {
        if (request.awBodyError) throw request.awBodyError;
        request.aw = state;
        return true;
      });
  }
}

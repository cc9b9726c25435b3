import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RouteFlags } from '../http/route-flags.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import type { Caller } from '../common/caller.js';

export const ACCESS_METADATA = 'actingweb:access';

/** Route metadata read by the access guard. */
export interface AccessMetadata {
  /** Path key of the route, e.g. `trust/<type>/<id>`. */
  readonly pathKey: string;
  /** Route parameter holding the peer id that `owner` rules compare with. */
  readonly peerParam?: string;
}

/**
 * Marks an actor route with its access-table path key. The guard then loads the
 * actor (404), resolves the caller (401/403) and applies the rules (403); only
 * then is a body that could not be read answered (400).
 */
export const Access = (pathKey: string, options: { peerParam?: string } = {}) =>
  applyDecorators(
    SetMetadata(ACCESS_METADATA, { pathKey, peerParam: options.peerParam } satisfies AccessMetadata),
    RouteFlags({ awAuthFirst: true }),
  );

/** What the guard leaves on the request for the handler. */
export interface ActorRequestState {
  actor: ActorRecord;
  caller: Caller;
}

export type AwRequest = FastifyRequest & {
  aw?: ActorRequestState;
  /** A body error the parser held back until the access guard passed (see `AwRouteFlags.awAuthFirst`). */
  awBodyError?: Error;
};

/** The actor the route addresses (set by the access guard). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): ActorRecord => {
  return ctx.switchToHttp().getRequest<AwRequest>().aw!.actor;
});

/** Who is calling (set by the access guard). */
export const CurrentCaller = createParamDecorator((_: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<AwRequest>().aw!.caller;
});

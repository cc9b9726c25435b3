import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Caller as CallerIdentity } from '../common/caller.js';
import type { AwRequest } from '../http/aw-request.js';
import { RouteFlags } from '../http/route-flags.js';
import type { ActorRecord } from '../storage/actor.repository.js';

export type { ActorRequestState, AwRequest } from '../http/aw-request.js';

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

function requestState(ctx: ExecutionContext) {
  const state = ctx.switchToHttp().getRequest<AwRequest>().aw;
  // Only an `@Access` route (behind the access guard) has an actor and a caller.
  if (!state) throw new Error('@Actor() and @Caller() need an @Access route');
  return state;
}

/**
 * The actor the route addresses, as the access guard loaded it.
 *
 * ```ts
 * @Get() @Access('/')
 * get(@Actor() actor: ActorRecord, @Caller() caller: Caller) { ... }
 * ```
 */
export const Actor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ActorRecord => requestState(ctx).actor,
);

/** Who is calling, as the access guard resolved it (see {@link Actor}). */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): CallerIdentity => requestState(ctx).caller,
);
/** The caller type, under the decorator's name, so one import serves both. */
export type Caller = CallerIdentity;

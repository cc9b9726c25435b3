import type { FastifyRequest } from 'fastify';
import type { Caller } from '../common/caller.js';
import type { ActorRecord } from '../storage/actor.repository.js';

/** Who the access check let in: what `ActorRouter` hands the handler besides the request. */
export interface ActorRequestState {
  readonly actor: ActorRecord;
  readonly caller: Caller;
}

/** A Fastify request as ActingWeb's routes see it. */
export type AwRequest = FastifyRequest & {
  /** This request's id (`X-Request-ID`), set by the first `onRequest` hook. */
  awRequestId?: string;
  /** A body error the parser held back until the access check passed (see `AwRouteFlags.awAuthFirst`). */
  awBodyError?: Error;
};

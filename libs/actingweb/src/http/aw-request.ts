import type { FastifyRequest } from 'fastify';
import type { Caller } from '../common/caller.js';
import type { ActorRecord } from '../storage/actor.repository.js';

/** What the access guard leaves on the request for the handler. */
export interface ActorRequestState {
  readonly actor: ActorRecord;
  readonly caller: Caller;
}

/** A Fastify request as ActingWeb's routes see it. */
export type AwRequest = FastifyRequest & {
  /** This request's id (`X-Request-ID`), set by the first `onRequest` hook. */
  awRequestId?: string;
  /** Set by the access guard once the caller is let in; read it with `@Actor()` / `@Caller()`. */
  aw?: ActorRequestState;
  /** A body error the parser held back until the access guard passed (see `AwRouteFlags.awAuthFirst`). */
  awBodyError?: Error;
};

import type { FastifyReply } from 'fastify';
import type { Caller } from '../common/caller.js';
import type { AwRequest } from '../http/aw-request.js';
import type { AwRouteFlags } from '../http/route-flags.js';
import type { ActorRecord } from '../storage/actor.repository.js';

/** What the access check needs to know about a route. */
export interface AccessMetadata {
  /** Path key of the route in the access table, e.g. `trust/<type>/<id>`. */
  readonly pathKey: string;
  /** Route parameter holding the peer id that `owner` rules compare with. */
  readonly peerParam?: string;
}

/** What every handler gets: the request's parts, and the reply for headers and status. */
export interface RouteCall<Body = unknown> {
  readonly request: AwRequest;
  /** Set a status or headers here; the handler's return value is the body. */
  readonly reply: FastifyReply;
  /** Route parameters, decoded (`*` holds the rest of a wildcard path). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The parsed body, or the DTO instance when the route names one (`body`). */
  readonly body: Body;
}

/** What a handler behind the access check gets: also the actor and the caller it let in. */
export interface ActorCall<Body = unknown> extends RouteCall<Body> {
  readonly actor: ActorRecord;
  readonly caller: Caller;
}

interface RouteBase<Body> {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The full path, in Fastify's syntax: `/:actorId/properties/*`. */
  readonly url: string;
  /**
   * A class-validator DTO the body is validated against (`validateBody`): 400
   * listing every violation, after the access check. Without it the handler
   * gets the body as parsed and checks it itself.
   */
  readonly body?: new () => Body;
  /** The status of a successful answer, unless the handler sets one on the reply. Default 200. */
  readonly status?: number;
  /** Body parser flags for this route (`awFormAsText`). */
  readonly flags?: Omit<AwRouteFlags, 'awAuthFirst'>;
  /** Runs first, before the access check; throws the answer (e.g. 404 for a switched-off feature). */
  readonly before?: () => void;
}

/**
 * A route below an actor. Before the handler runs, the access check loads the
 * actor (404), resolves the caller (401/403) and applies the access rules of
 * `access` (403); only then is a body that could not be read answered (400,
 * 415), so a caller without credentials learns nothing about validation.
 */
export interface ActorRouteDefinition<Body = unknown> extends RouteBase<Body> {
  /** The route's path key in the access table (ActingWeb spec, "Access Control"). */
  readonly access: string;
  /** The route parameter naming the peer, for `owner` rules (`trust/<type>/<peer>`). */
  readonly peerParam?: string;
  handle(call: ActorCall<Body>): unknown;
}

/** A route without the access check (the factory). */
export interface OpenRouteDefinition<Body = unknown> extends RouteBase<Body> {
  readonly access?: undefined;
  handle(call: RouteCall<Body>): unknown;
}

export type ActorRoute = ActorRouteDefinition<never> | OpenRouteDefinition<never>;

/** Declares a route below an actor; `Body` comes from the DTO named in `body`. */
export function actorRoute<Body = unknown>(route: ActorRouteDefinition<Body>): ActorRoute {
  return route as unknown as ActorRoute;
}

/** Declares a route without the access check. */
export function openRoute<Body = unknown>(route: OpenRouteDefinition<Body>): ActorRoute {
  return route as unknown as ActorRoute;
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Caller } from '../common/caller.js';
import type { AwRequest } from '../http/aw-request.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import type { PropertyQuery } from './property-dispatcher.service.js';

/** What a `/properties/<path>` handler reads from its request. */
export interface PropertyRequestParts {
  /** The actor and the caller the access guard let in (as `@Actor()` and `@Caller()` give them). */
  readonly actor: ActorRecord;
  readonly caller: Caller;
  /**
   * What follows `/properties/` in the raw, still encoded URL (`''` for
   * `/properties`), so an encoded slash inside a segment can be told from a
   * real one; `parsePropertyPath` splits and validates it.
   */
  readonly rawPath: string;
  readonly query: PropertyQuery;
  readonly body: unknown;
  /** For headers and the content type only; the handler's return value is the answer. */
  readonly reply: FastifyReply;
}

/**
 * Everything a property handler needs, from one parameter decorator: Nest
 * builds an execution context for every custom decorator of every request,
 * and these routes are the hot ones (docs/benchmarks.md).
 */
export const PropertyRequest = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): PropertyRequestParts => {
    const http = ctx.switchToHttp();
    const request = http.getRequest<AwRequest>();
    const state = request.aw;
    if (!state) throw new Error('@PropertyRequest() needs an @Access route');
    const url = request.url;
    const query = url.indexOf('?');
    const raw = query < 0 ? url : url.slice(0, query);
    const marker = raw.indexOf('/properties/');
    return {
      actor: state.actor,
      caller: state.caller,
      rawPath: marker < 0 ? '' : raw.slice(marker + '/properties/'.length),
      query: request.query as PropertyQuery,
      body: request.body,
      reply: http.getResponse<FastifyReply>(),
    };
  },
);

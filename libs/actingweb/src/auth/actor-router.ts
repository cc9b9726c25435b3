import { Inject, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { validateBody } from '../common/validate-body.js';
import type { ActorRequestState, AwRequest } from '../http/aw-request.js';
import { sendError } from '../http/error-reply.js';
import { InFlightHandlers } from '../http/in-flight.js';
import type { AwRouteFlags } from '../http/route-flags.js';
import type { AccessMetadata, ActorRoute } from './actor-route.js';
import { ActorAccess } from './actor-access.service.js';

/**
 * Serves the ActingWeb routes straight from Fastify, as the MCP and console
 * routes are: each feature's `*.routes.ts` declares its routes and installs them
 * here at module init. Every route goes through the same steps, in the
 * protocol's order: an empty named parameter is not found (as under Nest),
 * then the route's `before`, the access check (404 actor, 401/403 caller and
 * rules), a body the parser held back (400/415), the DTO (400), the handler;
 * any failure becomes the JSON error body (`sendError`). Nest's
 * guards, interceptors, pipes, filters and global prefix do not apply
 * (docs/architecture.md, "Routes: served from Fastify, not Nest controllers").
 */
@Injectable()
export class ActorRouter {
  private readonly logger = new Logger('ActingWeb');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(ActorAccess) private readonly access: ActorAccess,
    @Inject(InFlightHandlers) private readonly inFlight: InFlightHandlers,
  ) {}

  /** Registers `routes` on the application's Fastify instance (nothing in a standalone context). */
  install(routes: readonly ActorRoute[]): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return; // HttpPlumbingService reports the wrong adapter
    const fastify = adapter.getInstance<FastifyInstance>();
    for (const route of routes) {
      const config: AwRouteFlags = { ...route.flags, awAuthFirst: route.access !== undefined };
      fastify.route({ method: route.method, url: route.url, config, handler: this.handler(route) });
    }
  }

  private handler(route: ActorRoute) {
    const meta: AccessMetadata | undefined =
      route.access === undefined ? undefined : { pathKey: route.access, peerParam: route.peerParam };
    const status = route.status ?? 200;
    const dto = route.body as (new () => object) | undefined;
    const handle = route.handle.bind(route) as (call: object) => unknown;
    const before = route.before;
    // Named parameters may not be empty (`/<id>/trust/` is no route): the not-found answer, as for
    // any path without a route. Only the wildcard `*` may be empty.
    const named = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]);

    return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const req = request as AwRequest;
      const params = req.params as Record<string, string>;
      for (const name of named) {
        if (params[name] !== '') continue;
        reply.callNotFound();
        return reply;
      }
      this.inFlight.enter();
      try {
        if (before) before();
        let state: ActorRequestState | undefined;
        if (meta) {
          state = await this.access.check(meta, {
            method: req.method,
            params,
            authorization: req.headers.authorization,
          });
          if (req.awBodyError) throw req.awBodyError;
        }
        const body = dto ? await validateBody(dto, req.body) : req.body;
        if (status !== 200) reply.code(status);
        const call = {
          actor: state?.actor,
          caller: state?.caller,
          request: req,
          reply,
          params,
          query: req.query,
          body,
        };
        let result = handle(call);
        if (result instanceof Promise) result = await result;
        return reply.sent ? reply : reply.send(result);
      } catch (err) {
        return sendError(reply, err, req.awRequestId, this.logger);
      } finally {
        this.inFlight.leave();
      }
    };
  }
}

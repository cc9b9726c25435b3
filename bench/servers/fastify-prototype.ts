/*
 * Diagnostic only: the three hot actor routes (`GET /{id}`, `GET` and `PUT /{id}/properties/<path>`)
 * served straight from Fastify, as the MCP routes are, through the same services the Nest
 * controllers call: the access check (`ActorAccess`), `PropertyDispatcher`, the views and the
 * exception filter's error body. The difference to the Nest routes is what Nest's request pipeline
 * (router, guard, parameter decorators, response handling) costs.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { actorView } from '../../libs/actingweb/src/actors/actor.view.js';
import type { AccessMetadata } from '../../libs/actingweb/src/auth/access.decorators.js';
import { ActorAccess } from '../../libs/actingweb/src/auth/actor-access.service.js';
import { AwConfig } from '../../libs/actingweb/src/config/aw-config.js';
import { ActingWebError } from '../../libs/actingweb/src/errors/actingweb.errors.js';
import type { AwRequest } from '../../libs/actingweb/src/http/aw-request.js';
import { ActorHandleFactory } from '../../libs/actingweb/src/properties/actor-handle.factory.js';
import { sendRead } from '../../libs/actingweb/src/properties/properties.view.js';
import {
  PropertyDispatcher,
  type PropertyQuery,
} from '../../libs/actingweb/src/properties/property-dispatcher.service.js';
import { parsePropertyPath } from '../../libs/actingweb/src/properties/property-path.js';

const ROOT: AccessMetadata = { pathKey: '/' };
const PROPERTIES: AccessMetadata = { pathKey: 'properties' };
const MARKER = '/properties/';

type Req = FastifyRequest<{ Params: { actorId: string } }> & AwRequest;

export function registerFastifyPrototype(app: NestFastifyApplication): void {
  const access = app.get(ActorAccess);
  const dispatcher = app.get(PropertyDispatcher);
  const handles = app.get(ActorHandleFactory);
  const config = app.get(AwConfig);
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;

  const check = async (meta: AccessMetadata, request: Req) => {
    const state = await access.check(meta, {
      method: request.method,
      params: request.params,
      authorization: request.headers.authorization,
    });
    if (request.awBodyError) throw request.awBodyError;
    return state;
  };
  const rawPath = (request: FastifyRequest) => {
    const path = request.url.split('?', 1)[0];
    const at = path.indexOf(MARKER);
    return at < 0 ? '' : path.slice(at + MARKER.length);
  };
  const fail = (reply: FastifyReply, err: unknown) => {
    const status = err instanceof ActingWebError ? err.statusCode : 500;
    const message = err instanceof ActingWebError ? err.message : 'Internal server error';
    reply.status(status).type('application/json; charset=utf-8');
    if (err instanceof ActingWebError) reply.headers(err.headers);
    return reply.send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
  };
  const flags = { config: { awAuthFirst: true } };

  fastify.get('/_bench/fastify/:actorId', flags, async (request, reply) => {
    try {
      const { actor } = await check(ROOT, request as Req);
      return actorView(actor, actor.passphrase);
    } catch (err) {
      return fail(reply, err);
    }
  });
  fastify.get('/_bench/fastify/:actorId/properties/*', flags, async (request, reply) => {
    try {
      const { actor, caller } = await check(PROPERTIES, request as Req);
      const path = parsePropertyPath(rawPath(request), config.maxJsonDepth);
      const read = await dispatcher.read(handles.create(actor), caller, path, request.query as PropertyQuery);
      return sendRead(reply, read);
    } catch (err) {
      return fail(reply, err);
    }
  });
  fastify.put(
    '/_bench/fastify/:actorId/properties/*',
    { config: { awAuthFirst: true, awFormAsText: true } },
    async (request, reply) => {
      try {
        const { actor, caller } = await check(PROPERTIES, request as Req);
        const path = parsePropertyPath(rawPath(request), config.maxJsonDepth);
        await dispatcher.write(
          handles.create(actor),
          caller,
          path,
          request.body,
          request.query as PropertyQuery,
        );
        return reply.status(204).send();
      } catch (err) {
        return fail(reply, err);
      }
    },
  );
}

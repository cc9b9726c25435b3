import { Body, Delete, Get, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { ResourcesService } from './resources.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `/<id>/resources[/<name>[/<sub>...]]` (`shared/docs/protocol.md` §9): each
 * request runs the callback hooks named `resource_<name>` (then the `'*'`
 * callback hooks), as in the Python reference; see `docs/methods-actions.md`.
 *
 * | Request | A hook answered | Nothing answered |
 * | --- | --- | --- |
 * | GET | 200 JSON | 404 |
 * | POST | 201 JSON | 404 |
 * | PUT, DELETE | 200 JSON | 404 |
 *
 * A hook that throws answers with its error (an `ActingWebError`'s status and
 * message, anything else 500 with the request id).
 *
 * `GET /resources` lists the names that have a `resource_<name>` hook.
 */
@ActorController('resources')
export class ResourcesController {
  constructor(@Inject(ResourcesService) private readonly resources: ResourcesService) {}

  @Get()
  @Access('resources')
  list() {
    return { resources: this.resources.names().map((name) => ({ name })) };
  }

  @Get('*')
  @Access('resources')
  get(@Req() req: AwRequest, @Param('*') path: string, @Res({ passthrough: true }) reply: FastifyReply) {
    if (path === '') return this.list();
    return this.run(req, path, 'GET', undefined, reply, 200);
  }

  @Post('*')
  @Access('resources')
  post(
    @Req() req: AwRequest,
    @Param('*') path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(req, path, 'POST', body, reply, 201);
  }

  @Put('*')
  @Access('resources')
  put(
    @Req() req: AwRequest,
    @Param('*') path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(req, path, 'PUT', body, reply, 200);
  }

  @Delete('*')
  @Access('resources')
  delete(@Req() req: AwRequest, @Param('*') path: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.run(req, path, 'DELETE', undefined, reply, 200);
  }

  private async run(
    req: AwRequest,
    path: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    body: unknown,
    reply: FastifyReply,
    status: number,
  ): Promise<string> {
    const outcome = await this.resources.call(req.aw!.actor, req.aw!.caller, path, method, body);
    if (outcome.error !== undefined) throw outcome.error;
    if (!outcome.handled) throw new NotFoundError(`Resource ${path} not found`, 'resource_not_found');
    reply.status(status).type(JSON_TYPE);
    return JSON.stringify(outcome.result);
  }
}

import { Body, Delete, Get, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { answerFromHooks } from '../http/hook-answer.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { ResourcesService, type ResourceMethod } from './resources.service.js';
import { RESOURCE_STATUS, resourceListView } from './resources.view.js';

/**
 * `/<id>/resources[/<name>[/<sub>...]]` (ActingWeb spec, "/resources (OPTIONAL)"):
 * each request runs the callback hooks named `resource_<name>` (then the `'*'`
 * callback hooks), as in the Python reference; status codes in
 * `resources.view.ts`, see docs/methods-actions.md. `GET /resources` lists the
 * names that have a `resource_<name>` hook.
 */
@ActorController('resources')
export class ResourcesController {
  constructor(@Inject(ResourcesService) private readonly resources: ResourcesService) {}

  @Get(['/', '*'])
  @Access('resources')
  get(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') path: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!path) return resourceListView(this.resources.names());
    return this.run(reply, actor, caller, path, 'GET');
  }

  @Post('*')
  @Access('resources')
  post(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(reply, actor, caller, path, 'POST', body);
  }

  @Put('*')
  @Access('resources')
  put(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(reply, actor, caller, path, 'PUT', body);
  }

  @Delete('*')
  @Access('resources')
  delete(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') path: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.run(reply, actor, caller, path, 'DELETE');
  }

  private async run(
    reply: FastifyReply,
    actor: ActorRecord,
    caller: Caller,
    path: string,
    method: ResourceMethod,
    body?: unknown,
  ) {
    const outcome = await this.resources.call(actor, caller, path, method, body);
    return answerFromHooks(reply, RESOURCE_STATUS, method, path, outcome);
  }
}

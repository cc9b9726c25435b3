import { Body, Delete, Get, HttpCode, Inject, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { RouteFlags } from '../http/route-flags.js';
import { ActorHandlePipe } from './actor-handle.pipe.js';
import { PropertyDispatcher, type PropertyQuery } from './property-dispatcher.service.js';
import { PropertyPath } from './property-path.decorator.js';
import { sendPost, sendRead } from './properties.view.js';

/** The addressed actor as a handle (what the services take). */
const Handle = (): ParameterDecorator => Actor(ActorHandlePipe);

/**
 * `/<id>/properties[/<path>]` (ActingWeb spec §6), simple, nested and list
 * properties. `PropertyDispatcher` routes and checks permissions; this
 * adapter reads the request and writes the answer.
 */
@ActorController('properties')
export class PropertiesController {
  constructor(@Inject(PropertyDispatcher) private readonly dispatcher: PropertyDispatcher) {}

  @Get()
  @Access('properties')
  all(@Handle() actor: ActorHandle, @Caller() caller: Caller, @Query() query: PropertyQuery) {
    return this.dispatcher.listAll(actor, caller, query);
  }

  @Post()
  @Access('properties')
  async postAll(
    @Handle() actor: ActorHandle,
    @Caller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendPost(reply, actor, await this.dispatcher.postAll(actor, caller, body));
  }

  @Delete()
  @Access('properties')
  @HttpCode(204)
  deleteAll(@Handle() actor: ActorHandle, @Caller() caller: Caller): Promise<void> {
    return this.dispatcher.delete(actor, caller, [], {});
  }

  @Get('*')
  @Access('properties')
  async get(
    @Handle() actor: ActorHandle,
    @Caller() caller: Caller,
    @PropertyPath() path: string[],
    @Query() query: PropertyQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendRead(reply, await this.dispatcher.read(actor, caller, path, query));
  }

  /** The body is the value: a form body (`curl -X PUT -d hello`) is raw text, as in the Python reference. */
  @Put('*')
  @Access('properties')
  @RouteFlags({ awFormAsText: true })
  @HttpCode(204)
  put(
    @Handle() actor: ActorHandle,
    @Caller() caller: Caller,
    @PropertyPath() path: string[],
    @Body() body: unknown,
    @Query() query: PropertyQuery,
  ): Promise<void> {
    return this.dispatcher.write(actor, caller, path, body, query);
  }

  @Post('*')
  @Access('properties')
  async post(
    @Handle() actor: ActorHandle,
    @Caller() caller: Caller,
    @PropertyPath() path: string[],
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return sendPost(reply, actor, await this.dispatcher.post(actor, caller, path, body));
  }

  @Delete('*')
  @Access('properties')
  @HttpCode(204)
  delete(
    @Handle() actor: ActorHandle,
    @Caller() caller: Caller,
    @PropertyPath() path: string[],
    @Query() query: PropertyQuery,
  ): Promise<void> {
    return this.dispatcher.delete(actor, caller, path, query);
  }
}

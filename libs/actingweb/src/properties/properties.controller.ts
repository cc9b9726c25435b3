import { Body, Delete, Get, HttpCode, Inject, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { AwConfig } from '../config/aw-config.js';
import { RouteFlags } from '../http/route-flags.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { ActorHandleFactory } from './actor-handle.factory.js';
import { PropertyDispatcher, type PropertyQuery } from './property-dispatcher.service.js';
import { parsePropertyPath } from './property-path.js';
import { PropertyRequest, type PropertyRequestParts } from './property-request.decorator.js';
import { sendPost, sendRead } from './properties.view.js';

/**
 * `/<id>/properties[/<path>]` (ActingWeb spec, "/properties"), simple, nested and list
 * properties. `PropertyDispatcher` routes and checks permissions; this
 * adapter reads the request and writes the answer. (No pipes: on this hot
 * path their promise chain costs more than the two conversions below; and one
 * `@PropertyRequest()` instead of a decorator per part, see its comment.)
 */
@ActorController('properties')
export class PropertiesController {
  constructor(
    @Inject(PropertyDispatcher) private readonly dispatcher: PropertyDispatcher,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  @Get()
  @Access('properties')
  all(@Actor() actor: ActorRecord, @Caller() caller: Caller, @Query() query: PropertyQuery) {
    return this.dispatcher.listAll(this.handles.create(actor), caller, query);
  }

  @Post()
  @Access('properties')
  async postAll(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const handle = this.handles.create(actor);
    return sendPost(reply, handle, await this.dispatcher.postAll(handle, caller, body));
  }

  @Delete()
  @Access('properties')
  @HttpCode(204)
  deleteAll(@Actor() actor: ActorRecord, @Caller() caller: Caller): Promise<void> {
    return this.dispatcher.delete(this.handles.create(actor), caller, [], {});
  }

  @Get('*')
  @Access('properties')
  async get(@PropertyRequest() r: PropertyRequestParts) {
    const read = await this.dispatcher.read(
      this.handles.create(r.actor),
      r.caller,
      this.parse(r.rawPath),
      r.query,
    );
    return sendRead(r.reply, read);
  }

  /** The body is the value: a form body (`curl -X PUT -d hello`) is raw text, as in the Python reference. */
  @Put('*')
  @Access('properties')
  @RouteFlags({ awFormAsText: true })
  @HttpCode(204)
  put(@PropertyRequest() r: PropertyRequestParts): Promise<void> {
    return this.dispatcher.write(
      this.handles.create(r.actor),
      r.caller,
      this.parse(r.rawPath),
      r.body,
      r.query,
    );
  }

  @Post('*')
  @Access('properties')
  async post(@PropertyRequest() r: PropertyRequestParts) {
    const handle = this.handles.create(r.actor);
    return sendPost(
      r.reply,
      handle,
      await this.dispatcher.post(handle, r.caller, this.parse(r.rawPath), r.body),
    );
  }

  @Delete('*')
  @Access('properties')
  @HttpCode(204)
  delete(@PropertyRequest() r: PropertyRequestParts): Promise<void> {
    return this.dispatcher.delete(this.handles.create(r.actor), r.caller, this.parse(r.rawPath), r.query);
  }

  /** The path's segments; 400 when one is invalid or the path is too deep. */
  private parse(rawPath: string): string[] {
    return parsePropertyPath(rawPath, this.config.maxJsonDepth);
  }
}

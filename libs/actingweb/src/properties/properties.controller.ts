import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Post,
  Put,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from '../actors/actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { ActorAccessGuard } from '../auth/actor-access.guard.js';
import { AwConfig } from '../config/aw-config.js';
import { BadRequestError } from '../errors/actingweb.errors.js';
import { ActingWebExceptionFilter } from '../http/actingweb-exception.filter.js';
import { PropertiesService } from './properties.service.js';
import { parsePropertyPath } from './property-path.js';

/** `/<id>/properties[/<path>]` (`shared/docs/protocol.md` §6). Thin: parse, call the service, set status. */
@Controller(':actorId/properties')
@UseFilters(ActingWebExceptionFilter)
@UseGuards(ActorAccessGuard)
export class PropertiesController {
  constructor(
    @Inject(PropertiesService) private readonly properties: PropertiesService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  @Get()
  @Access('properties')
  all(@Req() req: AwRequest) {
    return this.properties.getAll(this.actor(req), req.aw!.caller);
  }

  @Post()
  @Access('properties')
  async post(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const stored = await this.properties.post(this.actor(req), req.aw!.caller, body);
    reply.status(201);
    return stored;
  }

  @Delete()
  @Access('properties')
  @HttpCode(204)
  async deleteAll(@Req() req: AwRequest): Promise<void> {
    await this.properties.deleteAll(this.actor(req), req.aw!.caller);
  }

  @Get('*')
  @Access('properties')
  async get(@Req() req: AwRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const path = this.path(req);
    if (path.length === 0) return this.properties.getAll(this.actor(req), req.aw!.caller);
    const value = await this.properties.get(this.actor(req), req.aw!.caller, path);
    // A text value is served as text (§6.2); anything else as JSON.
    if (typeof value === 'string') reply.type('text/plain; charset=utf-8');
    return value;
  }

  @Put('*')
  @Access('properties')
  @HttpCode(204)
  async put(@Req() req: AwRequest, @Body() body: unknown): Promise<void> {
    const path = this.requirePath(req);
    await this.properties.put(this.actor(req), req.aw!.caller, path, body);
  }

  @Delete('*')
  @Access('properties')
  @HttpCode(204)
  async delete(@Req() req: AwRequest): Promise<void> {
    const path = this.path(req);
    if (path.length === 0) return this.properties.deleteAll(this.actor(req), req.aw!.caller);
    await this.properties.delete(this.actor(req), req.aw!.caller, path);
  }

  private actor(req: AwRequest) {
    return this.handles.create(req.aw!.actor);
  }

  /** The property path from the raw URL, so encoded slashes can be told from real ones. */
  private path(req: AwRequest): string[] {
    const raw = req.url.split('?', 1)[0];
    const marker = raw.indexOf('/properties/');
    return parsePropertyPath(
      marker < 0 ? '' : raw.slice(marker + '/properties/'.length),
      this.config.maxJsonDepth,
    );
  }

  private requirePath(req: AwRequest): string[] {
    const path = this.path(req);
    if (path.length === 0) throw new BadRequestError('PUT needs a property name', 'invalid_path');
    return path;
  }
}

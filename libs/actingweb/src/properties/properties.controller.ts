import { Body, Delete, Get, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from './actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { AwConfig } from '../config/aw-config.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { PropertiesService, type PropertyListingOptions } from './properties.service.js';
import { parseListIndex, PropertyListsService } from './property-lists.service.js';
import { parsePropertyPath } from './property-path.js';
import { PermissionService } from '../permissions/permission.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { RouteFlags } from '../http/route-flags.js';

/**
 * `/<id>/properties[/<path>]` (`shared/docs/protocol.md` §6). Thin: parse, call the service, set status.
 *
 * List properties (§6.6) share the routes: when the top-level name is a list,
 * `/<list>/<i>[/<key>...]` addresses an item, `/<list>/metadata` its metadata
 * and `/<list>/items` the Python `/items` endpoint; `?index=N` is the Python
 * form of `/<list>/<N>`.
 */
@ActorController('properties')
export class PropertiesController {
  constructor(
    @Inject(PropertiesService) private readonly properties: PropertiesService,
    @Inject(PropertyListsService) private readonly lists: PropertyListsService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PermissionService) private readonly permissions: PermissionService,
  ) {}

  @Get()
  @Access('properties')
  all(@Req() req: AwRequest) {
    return this.properties.getAll(this.actor(req), req.aw!.caller, this.listingOptions(req));
  }

  @Post()
  @Access('properties')
  async post(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const name of Object.keys(body)) {
        await this.permissions.assertPeerMay(req.aw!.actor.id, req.aw!.caller, 'properties', name, 'write');
      }
    }
    const stored = await this.properties.post(this.actor(req), req.aw!.caller, body);
    reply.status(201);
    return stored;
  }

  @Delete()
  @Access('properties')
  @HttpCode(204)
  async deleteAll(@Req() req: AwRequest): Promise<void> {
    await this.permissions.assertPeerMay(req.aw!.actor.id, req.aw!.caller, 'properties', '*', 'delete');
    await this.properties.deleteAll(this.actor(req), req.aw!.caller);
  }

  @Get('*')
  @Access('properties')
  async get(@Req() req: AwRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const path = await this.authorizedPath(req, 'read');
    const caller = req.aw!.caller;
    const actor = this.actor(req);
    if (path.length === 0) return this.properties.getAll(actor, caller, this.listingOptions(req));
    let value: unknown;
    try {
      value = await this.properties.get(actor, caller, path);
    } catch (err) {
      // Names are either simple or lists, so only a miss needs the list lookup.
      if (!(err instanceof NotFoundError) || !(await this.lists.exists(actor.id, path[0]))) throw err;
      reply.type('application/json; charset=utf-8');
      return JSON.stringify(await this.getList(req, actor, path));
    }
    // A text value is served as text (§6.2); anything else as JSON.
    if (typeof value === 'string') reply.type('text/plain; charset=utf-8');
    return value;
  }

  /** The body is the value: a form body (`curl -X PUT -d hello`) is raw text, as in the Python reference. */
  @Put('*')
  @Access('properties')
  @RouteFlags({ awFormAsText: true })
  @HttpCode(204)
  async put(@Req() req: AwRequest, @Body() body: unknown): Promise<void> {
    const path = await this.authorizedPath(req, 'write', true);
    const caller = req.aw!.caller;
    const actor = this.actor(req);
    const [name, second, ...rest] = path;
    const index = this.query(req, 'index');
    // PUT /<name> on a list is refused (409) by the service; only the other forms need the list lookup.
    if (path.length > 1 || index !== undefined) {
      if (await this.lists.exists(actor.id, name)) {
        if (second === undefined) return this.lists.set(actor, caller, name, parseListIndex(index), [], body);
        if (second === 'metadata' && rest.length === 0)
          return this.lists.updateMetadata(actor, caller, name, body);
        return this.lists.set(actor, caller, name, parseListIndex(second), rest, body);
      }
      if (index !== undefined) throw new NotFoundError(`List ${name} not found`, 'list_not_found');
      if (
        second === 'metadata' &&
        rest.length === 0 &&
        !(await this.lists.simplePropertyExists(actor.id, name))
      ) {
        throw new NotFoundError(`List ${name} not found`, 'list_not_found');
      }
    }
    await this.properties.put(actor, caller, path, body);
  }

  /** `POST /properties/<list>` appends (creating the list if the name is free); `/<list>/items` takes an action. */
  @Post('*')
  @Access('properties')
  async postTo(
    @Req() req: AwRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const path = await this.authorizedPath(req, 'write');
    if (path.length === 0) return this.post(req, body, reply);
    const caller = req.aw!.caller;
    const actor = this.actor(req);
    const [name, second, ...rest] = path;
    if (second === undefined) {
      const index = await this.lists.append(actor, caller, name, body, { create: true });
      reply.status(201).header('location', `${actor.url}/properties/${encodeURIComponent(name)}/${index}`);
      return { index };
    }
    if (second === 'items' && rest.length === 0) {
      const result = await this.lists.itemsAction(actor, caller, name, body);
      if (!result.created) {
        reply.status(204);
        return undefined;
      }
      reply.status(201);
      return { success: true, index: result.index };
    }
    throw new BadRequestError(
      'POST goes to /properties, /properties/<list> or /properties/<list>/items',
      'invalid_path',
    );
  }

  @Delete('*')
  @Access('properties')
  @HttpCode(204)
  async delete(@Req() req: AwRequest): Promise<void> {
    const path = await this.authorizedPath(req, 'delete');
    const caller = req.aw!.caller;
    const actor = this.actor(req);
    if (path.length === 0) return this.properties.deleteAll(actor, caller);
    const [name, second, ...rest] = path;
    const index = this.query(req, 'index');
    if (await this.lists.exists(actor.id, name)) {
      if (second === undefined) {
        if (index === undefined) return this.lists.delete(actor, caller, name);
        return this.lists.deleteItem(actor, caller, name, parseListIndex(index));
      }
      return this.lists.deleteItem(actor, caller, name, parseListIndex(second), rest);
    }
    if (index !== undefined) throw new NotFoundError(`List ${name} not found`, 'list_not_found');
    await this.properties.delete(actor, caller, path);
  }

  /** GET on a list: the items, `?format=short`, `?index=N`, `/<i>[/<key>...]`, `/metadata` or `/items`. */
  private getList(req: AwRequest, actor: ActorHandle, path: readonly string[]): Promise<unknown> {
    const caller = req.aw!.caller;
    const [name, second, ...rest] = path;
    if (second === undefined) {
      const index = this.query(req, 'index');
      if (index !== undefined) return this.lists.item(actor, caller, name, parseListIndex(index));
      const format = this.query(req, 'format');
      if (format === 'short') return this.lists.summary(actor, caller, name);
      if (format === undefined || format === '' || format === 'full')
        return this.lists.items(actor, caller, name);
      throw new BadRequestError('format must be short or full', 'invalid_format');
    }
    if (rest.length === 0 && second === 'metadata') return this.lists.metadata(actor, caller, name);
    if (rest.length === 0 && second === 'items') return this.lists.indexedItems(actor, caller, name);
    return this.lists.item(actor, caller, name, parseListIndex(second), rest);
  }

  /** `format` and `metadata` of `GET /properties` (§6.2); both together → 400. */
  private listingOptions(req: AwRequest): PropertyListingOptions {
    const format = this.query(req, 'format');
    const metadata = this.query(req, 'metadata');
    if (format !== undefined && metadata !== undefined)
      throw new BadRequestError('format and metadata cannot be used together', 'invalid_query');
    if (metadata !== undefined) {
      if (metadata === 'true') return { metadata: true };
      if (metadata === 'false' || metadata === '') return { format: 'short' };
      throw new BadRequestError('metadata must be true or false', 'invalid_query');
    }
    if (format === undefined || format === '' || format === 'short') return { format: 'short' };
    if (format === 'full') return { format: 'full' };
    throw new BadRequestError('format must be short or full', 'invalid_format');
  }

  /** One query parameter; repeated → 400. */
  private query(req: AwRequest, key: string): string | undefined {
    const value = (req.query as Record<string, unknown> | undefined)?.[key];
    if (value === undefined || typeof value === 'string') return value;
    throw new BadRequestError(`Query parameter ${key} must be given once`, 'invalid_query');
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

  /**
   * The path, after the trust-permission check of the one access policy: a
   * trust peer needs `operation` on `name/sub/path` (§8.7; the route's access
   * rules were already applied by the guard).
   */
  private async authorizedPath(
    req: AwRequest,
    operation: 'read' | 'write' | 'delete',
    required = false,
  ): Promise<string[]> {
    const path = this.path(req);
    if (required && path.length === 0) throw new BadRequestError('PUT needs a property name', 'invalid_path');
    await this.permissions.assertPeerMay(
      req.aw!.actor.id,
      req.aw!.caller,
      'properties',
      path.length ? path.join('/') : '*',
      operation,
    );
    return path;
  }
}

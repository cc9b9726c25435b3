import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { parseJsonBody } from '../../http/body-parsing.js';
import { ConsoleProperties, LIST_PAGE_SIZE } from '../services/console-properties.service.js';
import { ConsoleHttp, shownOnPage } from './console-http.js';
import { formValue, type JsonParser, itemIndex, kept, propertyName } from './form-values.js';
import { PropertiesRoutes } from './properties.routes.js';

/**
 * A list property's forms: `POST /<id>/www/properties/<list>/items` (add at
 * the end), `.../items/<index>/save`, `.../items/<index>/delete`,
 * `.../metadata` (description, explanation). The list's page itself, and
 * deleting the list, are `PropertiesRoutes`.
 */
@Injectable()
export class PropertyListRoutes {
  private readonly json: JsonParser;

  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleProperties) private readonly properties: ConsoleProperties,
    @Inject(PropertiesRoutes) private readonly pages: PropertiesRoutes,
    @Inject(AwConfig) config: AwConfig,
  ) {
    this.json = (text) => parseJsonBody(text, config.maxJsonDepth);
  }

  install(scope: FastifyInstance): void {
    scope.post('/:actorId/www/properties/:name/items', (req, reply) => this.add(req, reply));
    scope.post('/:actorId/www/properties/:name/items/:index/save', (req, reply) => this.save(req, reply));
    scope.post('/:actorId/www/properties/:name/items/:index/delete', (req, reply) => this.remove(req, reply));
    scope.post('/:actorId/www/properties/:name/metadata', (req, reply) => this.metadata(req, reply));
  }

  private async add(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const name = propertyName(req);
    try {
      const index = await this.properties.addItem(ctx.actor, name, formValue(form, this.json));
      return this.http.seeOther(reply, ctx, listPage(name, index), 'item-added');
    } catch (err) {
      const returned = { error: shownOnPage(err), kept: kept(form, ['value', 'format']) };
      return this.pages.show(req, reply, ctx, [], returned);
    }
  }

  private async save(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const name = propertyName(req);
    const index = itemIndex(req);
    try {
      await this.properties.saveItem(ctx.actor, name, index, formValue(form, this.json));
      return this.http.seeOther(reply, ctx, listPage(name, index), 'item-saved');
    } catch (err) {
      return this.pages.show(req, reply, ctx, [], { error: shownOnPage(err), kept: {} });
    }
  }

  private async remove(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx } = await this.http.submit(req, reply);
    const name = propertyName(req);
    const index = itemIndex(req);
    await this.properties.removeItem(ctx.actor, name, index);
    return this.http.seeOther(reply, ctx, listPage(name, Math.max(0, index - 1)), 'item-removed');
  }

  private async metadata(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const name = propertyName(req);
    try {
      await this.properties.saveMetadata(
        ctx.actor,
        name,
        form.text('description', 1000),
        form.text('explanation', 10_000),
      );
      return this.http.seeOther(reply, ctx, listPage(name, 0), 'list-saved');
    } catch (err) {
      const returned = { error: shownOnPage(err), kept: kept(form, ['description', 'explanation']) };
      return this.pages.show(req, reply, ctx, [], returned);
    }
  }
}

/** The list's page that shows item `index`. */
function listPage(name: string, index: number): string {
  const page = Math.floor(index / LIST_PAGE_SIZE) + 1;
  return `/properties/${encodeURIComponent(name)}${page > 1 ? `?page=${page}` : ''}`;
}

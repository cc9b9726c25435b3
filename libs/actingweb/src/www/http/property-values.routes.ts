import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { parseJsonBody } from '../../http/body-parsing.js';
import { ConsoleProperties } from '../services/console-properties.service.js';
import { ConsoleHttp, shownOnPage } from './console-http.js';
import { formValue, type JsonParser, kept, propertyName, propertyPath } from './form-values.js';
import { PropertiesRoutes, relative } from './properties.routes.js';

/**
 * A value's forms, at a path inside the property (`path` field, `a/b`):
 * `POST /<id>/www/properties/<name>/save` (replace it), `.../keys` (add a key
 * to an object), `.../delete` (delete it, or the whole list). A failed form
 * comes back on the property's page with its input.
 */
@Injectable()
export class PropertyValueRoutes {
  private readonly depth: number;
  private readonly json: JsonParser;

  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleProperties) private readonly properties: ConsoleProperties,
    @Inject(PropertiesRoutes) private readonly pages: PropertiesRoutes,
    @Inject(AwConfig) config: AwConfig,
  ) {
    this.depth = config.maxJsonDepth;
    this.json = (text) => parseJsonBody(text, config.maxJsonDepth);
  }

  install(scope: FastifyInstance): void {
    scope.post('/:actorId/www/properties/:name/save', (req, reply) => this.save(req, reply));
    scope.post('/:actorId/www/properties/:name/keys', (req, reply) => this.addKey(req, reply));
    scope.post('/:actorId/www/properties/:name/delete', (req, reply) => this.delete(req, reply));
  }

  private async save(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const path = propertyPath(form.text('path', 10_000), this.depth);
    try {
      await this.properties.save(ctx.actor, propertyName(req), path, formValue(form, this.json));
      return this.http.seeOther(reply, ctx, relative(req, path), 'property-saved');
    } catch (err) {
      return this.pages.show(req, reply, ctx, path, {
        error: shownOnPage(err),
        kept: kept(form, ['value', 'format']),
      });
    }
  }

  private async addKey(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const path = propertyPath(form.text('path', 10_000), this.depth);
    const key = form.text('key', 255);
    try {
      await this.properties.addKey(ctx.actor, propertyName(req), path, key, formValue(form, this.json));
      return this.http.seeOther(reply, ctx, relative(req, [...path, key]), 'key-added');
    } catch (err) {
      const input = { key, ...kept(form, ['value', 'format']) };
      return this.pages.show(req, reply, ctx, path, { error: shownOnPage(err), kept: input });
    }
  }

  private async delete(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const path = propertyPath(form.text('path', 10_000), this.depth);
    await this.properties.delete(ctx.actor, propertyName(req), path);
    const parent = path.length === 0 ? '/properties' : relative(req, path.slice(0, -1));
    return this.http.seeOther(reply, ctx, parent, 'property-deleted');
  }
}

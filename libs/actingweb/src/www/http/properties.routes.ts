import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { parseJsonBody } from '../../http/body-parsing.js';
import type { ActingWebError } from '../../errors/actingweb.errors.js';
import { ConsoleProperties, type NewPropertyKind } from '../services/console-properties.service.js';
import { listPageData, propertiesPageData, propertyPageData, type Kept } from '../views/properties.view.js';
import { ConsoleHttp, shownOnPage, type ConsoleContext } from './console-http.js';
import {
  formValue,
  type JsonParser,
  kept,
  pageNumber,
  propertyName,
  propertyPath,
  queryText,
} from './form-values.js';

/** A form that came back: the failure and the input to show again. */
export interface Returned {
  readonly error: ActingWebError;
  readonly kept: Kept;
}

const KINDS: readonly NewPropertyKind[] = ['text', 'json', 'list'];

/**
 * The properties pages: `GET /<id>/www/properties` (list, add form),
 * `POST .../properties` (add), `GET .../properties/<name>[?path=&page=]`
 * (a value, or a list). Changing a value: `PropertyValueRoutes`; list
 * items: `PropertyListRoutes`.
 */
@Injectable()
export class PropertiesRoutes {
  private readonly depth: number;
  private readonly json: JsonParser;

  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleProperties) private readonly properties: ConsoleProperties,
    @Inject(AwConfig) config: AwConfig,
  ) {
    this.depth = config.maxJsonDepth;
    this.json = (text) => parseJsonBody(text, config.maxJsonDepth);
  }

  install(scope: FastifyInstance): void {
    scope.get('/:actorId/www/properties', async (req, reply) =>
      this.list(reply, await this.http.open(req, reply)),
    );
    scope.post('/:actorId/www/properties', (req, reply) => this.create(req, reply));
    scope.get('/:actorId/www/properties/:name', async (req, reply) => {
      const ctx = await this.http.open(req, reply);
      return this.show(req, reply, ctx, propertyPath(queryText(req, 'path'), this.depth));
    });
  }
  /** The properties page; after a failed add, with the error and the input. */
  async list(reply: FastifyReply, ctx: ConsoleContext, returned?: Returned): Promise<FastifyReply> {
    const data = propertiesPageData(ctx.base, await this.properties.entries(ctx.actor), returned?.kept);
    return this.http.render(reply, ctx, 'properties', 'properties', 'Properties', data, onPage(returned));
  }

  /** A property's page: a list, or the value at `path`. */
  async show(
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: ConsoleContext,
    path: readonly string[],
    returned?: Returned,
  ): Promise<FastifyReply> {
    const name = propertyName(req);
    const view = await this.properties.view(ctx.actor, name, path, pageNumber(req));
    const [template, data] =
      view.kind === 'list'
        ? ['property-list', listPageData(ctx.base, name, view, returned?.kept)]
        : ['property', propertyPageData(ctx.base, name, path, view, returned?.kept)];
    return this.http.render(reply, ctx, 'properties', template, name, data, onPage(returned));
  }

  private async create(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    try {
      const name = form.text('name', 255).trim();
      const kind = KINDS.find((k) => k === form.text('kind', 10)) ?? 'text';
      const value = formValue(form, this.json, kind);
      await this.properties.create(ctx.actor, name, kind, value);
      return this.http.seeOther(reply, ctx, `/properties/${encodeURIComponent(name)}`, 'property-added');
    } catch (err) {
      return this.list(reply, ctx, { error: shownOnPage(err), kept: kept(form, ['name', 'kind', 'value']) });
    }
  }
}

/** `/properties/<name>[?path=...]`, relative to the console. */
export function relative(req: FastifyRequest, path: readonly string[]): string {
  const name = encodeURIComponent(propertyName(req));
  return path.length === 0
    ? `/properties/${name}`
    : `/properties/${name}?path=${encodeURIComponent(path.join('/'))}`;
}

function onPage(returned: Returned | undefined) {
  return returned ? { status: returned.error.statusCode, error: returned.error.message } : {};
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logPrefix } from '../../common/request-context.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import { WwwPageRegistry, type AppPage } from '../pages/www-page-registry.service.js';
import { ConsoleViews } from '../views/console-views.service.js';
import type { WwwPageContext } from '../www-page.decorator.js';
import { ConsoleForm } from './console-form.js';
import { ConsoleHttp, type ConsoleContext } from './console-http.js';

/** A redirect target below the console: a relative path, never another site. */
const RELATIVE = /^(?![a-z][a-z0-9+.-]*:)(?![/\\])[^\r\n\\]*$/i;

/**
 * The application's pages (`@WwwPage`), at `/<id>/www/<path>` (GET and POST,
 * POST CSRF-checked first), and the console's 404 page for any other path
 * below `/<id>/www/` (after the owner check, like every page).
 */
@Injectable()
export class AppPagesRoutes {
  private readonly logger = new Logger('ActingWebConsole');

  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(WwwPageRegistry) private readonly registry: WwwPageRegistry,
    @Inject(ConsoleViews) private readonly views: ConsoleViews,
  ) {}

  install(scope: FastifyInstance): void {
    for (const page of this.registry.pages()) {
      scope.route({
        method: ['GET', 'POST'],
        url: `/:actorId/www/${page.path}`,
        handler: (req, reply) => this.serve(page, req, reply),
      });
    }
    scope.route({
      method: ['GET', 'POST'],
      url: '/:actorId/www/*',
      handler: async (req, reply) => {
        await this.http.open(req, reply);
        throw new NotFoundError('There is no such page in the console', 'page_not_found');
      },
    });
  }

  private async serve(page: AppPage, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const post = req.method === 'POST';
    const { ctx, form } = post
      ? await this.http.submit(req, reply)
      : { ctx: await this.http.open(req, reply), form: ConsoleForm.EMPTY };
    const { actorId: _actorId, ...params } = req.params as Record<string, string>;
    const context: WwwPageContext = {
      actor: ctx.actor,
      method: post ? 'POST' : 'GET',
      params,
      query: firstValues(req.query),
      form: form.firstValues(),
      csrf: ctx.csrf,
      consoleUrl: ctx.base,
    };
    const result = await page.handler(context);
    if ('redirect' in result) return this.redirect(reply, ctx, page, result.redirect);
    if (!this.views.has(result.template)) {
      this.logger.error(
        `${logPrefix()}${page.label} answered with template "${result.template}", which does not exist`,
      );
      throw new Error(`No console template ${result.template}`);
    }
    const data = {
      ...result.data,
      consoleUrl: ctx.base,
      actor: { id: ctx.actor.id, creator: ctx.actor.creator, url: ctx.actor.url },
    };
    return this.http.render(
      reply,
      ctx,
      `app:${page.path}`,
      result.template,
      result.title ?? page.title,
      data,
      {
        status: result.status,
      },
    );
  }

  private redirect(reply: FastifyReply, ctx: ConsoleContext, page: AppPage, target: string): FastifyReply {
    if (typeof target !== 'string' || !RELATIVE.test(target)) {
      this.logger.error(
        `${logPrefix()}${page.label} redirected to ${JSON.stringify(target)}, not a path below the console`,
      );
      throw new Error('Application page redirected outside the console');
    }
    const location = target === '' ? ctx.base : `${ctx.base}/${target}`;
    return reply.code(303).header('cache-control', 'no-store').header('location', location).send();
  }
}

function firstValues(query: unknown): Record<string, string> {
  const values: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') values[name] = first;
  }
  return values;
}

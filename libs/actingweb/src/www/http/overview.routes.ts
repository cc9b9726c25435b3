import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { OAuthClients } from '../../identity/oauth/oauth-clients.service.js';
import { ConsoleCatalog } from '../services/console-catalog.service.js';
import { ConsoleOverview } from '../services/console-overview.service.js';
import { clientsPageData, methodsPageData } from '../views/clients.view.js';
import { overviewPageData } from '../views/overview.view.js';
import { ConsoleHttp } from './console-http.js';

/**
 * The read-mostly pages: `GET /<id>/www` (overview), `GET .../clients` and
 * `POST .../clients/revoke` (connected applications), `GET .../methods`.
 */
@Injectable()
export class OverviewRoutes {
  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleOverview) private readonly overview: ConsoleOverview,
    @Inject(OAuthClients) private readonly clients: OAuthClients,
    @Inject(ConsoleCatalog) private readonly catalog: ConsoleCatalog,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  install(scope: FastifyInstance): void {
    scope.get('/:actorId/www', (req, reply) => this.home(req, reply));
    scope.get('/:actorId/www/clients', (req, reply) => this.clientList(req, reply));
    scope.post('/:actorId/www/clients/revoke', (req, reply) => this.revoke(req, reply));
    scope.get('/:actorId/www/methods', (req, reply) => this.methods(req, reply));
  }

  private async home(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.http.open(req, reply);
    const data = overviewPageData(ctx.base, ctx.actor, await this.overview.of(ctx.actor));
    return this.http.render(reply, ctx, 'overview', 'overview', 'Overview', data);
  }

  private async clientList(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.http.open(req, reply);
    const data = clientsPageData(
      ctx.base,
      await this.clients.list(ctx.actor.id),
      this.config.identity !== null,
    );
    return this.http.render(reply, ctx, 'clients', 'clients', 'Applications', data);
  }

  private async revoke(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    await this.clients.revoke(ctx.actor.id, form.text('client_id', 2000));
    return this.http.seeOther(reply, ctx, '/clients', 'client-revoked');
  }

  private async methods(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const ctx = await this.http.open(req, reply);
    const data = methodsPageData(this.catalog.methods(), this.catalog.actions(), this.catalog.tools());
    return this.http.render(reply, ctx, 'methods', 'methods', 'Methods and actions', data);
  }
}

import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { AppPagesRoutes } from './http/app-pages.routes.js';
import { ConsoleErrors } from './http/console-errors.js';
import { ConsoleForm } from './http/console-form.js';
import { OverviewRoutes } from './http/overview.routes.js';
import { PropertiesRoutes } from './http/properties.routes.js';
import { PropertyListRoutes } from './http/property-lists.routes.js';
import { PropertyValueRoutes } from './http/property-values.routes.js';
import { StartRoutes } from './http/start.routes.js';
import { SubscriptionsRoutes } from './http/subscriptions.routes.js';
import { TrustPeerRoutes } from './http/trust-peer.routes.js';
import { TrustRoutes } from './http/trust.routes.js';

/**
 * Registers the console's routes on Fastify, in their own plugin scope
 * (cookies, form bodies, HTML error pages), at module init, when `www` is on;
 * otherwise they do not exist (404). Like the identity routes they are plain
 * Fastify routes: no Nest guard or pipe runs; `ConsoleHttp` checks who asks.
 */
@Injectable()
export class WwwRoutes implements OnModuleInit {
  private readonly logger = new Logger('ActingWebConsole');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ConsoleErrors) private readonly errors: ConsoleErrors,
    @Inject(StartRoutes) private readonly start: StartRoutes,
    @Inject(OverviewRoutes) private readonly overview: OverviewRoutes,
    @Inject(PropertiesRoutes) private readonly properties: PropertiesRoutes,
    @Inject(PropertyValueRoutes) private readonly values: PropertyValueRoutes,
    @Inject(PropertyListRoutes) private readonly lists: PropertyListRoutes,
    @Inject(TrustRoutes) private readonly trust: TrustRoutes,
    @Inject(TrustPeerRoutes) private readonly trustPeer: TrustPeerRoutes,
    @Inject(SubscriptionsRoutes) private readonly subscriptions: SubscriptionsRoutes,
    @Inject(AppPagesRoutes) private readonly appPages: AppPagesRoutes,
  ) {}

  onModuleInit(): void {
    if (!this.config.www.enabled) return;
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return; // HttpPlumbingService reports the wrong adapter
    const fastify = adapter.getInstance<FastifyInstance>();
    if ((fastify as { awConsole?: boolean }).awConsole) return;
    (fastify as { awConsole?: boolean }).awConsole = true;
    void fastify.register(async (scope) => {
      await scope.register(fastifyCookie);
      scope.removeAllContentTypeParsers();
      const options = { parseAs: 'string' as const, bodyLimit: this.config.bodyLimit };
      scope.addContentTypeParser('application/x-www-form-urlencoded', options, (_req, body, done) =>
        done(null, ConsoleForm.parse(body as unknown as string)),
      );
      scope.addContentTypeParser('*', options, (_req, _body, done) => done(null, ConsoleForm.EMPTY));
      scope.setErrorHandler((error: Error & { statusCode?: number }, req, reply) =>
        this.errors.answer(error, req, reply),
      );
      for (const routes of [
        this.start,
        this.overview,
        this.properties,
        this.values,
        this.lists,
        this.trust,
        this.trustPeer,
        this.subscriptions,
        this.appPages,
      ]) {
        routes.install(scope);
      }
    });
    this.logger.log(`Owner console at ${this.config.root}<actorId>/www, start page ${this.config.root}www`);
  }
}

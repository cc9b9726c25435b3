import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { MetaService } from './meta.service.js';

/** `GET /<id>/meta[/<path>]`: public, no credentials needed. */
@Injectable()
export class MetaRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(MetaService) private readonly meta: MetaService,
  ) {}

  onModuleInit(): void {
    const { meta } = this;
    this.router.install([
      actorRoute({
        method: 'GET',
        url: '/:actorId/meta',
        access: 'meta',
        handle: ({ actor }) => meta.document(actor),
      }),
      actorRoute({
        method: 'GET',
        url: '/:actorId/meta/*',
        access: 'meta',
        handle: ({ actor, params, reply }) => {
          const path = params['*'];
          const value = meta.path(actor, path);
          if (!value) throw new NotFoundError(`No meta path ${path}`, 'meta_not_found');
          if (value.kind === 'redirect') {
            reply.status(302).header('location', value.location);
            return '';
          }
          if (value.kind === 'text') reply.type('text/plain; charset=utf-8');
          return value.body;
        },
      }),
    ]);
  }
}

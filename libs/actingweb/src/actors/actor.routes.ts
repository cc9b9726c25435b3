import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute, openRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { AwConfig } from '../config/aw-config.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { ActorService } from './actor.service.js';
import { actorView, factoryPage, factoryView } from './actor.view.js';
import { CreateActorDto } from './dto/create-actor.dto.js';

/**
 * The factory, `<root>/` (ActingWeb spec, "Instantiation of Actors"), and the
 * actor root, `<root>/<id>` (spec, "Deleting Actor Instances": creator, trustee
 * or admin only).
 */
@Injectable()
export class ActorRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(ActorService) private readonly actors: ActorService,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  onModuleInit(): void {
    const { actors, config } = this;
    this.router.install([
      /**
       * Not in the spec: a short description of this factory (JSON), or for
       * browsers the console's start page (`/www`: create an actor or sign in),
       * or without the console a plain creation form.
       */
      openRoute({
        method: 'GET',
        url: '/',
        handle: ({ request, reply }) => {
          const accept = request.headers.accept;
          if (accept?.includes('text/html') && !accept.includes('application/json')) {
            if (config.www.enabled) {
              reply.status(302).header('location', `${config.root}www`).header('cache-control', 'no-store');
              return '';
            }
            reply.type('text/html; charset=utf-8');
            return factoryPage(config);
          }
          return factoryView(config);
        },
      }),
      /** `POST /`: 201, absolute `Location`, `{id, creator, passphrase[, trustee_root]}`. */
      openRoute({
        method: 'POST',
        url: '/',
        body: CreateActorDto,
        status: 201,
        handle: async ({ body, reply }) => {
          const { actor, passphrase } = await actors.create({
            creator: body.creator,
            passphrase: body.passphrase,
            trusteeRoot: body.trustee_root,
          });
          reply.header('location', actor.url);
          return actorView(actor, passphrase);
        },
      }),
      actorRoute({
        method: 'GET',
        url: '/:actorId',
        access: '/',
        handle: ({ actor }) => actorView(actor, actor.passphrase),
      }),
      actorRoute({
        method: 'DELETE',
        url: '/:actorId',
        access: '/',
        status: 204,
        handle: async ({ actor }) => {
          if (!(await actors.delete(actor.id))) throw new NotFoundError('Actor not found', 'actor_not_found');
        },
      }),
    ]);
  }
}

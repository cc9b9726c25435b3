import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { answerFromHooks } from '../http/hook-answer.js';
import { ResourcesService, type ResourceMethod } from './resources.service.js';
import { RESOURCE_STATUS, resourceListView } from './resources.view.js';

/**
 * `/<id>/resources[/<name>[/<sub>...]]` (ActingWeb spec, "/resources (OPTIONAL)"):
 * each request runs the callback hooks named `resource_<name>` (then the `'*'`
 * callback hooks), as in the Python reference; status codes in
 * `resources.view.ts`, see docs/methods-actions.md. `GET /resources` lists the
 * names that have a `resource_<name>` hook.
 */
@Injectable()
export class ResourcesRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(ResourcesService) private readonly resources: ResourcesService,
  ) {}

  onModuleInit(): void {
    const { resources } = this;
    const run = (method: ResourceMethod) =>
      actorRoute({
        method,
        url: '/:actorId/resources/*',
        access: 'resources',
        handle: async ({ actor, caller, params, body, reply }) => {
          const path = params['*'];
          if (!path && method === 'GET') return resourceListView(resources.names());
          const input = method === 'POST' || method === 'PUT' ? body : undefined;
          const outcome = await resources.call(actor, caller, path, method, input);
          return answerFromHooks(reply, RESOURCE_STATUS, method, path, outcome);
        },
      });
    this.router.install([
      actorRoute({
        method: 'GET',
        url: '/:actorId/resources',
        access: 'resources',
        handle: () => resourceListView(resources.names()),
      }),
      run('GET'),
      run('POST'),
      run('PUT'),
      run('DELETE'),
    ]);
  }
}

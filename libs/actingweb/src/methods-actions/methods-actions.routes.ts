import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { actorRoute, type ActorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { answerFromHooks } from '../http/hook-answer.js';
import { MethodsActionsService, type MethodCallAnswer } from './methods-actions.service.js';
import { ACTION_STATUS, hookListingView, jsonRpcReply, METHOD_STATUS } from './methods-actions.view.js';

const METHODS = ['/:actorId/methods', '/:actorId/methods/*'];
const ACTIONS = ['/:actorId/actions', '/:actorId/actions/*'];

/**
 * `/<id>/methods[/<name>]`: method hooks, and JSON-RPC 2.0 on `POST /methods`
 * or a POST/PUT whose body is a JSON-RPC request (docs/methods-actions.md).
 * `/<id>/actions[/<name>]`: action hooks, the same hooks MCP tools run. Status
 * codes in `methods-actions.view.ts`.
 */
@Injectable()
export class MethodsActionsRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(MethodsActionsService) private readonly service: MethodsActionsService,
  ) {}

  onModuleInit(): void {
    this.router.install([...this.methods(), ...this.actions()]);
  }

  private methods(): ActorRoute[] {
    const { service } = this;
    const answer = (reply: FastifyReply, method: 'POST' | 'PUT', name: string, answer: MethodCallAnswer) =>
      'rpc' in answer
        ? jsonRpcReply(reply, answer.rpc)
        : answerFromHooks(reply, METHOD_STATUS, method, name, answer.hooks);
    return [
      ...METHODS.map((url) =>
        actorRoute({
          method: 'GET',
          url,
          access: 'methods',
          handle: async ({ actor, caller, params, query, reply }) => {
            const name = params['*'];
            if (!name) return { methods: (await service.list('method', actor, caller)).map(hookListingView) };
            const outcome = await service.call('method', actor, caller, name, 'GET', { ...query });
            return answerFromHooks(reply, METHOD_STATUS, 'GET', name, outcome);
          },
        }),
      ),
      ...METHODS.map((url) =>
        actorRoute({
          method: 'POST',
          url,
          access: 'methods',
          handle: async ({ actor, caller, params, body, reply }) =>
            answer(
              reply,
              'POST',
              params['*'] ?? '',
              await service.post(actor, caller, params['*'], 'POST', body),
            ),
        }),
      ),
      actorRoute({
        method: 'PUT',
        url: METHODS[1],
        access: 'methods',
        handle: async ({ actor, caller, params, body, reply }) =>
          answer(reply, 'PUT', params['*'], await service.post(actor, caller, params['*'], 'PUT', body)),
      }),
      actorRoute({
        method: 'DELETE',
        url: METHODS[1],
        access: 'methods',
        handle: async ({ actor, caller, params, reply }) => {
          const outcome = await service.call('method', actor, caller, params['*'], 'DELETE', {});
          return answerFromHooks(reply, METHOD_STATUS, 'DELETE', params['*'], outcome);
        },
      }),
    ];
  }

  private actions(): ActorRoute[] {
    const { service } = this;
    const call = (method: 'POST' | 'PUT' | 'DELETE') =>
      actorRoute({
        method,
        url: ACTIONS[1],
        access: 'actions',
        handle: async ({ actor, caller, params, body, reply }) => {
          const input = method === 'DELETE' ? {} : (body ?? {});
          const outcome = await service.call('action', actor, caller, params['*'], method, input);
          return answerFromHooks(reply, ACTION_STATUS, method, params['*'], outcome);
        },
      });
    return [
      ...ACTIONS.map((url) =>
        actorRoute({
          method: 'GET',
          url,
          access: 'actions',
          handle: async ({ actor, caller, params, query, reply }) => {
            const name = params['*'];
            if (!name) return { actions: (await service.list('action', actor, caller)).map(hookListingView) };
            const outcome = await service.call('action', actor, caller, name, 'GET', { ...query });
            return answerFromHooks(reply, ACTION_STATUS, 'GET', name, outcome);
          },
        }),
      ),
      call('POST'),
      call('PUT'),
      call('DELETE'),
    ];
  }
}

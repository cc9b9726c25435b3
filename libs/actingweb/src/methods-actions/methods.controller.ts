import { Body, Delete, Get, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { answerFromHooks } from '../http/hook-answer.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { MethodsActionsService, type MethodCallAnswer } from './methods-actions.service.js';
import { hookListingView, jsonRpcReply, METHOD_STATUS } from './methods-actions.view.js';

/**
 * `/<id>/methods[/<name>]`: method hooks (status codes in `methods-actions.view.ts`),
 * and JSON-RPC 2.0 on `POST /methods` or a POST/PUT whose body is a JSON-RPC
 * request (docs/methods-actions.md).
 */
@ActorController('methods')
export class MethodsController {
  constructor(@Inject(MethodsActionsService) private readonly service: MethodsActionsService) {}

  @Get(['/', '*'])
  @Access('methods')
  async get(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string | undefined,
    @Query() query: object,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!name) return { methods: (await this.service.list('method', actor, caller)).map(hookListingView) };
    const outcome = await this.service.call('method', actor, caller, name, 'GET', { ...query });
    return answerFromHooks(reply, METHOD_STATUS, 'GET', name, outcome);
  }

  @Post(['/', '*'])
  @Access('methods')
  async post(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(reply, 'POST', name, await this.service.post(actor, caller, name, 'POST', body));
  }

  @Put('*')
  @Access('methods')
  async put(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.answer(reply, 'PUT', name, await this.service.post(actor, caller, name, 'PUT', body));
  }

  @Delete('*')
  @Access('methods')
  async delete(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.service.call('method', actor, caller, name, 'DELETE', {});
    return answerFromHooks(reply, METHOD_STATUS, 'DELETE', name, outcome);
  }

  private answer(reply: FastifyReply, method: 'POST' | 'PUT', name = '', answer: MethodCallAnswer) {
    if ('rpc' in answer) return jsonRpcReply(reply, answer.rpc);
    return answerFromHooks(reply, METHOD_STATUS, method, name, answer.hooks);
  }
}

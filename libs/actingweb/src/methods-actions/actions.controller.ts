import { Body, Delete, Get, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { answerFromHooks } from '../http/hook-answer.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { MethodsActionsService } from './methods-actions.service.js';
import { ACTION_STATUS, hookListingView } from './methods-actions.view.js';

/** `/<id>/actions[/<name>]`: action hooks, the same hooks MCP tools run (status codes in `methods-actions.view.ts`). */
@ActorController('actions')
export class ActionsController {
  constructor(@Inject(MethodsActionsService) private readonly service: MethodsActionsService) {}

  @Get(['/', '*'])
  @Access('actions')
  async get(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string | undefined,
    @Query() query: object,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!name) return { actions: (await this.service.list('action', actor, caller)).map(hookListingView) };
    const outcome = await this.service.call('action', actor, caller, name, 'GET', { ...query });
    return answerFromHooks(reply, ACTION_STATUS, 'GET', name, outcome);
  }

  @Post('*')
  @Access('actions')
  async post(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.service.call('action', actor, caller, name, 'POST', body ?? {});
    return answerFromHooks(reply, ACTION_STATUS, 'POST', name, outcome);
  }

  @Put('*')
  @Access('actions')
  async put(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.service.call('action', actor, caller, name, 'PUT', body ?? {});
    return answerFromHooks(reply, ACTION_STATUS, 'PUT', name, outcome);
  }

  @Delete('*')
  @Access('actions')
  async delete(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const outcome = await this.service.call('action', actor, caller, name, 'DELETE', {});
    return answerFromHooks(reply, ACTION_STATUS, 'DELETE', name, outcome);
  }
}

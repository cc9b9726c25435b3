import { Delete, Get, Inject, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../../auth/access.decorators.js';
import { ActorController } from '../../auth/actor-controller.decorator.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import { answerFromHooks, type HookAnswerRule, type HookStatusTable } from '../../http/hook-answer.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import type { ActorRecord } from '../../storage/actor.repository.js';
import { ApplicationCallbacks } from './application-callbacks.service.js';
import { CallbackCall } from './callback-call.decorator.js';

/** Every method: a plain object the hooks return is the 200 answer, another truthy result 204, none 404. */
const ANSWER: HookAnswerRule = {
  status: 200,
  body: 'objectOr204',
  unanswered: () => new NotFoundError('No such callback', 'callback_not_found'),
};
const STATUS: HookStatusTable = { GET: ANSWER, POST: ANSWER, PUT: ANSWER, DELETE: ANSWER };
const PASSTHROUGH = { passthrough: true } as const;
type Reply = FastifyReply;

/**
 * `/<id>/callbacks/<name>` for the application's `@CallbackHook`s; the
 * protocol's own callbacks are in {@link SubscriptionCallbacksController}.
 */
@ActorController('callbacks')
export class ApplicationCallbacksController {
  constructor(
    @Inject(ApplicationCallbacks) private readonly callbacks: ApplicationCallbacks,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  @Get('*')
  @Access('callbacks')
  get(
    @Actor() a: ActorRecord,
    @Caller() c: Caller,
    @CallbackCall() call: CallbackCall,
    @Res(PASSTHROUGH) r: Reply,
  ) {
    return this.answer(a, c, call, r);
  }

  @Post('*')
  @Access('callbacks')
  post(
    @Actor() a: ActorRecord,
    @Caller() c: Caller,
    @CallbackCall() call: CallbackCall,
    @Res(PASSTHROUGH) r: Reply,
  ) {
    return this.answer(a, c, call, r);
  }

  @Put('*')
  @Access('callbacks')
  put(
    @Actor() a: ActorRecord,
    @Caller() c: Caller,
    @CallbackCall() call: CallbackCall,
    @Res(PASSTHROUGH) r: Reply,
  ) {
    return this.answer(a, c, call, r);
  }

  @Delete('*')
  @Access('callbacks')
  delete(
    @Actor() a: ActorRecord,
    @Caller() c: Caller,
    @CallbackCall() call: CallbackCall,
    @Res(PASSTHROUGH) r: Reply,
  ) {
    return this.answer(a, c, call, r);
  }

  private async answer(actor: ActorRecord, caller: Caller, call: CallbackCall, reply: Reply) {
    const handle = this.handles.create(actor);
    const outcome = await this.callbacks.run(handle, caller, call.method, call.name, call.input);
    return answerFromHooks(reply, STATUS, call.method, call.name, outcome);
  }
}

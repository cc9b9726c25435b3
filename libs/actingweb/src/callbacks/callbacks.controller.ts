import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { AwConfig } from '../config/aw-config.js';
import { NotFoundError, UnauthorizedError } from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { SubscriptionManager } from '../subscriptions/subscription-manager.service.js';
import { CallbackReceiver } from './callback-receiver.service.js';
import { PermissionCallbacks } from './permission-callbacks.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

/**
 * `/<id>/callbacks...` (`shared/docs/protocol.md` §9): subscription callbacks
 * from publishers we subscribed to, permission callbacks, and everything else
 * for the application's `@CallbackHook`s (no hook answering → 404).
 */
@ActorController('callbacks')
export class CallbacksController {
  constructor(
    @Inject(CallbackReceiver) private readonly receiver: CallbackReceiver,
    @Inject(SubscriptionManager) private readonly subscriptions: SubscriptionManager,
    @Inject(PermissionCallbacks) private readonly permissionCallbacks: PermissionCallbacks,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /** A publisher's callback on one of our subscriptions (§7.9): 204 once processed (or a duplicate). */
  @Post('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async subscriptionCallback(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.receiver.receive(this.handles.create(req.aw!.actor), peerId, subscriptionId, body);
  }

  /** The Python reference treats PUT like POST here. */
  @Put('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async subscriptionCallbackPut(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.subscriptionCallback(req, peerId, subscriptionId, body);
  }

  /** The peer ended the subscription (§7.8, §10 item 21: either direction): delete ours, 204 or 404. */
  @Delete('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async subscriptionDeleted(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
  ): Promise<void> {
    await this.subscriptions.deleteSubscription(this.handles.create(req.aw!.actor), peerId, subscriptionId, {
      notifyPeer: false,
      initiatedByPeer: true,
    });
  }

  /** The peer's full permission grant to us (§7.10): cached, older payloads ignored; 204. */
  @Post('permissions/:peerId')
  @Access('callbacks/permissions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async permissionCallback(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.permissionCallbacks.receive(this.handles.create(req.aw!.actor), req.aw!.caller, peerId, body);
  }

  @Get('*')
  @Access('callbacks')
  get(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.hook(req, body, reply);
  }

  @Post('*')
  @Access('callbacks')
  post(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.hook(req, body, reply);
  }

  @Put('*')
  @Access('callbacks')
  put(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.hook(req, body, reply);
  }

  @Delete('*')
  @Access('callbacks')
  delete(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.hook(req, body, reply);
  }

  /**
   * Any other `/callbacks/<name>`: the `@CallbackHook`s for `<name>` (then
   * `*`). A plain object they return is the 200 answer; another truthy result
   * is 204; no hook answering is 404; a hook that throws answers with its error.
   */
  private async hook(req: AwRequest, body: unknown, reply: FastifyReply): Promise<unknown> {
    const name = ((req.params as Record<string, string | undefined>)['*'] ?? '').replace(/\/+$/, '');
    const caller = req.aw!.caller;
    const reserved = /^(subscriptions|permissions)(\/|$)/.test(name);
    if (reserved && caller.kind === 'anonymous')
      throw new UnauthorizedError('Authentication required', `Basic realm="${this.config.authRealm}"`);
    if (!name || reserved) throw new NotFoundError('No such callback', 'callback_not_found');
    const outcome = await this.hooks.runCallback(
      {
        actor: this.handles.create(req.aw!.actor),
        name,
        data: body ?? req.query ?? {},
        caller,
        httpMethod: req.method,
      },
      { answersWithError: true },
    );
    if (outcome.error !== undefined) throw outcome.error;
    if (!outcome.handled) throw new NotFoundError('No such callback', 'callback_not_found');
    if (outcome.result !== null && typeof outcome.result === 'object') {
      reply.status(200);
      return outcome.result;
    }
    reply.status(204);
    return undefined;
  }
}

import { Body, Delete, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { Access, Actor, Caller } from '../../auth/access.decorators.js';
import { ActorController } from '../../auth/actor-controller.decorator.js';
import { ActorHandleFactory } from '../../properties/actor-handle.factory.js';
import type { ActorRecord } from '../../storage/actor.repository.js';
import { SubscriptionLifecycle } from '../subscription-lifecycle.service.js';
import { CallbackReceiver } from './callback-receiver.service.js';
import { PermissionCallbacks } from './permission-callbacks.service.js';

const FROM_PEER = { peerParam: 'peerId' } as const;

/**
 * The protocol's callbacks (ActingWeb spec, "/callbacks"): from publishers we
 * subscribed to, and permission callbacks from peers that granted us something.
 */
@ActorController('callbacks')
export class SubscriptionCallbacksController {
  constructor(
    @Inject(CallbackReceiver) private readonly receiver: CallbackReceiver,
    @Inject(SubscriptionLifecycle) private readonly lifecycle: SubscriptionLifecycle,
    @Inject(PermissionCallbacks) private readonly permissionCallbacks: PermissionCallbacks,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** A publisher's callback on one of our subscriptions: 204 once processed (or a duplicate). */
  @Post('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', FROM_PEER)
  @HttpCode(204)
  async subscriptionCallback(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.receiver.receive(this.handles.create(actor), peerId, subscriptionId, body);
  }

  /** The Python reference treats PUT like POST here. */
  @Put('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', FROM_PEER)
  @HttpCode(204)
  subscriptionCallbackPut(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: unknown,
  ): Promise<void> {
    return this.subscriptionCallback(actor, peerId, subscriptionId, body);
  }

  /** The peer ended the subscription, whichever way it ran (as the reference does): delete ours, 204 or 404. */
  @Delete('subscriptions/:peerId/:subscriptionId')
  @Access('callbacks/subscriptions/<id>', FROM_PEER)
  @HttpCode(204)
  async subscriptionDeleted(
    @Actor() actor: ActorRecord,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
  ): Promise<void> {
    await this.lifecycle.deleteSubscription(this.handles.create(actor), peerId, subscriptionId, {
      notifyPeer: false,
      initiatedByPeer: true,
    });
  }

  /** The peer's full permission grant to us (ActingWeb spec, "Permission Callback"): cached, older ones ignored; 204. */
  @Post('permissions/:peerId')
  @Access('callbacks/permissions/<id>', FROM_PEER)
  @HttpCode(204)
  async permissionCallback(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.permissionCallbacks.receive(this.handles.create(actor), caller, peerId, body);
  }
}

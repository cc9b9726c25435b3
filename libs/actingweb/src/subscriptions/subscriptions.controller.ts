import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { BadRequestError, ForbiddenError } from '../errors/actingweb.errors.js';
import { validateBody } from '../common/validate-body.js';
import type { SubscriptionFilter } from '../storage/subscription.repository.js';
import { CreateSubscriptionDto, InitiateSubscriptionDto } from './dto/subscription.dto.js';
import { SubscriptionManager, subscriptionView } from './subscription-manager.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

type QueryValues = Record<string, string | string[] | undefined>;

/** `/<id>/subscriptions...` (`shared/docs/protocol.md` §7.2–§7.8). Thin: parse, call the manager, set status. */
@ActorController('subscriptions')
export class SubscriptionsController {
  constructor(
    @Inject(SubscriptionManager) private readonly manager: SubscriptionManager,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** Both directions (§7.4; `callback: true` = this actor subscribed), filtered by `peerid`, `target`, `subtarget`, `resource`. */
  @Get()
  @Access('subscriptions')
  async list(@Req() req: AwRequest, @Query() query: QueryValues) {
    const records = await this.manager.list(req.aw!.actor.id, filterFrom(query, true));
    return { id: req.aw!.actor.id, data: records.map(subscriptionView) };
  }

  /**
   * The creator asks this actor to subscribe to a peer it trusts (§7.3): 204
   * with `Location` = the subscription's URL at the peer, no body (as the
   * reference). The peer unreachable or refusing → 408.
   */
  @Post()
  @Access('subscriptions')
  @HttpCode(204)
  async initiate(
    @Req() req: AwRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const dto = await validateBody(InitiateSubscriptionDto, body);
    const actor = this.handles.create(req.aw!.actor);
    const record = await this.manager.subscribeToPeer(
      actor,
      dto.peerid,
      dto.target,
      dto.subtarget ?? '',
      dto.resource ?? '',
      dto.granularity ?? 'none',
    );
    const baseuri = await this.manager.peerBaseuri(actor.id, record.peerId);
    reply.header('location', this.manager.remoteUrl(baseuri, actor.id, record.subscriptionId));
  }

  /** Subscriptions with one peer, both directions; for the peer itself, the creator or admin. */
  @Get(':peerId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async listPeer(@Req() req: AwRequest, @Param('peerId') peerId: string, @Query() query: QueryValues) {
    const records = await this.manager.list(req.aw!.actor.id, { ...filterFrom(query, false), peerId });
    return { id: req.aw!.actor.id, peerid: peerId, data: records.map(subscriptionView) };
  }

  /** The peer subscribes (§7.2): 201, `Location: <me>/subscriptions/<peer>/<subid>`, body with `subscriptionid`. */
  @Post(':peerId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async create(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await validateBody(CreateSubscriptionDto, body);
    if (dto.id && dto.id !== peerId) throw new ForbiddenError('id does not match the URL', 'wrong_peer');
    const actor = this.handles.create(req.aw!.actor);
    const record = await this.manager.createInbound(actor, req.aw!.caller, peerId, {
      target: dto.target,
      subtarget: dto.subtarget ?? '',
      resource: dto.resource ?? '',
      granularity: dto.granularity ?? undefined,
      acceptEncoding: dto.accept_encoding ?? undefined,
    });
    reply.status(201).header('location', `${actor.url}/subscriptions/${peerId}/${record.subscriptionId}`);
    return {
      subscriptionid: record.subscriptionId,
      target: record.target,
      subtarget: record.subtarget,
      resource: record.resource,
      granularity: record.granularity,
      sequence: record.sequence,
    };
  }

  /** The subscription with its pending diffs and current `sequence` (§7.6). */
  @Get(':peerId/:subscriptionId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async get(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
  ) {
    const { subscription, diffs } = await this.manager.getWithDiffs(req.aw!.actor.id, peerId, subscriptionId);
    return {
      id: req.aw!.actor.id,
      peerid: peerId,
      subscriptionid: subscription.subscriptionId,
      target: subscription.target,
      subtarget: subscription.subtarget,
      resource: subscription.resource,
      granularity: subscription.granularity,
      sequence: subscription.sequence,
      data: diffs.map((d) => ({ sequence: d.sequence, timestamp: d.timestamp, data: d.data })),
    };
  }

  /** `{"sequence": N}` clears every diff ≤ N (§7.7). */
  @Put(':peerId/:subscriptionId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async clear(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Body() body: unknown,
  ): Promise<void> {
    const raw = (body as { sequence?: unknown } | null | undefined)?.sequence;
    await this.manager.clearDiffs(req.aw!.actor.id, peerId, subscriptionId, parseSequence(raw, true));
  }

  /**
   * Deletes the subscription, whichever way it runs (§7.8). The creator (or
   * admin/trustee) deleting it also tells the peer; the peer deleting it does not.
   */
  @Delete(':peerId/:subscriptionId')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async delete(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
  ): Promise<void> {
    const caller = req.aw!.caller;
    const byPeer = caller.kind === 'peer' && caller.peerId === peerId;
    await this.manager.deleteSubscription(this.handles.create(req.aw!.actor), peerId, subscriptionId, {
      notifyPeer: !byPeer,
      initiatedByPeer: byPeer,
    });
  }

  /** One pending diff (the low-granularity URL, §7.6); 404 once cleared. */
  @Get(':peerId/:subscriptionId/:sequence')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  async getDiff(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Param('sequence') sequence: string,
  ) {
    const { subscription, diff } = await this.manager.getDiff(
      req.aw!.actor.id,
      peerId,
      subscriptionId,
      parseSequence(sequence, false),
    );
    return {
      id: req.aw!.actor.id,
      peerid: peerId,
      subscriptionid: subscription.subscriptionId,
      target: subscription.target,
      subtarget: subscription.subtarget,
      resource: subscription.resource,
      timestamp: diff.timestamp,
      sequence: diff.sequence,
      data: diff.data,
    };
  }

  /** Clears one diff: 204, or 404 when there is none. */
  @Delete(':peerId/:subscriptionId/:sequence')
  @Access('subscriptions/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async deleteDiff(
    @Req() req: AwRequest,
    @Param('peerId') peerId: string,
    @Param('subscriptionId') subscriptionId: string,
    @Param('sequence') sequence: string,
  ): Promise<void> {
    await this.manager.deleteDiff(req.aw!.actor.id, peerId, subscriptionId, parseSequence(sequence, false));
  }
}

/** A sequence number: a non-negative integer, or its decimal text. */
function parseSequence(raw: unknown, body: boolean): number {
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new BadRequestError(
    body
      ? 'Body must be {"sequence": <non-negative integer>}'
      : 'The sequence must be a non-negative integer',
    'invalid_sequence',
  );
}

function filterFrom(query: QueryValues, withPeer: boolean): SubscriptionFilter {
  const one = (key: string): string | undefined => {
    const value = query?.[key];
    if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
    throw new BadRequestError(`Query parameter ${key} must be given once`, 'invalid_query');
  };
  const filter: SubscriptionFilter = {
    target: one('target'),
    subtarget: one('subtarget'),
    resource: one('resource'),
  };
  if (withPeer) filter.peerId = one('peerid');
  return filter;
}

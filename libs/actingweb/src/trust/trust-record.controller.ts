import { Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor, Caller } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { ValidBody } from '../http/valid-body.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { PeerApprovalDto, TrustChangeDto } from './dto/trust.dto.js';
import { parseBoolean } from './parse-boolean.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { trustView } from './trust.view.js';

const ROUTE = ['trust/<type>/<id>', { peerParam: 'peerId' }] as const;

/** The route's parameters. */
interface TrustRoute {
  relationship: string;
  peerId: string;
}

/** One trust, `/<id>/trust/<relationship>/<peer>`: read, approve, change, delete. */
@ActorController('trust/:relationship/:peerId')
export class TrustRecordController {
  constructor(
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** Creator/admin, or the peer itself (polling, or verifying us): 200 approved, 202 pending. */
  @Get()
  @Access(...ROUTE)
  async get(
    @Actor() actor: ActorRecord,
    @Param() { relationship, peerId }: TrustRoute,
    @Query('permissions') withPermissions: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const record = await this.relationships.find(actor.id, peerId, relationship);
    reply.status(record.approved ? 200 : 202);
    const permissions = parseBoolean(withPermissions)
      ? await this.permissions.effective(actor.id, record)
      : undefined;
    return trustView(record, permissions);
  }

  /** The peer tells us it approved. */
  @Post()
  @Access(...ROUTE)
  @HttpCode(204)
  async peerApproval(
    @Actor() actor: ActorRecord,
    @Param() { relationship, peerId }: TrustRoute,
    @ValidBody(PeerApprovalDto) dto: PeerApprovalDto,
  ): Promise<void> {
    await this.relationships.receiveApproval(this.handles.create(actor), relationship, peerId, dto.approved);
  }

  @Put()
  @Access(...ROUTE)
  @HttpCode(204)
  async change(
    @Actor() actor: ActorRecord,
    @Param() { relationship, peerId }: TrustRoute,
    @ValidBody(TrustChangeDto) dto: TrustChangeDto,
  ): Promise<void> {
    await this.relationships.change(this.handles.create(actor), relationship, peerId, dto);
  }

  /** Creator/admin: delete and tell the peer (unless `?peer=true`). The peer itself: delete locally only. */
  @Delete()
  @Access(...ROUTE)
  @HttpCode(204)
  async delete(
    @Actor() actor: ActorRecord,
    @Caller() caller: Caller,
    @Param() { relationship, peerId }: TrustRoute,
    @Query('peer') peerFlag: string | undefined,
  ): Promise<void> {
    const handle = this.handles.create(actor);
    const localOnly = parseBoolean(peerFlag) === true;
    await this.relationships.deleteAsRequested(handle, caller, relationship, peerId, localOnly);
  }
}

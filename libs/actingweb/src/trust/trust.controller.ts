import { Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { ValidBody } from '../http/valid-body.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { InitiateTrustDto, TrustRequestDto } from './dto/trust.dto.js';
import { TrustHandshake } from './trust-handshake.service.js';
import { TrustManager } from './trust-manager.service.js';
import { trustUrl } from './trust-urls.js';
import { trustView } from './trust.view.js';

/** `/<id>/trust` and `/<id>/trust/<relationship>` (ActingWeb spec, "/trust - Trust Relationships"). */
@ActorController('trust')
export class TrustController {
  constructor(
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(TrustHandshake) private readonly handshake: TrustHandshake,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  @Get()
  @Access('trust')
  async list(@Actor() actor: ActorRecord, @Query() query: Record<string, string | undefined>) {
    const records = await this.trust.getRelationships(actor.id, {
      relationship: query.relationship,
      peerId: query.peerid,
      peerType: query.type,
    });
    return records.map((record) => trustView(record));
  }

  /** The creator asks this actor to start a trust with a peer: 201, or 408 naming the step that failed. */
  @Post()
  @Access('trust')
  async initiate(
    @Actor() actor: ActorRecord,
    @ValidBody(InitiateTrustDto) dto: InitiateTrustDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const handle = this.handles.create(actor);
    const record = await this.handshake.initiate(handle, {
      url: dto.url,
      relationship: dto.relationship,
      description: dto.desc,
      expectedType: dto.type,
    });
    reply.status(201).header('location', trustUrl(handle.url, record.relationship, record.peerId));
    return trustView(record);
  }

  /** The spec's filtered listing (the Python reference answers 404 here). */
  @Get(':relationship')
  @Access('trust/<type>')
  async listRelationship(@Actor() actor: ActorRecord, @Param('relationship') relationship: string) {
    return (await this.trust.getRelationships(actor.id, { relationship })).map((record) => trustView(record));
  }

  /**
   * A peer asks for a trust; anyone may ask. 201 approved, 202 pending; 400
   * for a malformed body or relationship name; 429 when too many are pending.
   */
  @Post(':relationship')
  @Access('trust/<type>')
  async request(
    @Actor() actor: ActorRecord,
    @Param('relationship') relationship: string,
    @ValidBody(TrustRequestDto) dto: TrustRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const handle = this.handles.create(actor);
    const record = await this.handshake.accept(handle, relationship, { ...dto, type: dto.type ?? '' });
    reply
      .status(record.approved ? 201 : 202)
      .header('location', trustUrl(handle.url, relationship, record.peerId));
    return trustView(record);
  }
}

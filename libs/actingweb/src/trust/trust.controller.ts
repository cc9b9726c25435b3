import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { validateBody } from '../common/validate-body.js';
import { InitiateTrustDto, MAX_TRUST_TEXT_BYTES, TrusteeDto, TrustRequestDto } from './dto/trust.dto.js';
import { normalizePeerUrl, TrustManager } from './trust-manager.service.js';
import { parseBoolean, trustView } from './trust-record.view.js';
import { TrusteeService } from './trustee.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

/** `/<id>/trust...` (`shared/docs/protocol.md` §8.3). */
@ActorController('trust')
export class TrustController {
  constructor(
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(TrusteeService) private readonly trustee: TrusteeService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  @Get()
  @Access('trust')
  async list(@Req() req: AwRequest, @Query() query: Record<string, string | undefined>) {
    const records = await this.trust.getRelationships(req.aw!.actor.id, {
      relationship: query.relationship,
      peerId: query.peerid,
      peerType: query.type,
    });
    return records.map(trustView);
  }

  @Post()
  @Access('trust')
  async initiate(
    @Req() req: AwRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await validateBody(InitiateTrustDto, body);
    const actor = this.handles.create(req.aw!.actor);
    const record = await this.trust.createReciprocalTrust(actor, {
      url: dto.url,
      relationship: dto.relationship,
      description: dto.desc,
      expectedType: dto.type,
    });
    reply.status(201).header('location', trustUrl(actor.url, record.relationship, record.peerId));
    return trustView(record);
  }

  @Put('trustee')
  @Access('trust')
  @HttpCode(204)
  async setTrustee(@Req() req: AwRequest, @Body() body: unknown): Promise<void> {
    const dto = await validateBody(TrusteeDto, body);
    await this.trustee.set(req.aw!.actor, { trusteeRoot: dto.trustee_root, creator: dto.creator });
  }

  @Delete('trustee')
  @Access('trust')
  @HttpCode(204)
  async clearTrustee(@Req() req: AwRequest): Promise<void> {
    await this.trustee.clear(req.aw!.actor);
  }

  /** The spec's filtered listing (the Python reference answers 404 here). */
  @Get(':relationship')
  @Access('trust/<type>')
  async listRelationship(@Req() req: AwRequest, @Param('relationship') relationship: string) {
    return (await this.trust.getRelationships(req.aw!.actor.id, { relationship })).map(trustView);
  }

  /**
   * A peer asks for a trust; anyone may ask (§8.4). 201 approved, 202 pending;
   * 400 for a malformed body or relationship name; 429 when too many are pending.
   */
  @Post(':relationship')
  @Access('trust/<type>')
  async request(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = await validateBody(TrustRequestDto, body);
    const actor = this.handles.create(req.aw!.actor);
    const record = await this.trust.createVerifiedTrust(actor, relationship, {
      id: dto.id,
      baseuri: dto.baseuri,
      type: dto.type ?? '',
      secret: dto.secret,
      desc: dto.desc,
      verify: dto.verify,
    });
    reply
      .status(record.approved ? 201 : 202)
      .header('location', trustUrl(actor.url, relationship, record.peerId));
    return trustView(record);
  }

  /**
   * The record. Creator/admin: 200 approved, 202 pending (with the secret).
   * The peer itself (polling, or verifying us): 200 approved, 202 pending.
   */
  @Get(':relationship/:peerId')
  @Access('trust/<type>/<id>', { peerParam: 'peerId' })
  async get(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Query('permissions') permissions: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const record = await this.requireRecord(req, relationship, peerId);
    reply.status(record.approved ? 200 : 202);
    const view = trustView(record);
    if (parseBoolean(permissions))
      view.permissions = await this.trust.permissionsOf(req.aw!.actor.id, record);
    return view;
  }

  /** The peer tells us it approved. */
  @Post(':relationship/:peerId')
  @Access('trust/<type>/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async peerApproval(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
  ) {
    await this.requireRecord(req, relationship, peerId);
    const approved = parseBoolean((body as { approved?: unknown } | undefined)?.approved);
    if (approved === undefined)
      throw new BadRequestError('Body must be {"approved": true|false}', 'invalid_body');
    await this.trust.peerApproved(this.handles.create(req.aw!.actor), peerId, approved);
  }

  @Put(':relationship/:peerId')
  @Access('trust/<type>/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async modify(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
  ) {
    await this.requireRecord(req, relationship, peerId);
    const patch = parseTrustPatch(body);
    const actor = this.handles.create(req.aw!.actor);
    if (patch.permissions !== undefined)
      await this.trust.setPermissions(req.aw!.actor.id, peerId, patch.permissions);
    await this.trust.modifyAndNotify(actor, peerId, {
      approved: patch.approved,
      description: patch.description,
      baseuri: patch.baseuri,
    });
  }

  /**
   * Creator/admin: delete and tell the peer (unless `?peer=true`). The peer
   * itself: delete locally only, also while unapproved.
   */
  @Delete(':relationship/:peerId')
  @Access('trust/<type>/<id>', { peerParam: 'peerId' })
  @HttpCode(204)
  async delete(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Query('peer') peerFlag: string | undefined,
  ): Promise<void> {
    await this.requireRecord(req, relationship, peerId);
    const actor = this.handles.create(req.aw!.actor);
    const caller = req.aw!.caller;
    const byPeer = caller.kind === 'peer' && caller.peerId === peerId;
    if (byPeer || parseBoolean(peerFlag)) return this.trust.deleteRelationship(actor, peerId, byPeer);
    await this.trust.deletePeerTrust(actor, peerId);
  }

  /** Per-relationship permissions (§8.7): the effective set and where it comes from. */
  @Get(':relationship/:peerId/permissions')
  @Access('trust/<type>/<id>/permissions', { peerParam: 'peerId' })
  async getPermissions(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
  ) {
    const record = await this.requireRecord(req, relationship, peerId);
    return this.trust.permissionsDocument(req.aw!.actor.id, record);
  }

  /** Stores an override: 201 when created, 200 when updated; answers with the new document. */
  @Put(':relationship/:peerId/permissions')
  @Access('trust/<type>/<id>/permissions', { peerParam: 'peerId' })
  async putPermissions(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const record = await this.requireRecord(req, relationship, peerId);
    const outcome = await this.trust.setPermissions(req.aw!.actor.id, peerId, body);
    reply.status(outcome === 'created' ? 201 : 200);
    return this.trust.permissionsDocument(req.aw!.actor.id, record);
  }

  /** Back to the trust type's defaults: 204, or 404 when there was no override. */
  @Delete(':relationship/:peerId/permissions')
  @Access('trust/<type>/<id>/permissions', { peerParam: 'peerId' })
  @HttpCode(204)
  async deletePermissions(
    @Req() req: AwRequest,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
  ): Promise<void> {
    await this.requireRecord(req, relationship, peerId);
    if (!(await this.trust.deletePermissions(req.aw!.actor.id, peerId))) {
      throw new NotFoundError('No permission override for this relationship', 'no_override');
    }
  }

  private async requireRecord(req: AwRequest, relationship: string, peerId: string) {
    const record = await this.trust.getRelationship(req.aw!.actor.id, peerId);
    if (!record || record.relationship !== relationship)
      throw new NotFoundError('Trust relationship not found', 'trust_not_found');
    return record;
  }
}

function trustUrl(actorUrl: string, relationship: string, peerId: string): string {
  return `${actorUrl}/trust/${encodeURIComponent(relationship)}/${encodeURIComponent(peerId)}`;
}

/** `PUT /trust/<rel>/<peer>` body: `approved`, `desc`/`description`, `baseuri`, `permissions`. */
function parseTrustPatch(body: unknown): {
  approved?: boolean;
  description?: string;
  baseuri?: string;
  permissions?: unknown;
} {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('Body must be a JSON object', 'invalid_body');
  }
  const b = body as Record<string, unknown>;
  const patch: { approved?: boolean; description?: string; baseuri?: string; permissions?: unknown } = {};
  if (b.approved !== undefined) {
    patch.approved = parseBoolean(b.approved);
    if (patch.approved === undefined)
      throw new BadRequestError('approved must be true or false', 'invalid_body');
  }
  const desc = b.desc ?? b.description;
  if (desc !== undefined) {
    if (typeof desc !== 'string' || Buffer.byteLength(desc, 'utf8') > MAX_TRUST_TEXT_BYTES)
      throw new BadRequestError(
        `desc must be a string of at most ${MAX_TRUST_TEXT_BYTES} bytes`,
        'invalid_body',
      );
    patch.description = desc;
  }
  if (b.baseuri !== undefined) {
    if (typeof b.baseuri !== 'string') throw new BadRequestError('baseuri must be a URL', 'invalid_body');
    patch.baseuri = normalizePeerUrl(b.baseuri);
  }
  if (b.permissions !== undefined) patch.permissions = b.permissions;
  return patch;
}

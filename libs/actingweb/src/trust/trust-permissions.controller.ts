import { Body, Delete, Get, HttpCode, Inject, Param, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { permissionsDocumentView } from './trust.view.js';

const PERMISSIONS_ROUTE = ['trust/<type>/<id>/permissions', { peerParam: 'peerId' }] as const;

/** A trust's permissions, `/<id>/trust/<relationship>/<peer>/permissions` (tag `trustpermissions`). */
@ActorController('trust/:relationship/:peerId/permissions')
export class TrustPermissionsController {
  constructor(
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
  ) {}

  /** The effective set and where it comes from. */
  @Get()
  @Access(...PERMISSIONS_ROUTE)
  async get(
    @Actor() actor: ActorRecord,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
  ) {
    const record = await this.relationships.find(actor.id, peerId, relationship);
    return permissionsDocumentView(actor.id, record, await this.permissions.effective(actor.id, record));
  }

  /** Stores an override (the body is validated as a permission set): 201 created, 200 updated, with the new document. */
  @Put()
  @Access(...PERMISSIONS_ROUTE)
  async put(
    @Actor() actor: ActorRecord,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const record = await this.relationships.find(actor.id, peerId, relationship);
    const outcome = await this.permissions.set(actor.id, peerId, body);
    reply.status(outcome === 'created' ? 201 : 200);
    return permissionsDocumentView(actor.id, record, await this.permissions.effective(actor.id, record));
  }

  /** Back to the trust type's defaults: 204, or 404 when there was no override. */
  @Delete()
  @Access(...PERMISSIONS_ROUTE)
  @HttpCode(204)
  async delete(
    @Actor() actor: ActorRecord,
    @Param('relationship') relationship: string,
    @Param('peerId') peerId: string,
  ): Promise<void> {
    await this.relationships.find(actor.id, peerId, relationship);
    await this.permissions.deleteExisting(actor.id, peerId);
  }
}

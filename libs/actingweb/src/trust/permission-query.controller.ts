import { Get, Inject, Param } from '@nestjs/common';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { permissionQueryView } from './trust.view.js';

/**
 * `GET /<id>/permissions/<peer>` (ActingWeb spec, "Permission Query
 * Endpoint"): a peer reads what it has been granted. Only that peer (or the
 * creator/admin) may ask; unlike the reference, another peer's token gets 403
 * (docs/conformance.md).
 */
@ActorController('permissions')
export class PermissionQueryController {
  constructor(
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
  ) {}

  @Get(':peerId')
  @Access('permissions/<id>', { peerParam: 'peerId' })
  async get(@Actor() actor: ActorRecord, @Param('peerId') peerId: string) {
    const record = await this.relationships.find(actor.id, peerId);
    return permissionQueryView(actor.id, record, await this.permissions.effective(actor.id, record));
  }
}

import { Get, Inject, Param, Req } from '@nestjs/common';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { TrustManager } from './trust-manager.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

/**
 * `GET /<id>/permissions/<peer>` (permissionquery, §8.8): a peer reads what it
 * has been granted. Only that peer (or the creator/admin) may ask; unlike the
 * reference, another peer's token gets 403 (§10 item 18).
 */
@ActorController('permissions')
export class PermissionQueryController {
  constructor(@Inject(TrustManager) private readonly trust: TrustManager) {}

  @Get(':peerId')
  @Access('permissions/<id>', { peerParam: 'peerId' })
  async get(@Req() req: AwRequest, @Param('peerId') peerId: string) {
    const record = await this.trust.getRelationship(req.aw!.actor.id, peerId);
    if (!record) throw new NotFoundError('No trust relationship with this peer', 'trust_not_found');
    return this.trust.permissionQuery(req.aw!.actor.id, record);
  }
}

import { Controller, Get, Inject, Param, Req, UseFilters, UseGuards } from '@nestjs/common';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { ActorAccessGuard } from '../auth/actor-access.guard.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { ActingWebExceptionFilter } from '../http/actingweb-exception.filter.js';
import { TrustManager } from './trust-manager.service.js';

/**
 * `GET /<id>/permissions/<peer>` (permissionquery, §8.8): a peer reads what it
 * has been granted. Only that peer (or the creator/admin) may ask; unlike the
 * reference, another peer's token gets 403 (§10 item 18).
 */
@Controller(':actorId/permissions')
@UseFilters(ActingWebExceptionFilter)
@UseGuards(ActorAccessGuard)
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

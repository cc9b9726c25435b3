import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { PermissionService, type EffectivePermissions } from '../permissions/permission.service.js';
import { TrustRepository, type TrustRecord } from '../storage/trust.repository.js';
import { requireTrust } from './require-trust.js';

/**
 * A trust's permissions (ActingWeb spec, "Types of Relationships", tag
 * `trustpermissions`): the trust type's defaults merged with the creator's
 * override for this one peer, and the override itself.
 */
@Injectable()
export class TrustPermissions {
  constructor(
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
  ) {}

  /** The effective permissions of a trust and where they come from. */
  effective(actorId: string, record: TrustRecord): Promise<EffectivePermissions> {
    return this.permissions.effective(actorId, record.peerId, record.relationship);
  }

  /** Stores an override (validated, 400 otherwise) for an existing trust; 'created' or 'updated'. */
  async set(actorId: string, peerId: string, body: unknown): Promise<'created' | 'updated'> {
    const record = await requireTrust(this.trusts, actorId, peerId);
    return this.permissions.setOverride(actorId, peerId, record.relationship, body, 'creator');
  }

  /** Removes the override of a trust; false when there was none. */
  delete(actorId: string, peerId: string): Promise<boolean> {
    return this.permissions.deleteOverride(actorId, peerId);
  }

  /** {@link delete}, 404 `no_override` when there was none. */
  async deleteExisting(actorId: string, peerId: string): Promise<void> {
    if (!(await this.delete(actorId, peerId)))
      throw new NotFoundError('No permission override for this relationship', 'no_override');
  }
}

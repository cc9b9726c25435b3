import { Inject, Injectable } from '@nestjs/common';
import { PERMISSION_CATEGORIES, type Permissions } from '../../common/permissions.types.js';
import { NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { PermissionService, type EffectivePermissions } from '../../permissions/permission.service.js';
import { TrustTypeRegistry } from '../../permissions/trust-type-registry.service.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import { TrustManager } from '../../trust/trust-manager.service.js';
import { assertPeerAnswers } from './peer-check.js';

/** A relationship the owner can ask a peer for. */
export interface RelationshipChoice {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
}

/** What the "start a trust" form sends. */
export interface NewTrust {
  readonly url: string;
  readonly relationship: string;
  readonly description: string;
}

/**
 * Trust for the owner console, through TrustManager: the relationships,
 * starting one with a peer, approving, deleting, asking the peer again, and
 * the permissions of one trust.
 *
 * Approving and deleting tell the peer. The console first checks that the
 * peer answers (its `/meta`): when it does not, nothing is changed and the
 * page says so (502), rather than approving or deleting here while the peer
 * never hears of it. Deleting "here only" is the owner's explicit choice.
 */
@Injectable()
export class ConsoleTrust {
  constructor(
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(TrustTypeRegistry) private readonly types: TrustTypeRegistry,
  ) {}

  /** Every trust of the actor, newest first. */
  async all(actorId: string): Promise<TrustRecord[]> {
    const records = await this.trust.getRelationships(actorId);
    return records.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** The peers of these trusts whose permissions the owner customised. */
  async customised(actorId: string, records: readonly TrustRecord[]): Promise<Set<string>> {
    const custom = new Set<string>();
    for (const record of records) {
      const { isCustom } = await this.permissions.effective(actorId, record.peerId, record.relationship);
      if (isCustom) custom.add(record.peerId);
    }
    return custom;
  }

  async get(actorId: string, peerId: string): Promise<TrustRecord> {
    const record = await this.trust.getRelationship(actorId, peerId);
    if (!record) throw new NotFoundError('There is no trust with this peer', 'trust_not_found');
    return record;
  }

  /** The trust types, for the relationship choice. */
  relationships(): RelationshipChoice[] {
    return this.types
      .list()
      .map((t) => ({ name: t.name, displayName: t.displayName, description: t.description }));
  }

  /** Asks a peer for trust (the handshake of the ActingWeb spec); a failed step changes nothing here. */
  start(actor: ActorHandle, input: NewTrust): Promise<TrustRecord> {
    return this.trust.createReciprocalTrust(actor, {
      url: input.url,
      relationship: input.relationship,
      description: input.description,
    });
  }

  async approve(actor: ActorHandle, peerId: string): Promise<void> {
    const record = await this.get(actor.id, peerId);
    await assertPeerAnswers(this.trust, record.baseuri);
    await this.trust.approve(actor, peerId);
  }

  /** Deletes the trust and tells the peer; `hereOnly` skips the peer (it may be gone for good). */
  async delete(actor: ActorHandle, peerId: string, hereOnly: boolean): Promise<void> {
    const record = await this.get(actor.id, peerId);
    if (hereOnly) {
      await this.trust.deleteRelationship(actor, peerId);
      return;
    }
    await assertPeerAnswers(this.trust, record.baseuri);
    await this.trust.deletePeerTrust(actor, peerId);
  }

  /** Asks the peer whether it approved meanwhile. */
  async refresh(actor: ActorHandle, peerId: string): Promise<void> {
    await this.get(actor.id, peerId);
    await this.trust.refreshPeerApproval(actor, peerId);
  }

  /** The trust's permissions: effective (the type's merged with the override), and the type's alone. */
  async permissionsOf(
    actorId: string,
    record: TrustRecord,
  ): Promise<{ effective: EffectivePermissions; base: Permissions }> {
    const effective = await this.permissions.effective(actorId, record.peerId, record.relationship);
    return { effective, base: this.types.get(record.relationship)?.permissions ?? {} };
  }

  /** Stores the override; with no category overridden, the trust type decides again. */
  async savePermissions(actorId: string, peerId: string, body: Record<string, unknown>): Promise<void> {
    await this.get(actorId, peerId);
    const overridden = PERMISSION_CATEGORIES.some((c) => body[c] !== null && body[c] !== undefined);
    if (overridden) await this.trust.setPermissions(actorId, peerId, body);
    else await this.trust.deletePermissions(actorId, peerId);
  }

  async resetPermissions(actorId: string, peerId: string): Promise<void> {
    await this.get(actorId, peerId);
    await this.trust.deletePermissions(actorId, peerId);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { PeerBadGatewayError } from '../errors/actingweb.errors.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { AwProxy } from '../peers/aw-proxy.service.js';
import { callablePeerUrl } from '../peers/peer-url.js';
import { TrustRepository, type TrustPatch, type TrustRecord } from '../storage/trust.repository.js';
import type { TrustChangeDto } from './dto/trust.dto.js';
import { parseBoolean } from './parse-boolean.js';
import { requireTrust } from './require-trust.js';
import { TrustEvents } from './trust-events.js';
import { fireTrustEvent } from './trust-hooks.js';
import { TrustNotifier } from './trust-notifier.service.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { normalizePeerUrl, peerRecordPath } from './trust-urls.js';

/**
 * Changes to an existing trust (ActingWeb spec, "Creation of a Trust
 * Relationship"): approval from either side, polling the peer's approval,
 * description and URL, deletion with or without telling the peer. Deleting a
 * trust goes through {@link TrustEvents}, so what is stored with it learns of it.
 */
@Injectable()
export class TrustRelationships {
  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(TrustNotifier) private readonly notifier: TrustNotifier,
    @Inject(TrustEvents) private readonly events: TrustEvents,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
  ) {}

  /** The trust with `peerId` (under `relationship`, when given: `/trust/<rel>/<peer>`), or 404. */
  find(actorId: string, peerId: string, relationship?: string): Promise<TrustRecord> {
    return requireTrust(this.trusts, actorId, peerId, relationship);
  }

  /**
   * `PUT /trust/<rel>/<peer>`: stores the permission override when given, then
   * changes the record and, on approval, tells the peer ({@link modifyAndNotify}).
   */
  async change(
    actor: ActorHandle,
    relationship: string,
    peerId: string,
    change: TrustChangeDto,
  ): Promise<void> {
    await this.find(actor.id, peerId, relationship);
    const baseuri = change.baseuri === undefined ? undefined : normalizePeerUrl(change.baseuri);
    if (change.permissions !== undefined) await this.permissions.set(actor.id, peerId, change.permissions);
    await this.modifyAndNotify(actor, peerId, {
      approved: change.approved,
      description: change.desc,
      baseuri,
    });
  }

  /**
   * Changes our record. When `approved` goes false → true, the change is saved
   * first and then the peer is told; a failed or undeliverable notice is
   * logged, the peer can still poll. When that made the trust approved on
   * both sides, `trust_fully_approved_local` and `trust_approved` fire.
   */
  async modifyAndNotify(
    actor: ActorHandle,
    peerId: string,
    patch: Pick<TrustPatch, 'approved' | 'description' | 'baseuri'>,
  ): Promise<TrustRecord> {
    const before = await requireTrust(this.trusts, actor.id, peerId);
    const after = (await this.trusts.update(actor.id, peerId, patch))!;
    if (!before.approved && after.approved) {
      await this.notifier.approved(actor, after);
      if (after.peerApproved) {
        await fireTrustEvent(this.hooks, 'trust_fully_approved_local', actor, after);
        await fireTrustEvent(this.hooks, 'trust_approved', actor, after);
      }
    }
    return after;
  }

  /** `POST /trust/<rel>/<peer>`: the peer tells us it approved. */
  async receiveApproval(
    actor: ActorHandle,
    relationship: string,
    peerId: string,
    approved: boolean,
  ): Promise<void> {
    await this.find(actor.id, peerId, relationship);
    await this.peerApproved(actor, peerId, approved);
  }

  /** Records the peer's approval; fires `trust_fully_approved_remote`, and `trust_approved` when it is new. */
  async peerApproved(actor: ActorHandle, peerId: string, approved: boolean): Promise<TrustRecord> {
    const before = await requireTrust(this.trusts, actor.id, peerId);
    const record = (await this.trusts.update(actor.id, peerId, { peerApproved: approved }))!;
    if (record.approved && record.peerApproved) {
      await fireTrustEvent(this.hooks, 'trust_fully_approved_remote', actor, record);
      if (!before.peerApproved) await fireTrustEvent(this.hooks, 'trust_approved', actor, record);
    }
    return record;
  }

  /**
   * Polling instead of waiting for the approval notice: asks the peer for its
   * record of us (`GET <peer>/trust/<rel>/<me>` with the secret). 200 or 201
   * means the peer approved; 202 means pending, and so does 403, which is
   * what Python peers answer while pending. Any other answer leaves the
   * record as it is. Transport failures throw.
   */
  async refreshPeerApproval(actor: ActorHandle, peerId: string): Promise<TrustRecord> {
    const record = await requireTrust(this.trusts, actor.id, peerId);
    if (record.peerApproved || callablePeerUrl(record.baseuri) === null) return record;
    const answer = await this.proxy.getResource(
      { baseuri: record.baseuri, secret: record.secret },
      peerRecordPath(record.relationship, actor.id),
    );
    if (answer.status !== 200 && answer.status !== 201) return record;
    // A record that says `approved: false` (or `"false"`) is not an approval, whatever the status.
    const body = answer.data as { approved?: unknown } | undefined;
    if (typeof body === 'object' && body !== null && parseBoolean(body.approved) === false) return record;
    return this.peerApproved(actor, peerId, true);
  }

  /**
   * `DELETE /trust/<rel>/<peer>`. The peer itself deletes our record only,
   * also while unapproved; the creator (trustee, admin) tells the peer too,
   * unless `localOnly` (`?peer=true`).
   */
  async deleteAsRequested(
    actor: ActorHandle,
    caller: Caller,
    relationship: string,
    peerId: string,
    localOnly: boolean,
  ): Promise<void> {
    await this.find(actor.id, peerId, relationship);
    const byPeer = caller.kind === 'peer' && caller.peerId === peerId;
    if (byPeer || localOnly) return this.deleteRelationship(actor, peerId, byPeer);
    await this.deletePeerTrust(actor, peerId);
  }

  /** Deletes our record only; the peer is not told. */
  async deleteRelationship(actor: ActorHandle, peerId: string, initiatedByPeer = false): Promise<void> {
    const record = await requireTrust(this.trusts, actor.id, peerId);
    await this.events.deleting({ actor, peerId, initiatedByPeer }, () =>
      this.trusts.delete(actor.id, peerId),
    );
    await fireTrustEvent(this.hooks, 'trust_deleted', actor, record, { initiatedByPeer });
  }

  /**
   * Deletes our record and tells the peer. The local delete always happens;
   * when the peer could not be told, a PeerBadGatewayError (502) says so, as
   * the reference does.
   */
  async deletePeerTrust(actor: ActorHandle, peerId: string): Promise<void> {
    const record = await requireTrust(this.trusts, actor.id, peerId);
    const told = await this.notifier.deleted(actor, record);
    await this.events.deleting({ actor, peerId, initiatedByPeer: false }, () =>
      this.trusts.delete(actor.id, peerId),
    );
    await fireTrustEvent(this.hooks, 'trust_deleted', actor, record, { initiatedByPeer: false });
    if (!told)
      throw new PeerBadGatewayError(
        'Trust deleted here, but the peer could not be told',
        'peer_not_notified',
      );
  }
}

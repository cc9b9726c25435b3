import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { AwProxy, type PeerInfo } from '../peers/aw-proxy.service.js';
import { TrustTypeRegistry } from '../permissions/trust-type-registry.service.js';
import { TrustRepository, type TrustPatch, type TrustRecord } from '../storage/trust.repository.js';
import { TrustHandshake, type CreateTrustInput, type TrustRequest } from './trust-handshake.service.js';
import { TrustNotifier } from './trust-notifier.service.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { permissionQueryView, permissionsDocumentView } from './trust.view.js';

export type { CreateTrustInput, TrustRequest } from './trust-handshake.service.js';

/**
 * Trust relationships (ActingWeb spec, "/trust - Trust Relationships"): the
 * two sides of the handshake, approval, changes and deletion with peer
 * notification, and per-trust permissions. Usable from hooks and application
 * code; every peer call is async and bounded by the configured timeout.
 *
 * The work is done by {@link TrustHandshake} (initiate, accept, verify),
 * {@link TrustRelationships} (approve, change, delete), {@link TrustNotifier}
 * (what the peer is told) and {@link TrustPermissions}; this class is their
 * public face.
 *
 * @publicApi
 */
@Injectable()
export class TrustManager {
  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(TrustTypeRegistry) private readonly types: TrustTypeRegistry,
    @Inject(TrustHandshake) private readonly handshake: TrustHandshake,
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustNotifier) private readonly notifier: TrustNotifier,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
  ) {}

  getRelationship(actorId: string, peerId: string): Promise<TrustRecord | null> {
    return this.trusts.get(actorId, peerId);
  }

  getRelationships(
    actorId: string,
    filter: { relationship?: string; peerId?: string; peerType?: string } = {},
  ): Promise<TrustRecord[]> {
    return this.trusts.list(actorId, filter);
  }

  getPeerInfo(url: string): Promise<PeerInfo> {
    return this.proxy.getPeerInfo(url);
  }

  /**
   * Initiator side: reads the peer's `/meta`, stores our record, asks the
   * peer. 201 → peer approved; 202 → pending; anything else → our record is
   * removed and a PeerRequestFailedError (408) says which step failed.
   */
  createReciprocalTrust(actor: ActorHandle, input: CreateTrustInput): Promise<TrustRecord> {
    return this.handshake.initiate(actor, input);
  }

  /**
   * Receiver side: verifies the requester, applies the approval policy
   * (`autoApprove`), stores. A second request from a trusted peer is 403
   * unless it is a retry with the same secret; too many pending is 429.
   */
  createVerifiedTrust(actor: ActorHandle, relationship: string, request: TrustRequest): Promise<TrustRecord> {
    return this.handshake.accept(actor, relationship, request);
  }

  /**
   * Changes our record. When `approved` goes false → true the peer is told;
   * when that made the trust approved on both sides, `trust_fully_approved_local`
   * and `trust_approved` fire.
   */
  modifyAndNotify(
    actor: ActorHandle,
    peerId: string,
    patch: Pick<TrustPatch, 'approved' | 'description' | 'baseuri'>,
  ): Promise<TrustRecord> {
    return this.relationships.modifyAndNotify(actor, peerId, patch);
  }

  /** Approves a pending trust (SDK form of `PUT {approved: true}`); fires `trust_approved` when both sides have approved. */
  approve(actor: ActorHandle, peerId: string): Promise<TrustRecord> {
    return this.relationships.modifyAndNotify(actor, peerId, { approved: true });
  }

  /** The peer tells us it approved (`POST /trust/<rel>/<peer>`). */
  peerApproved(actor: ActorHandle, peerId: string, approved: boolean): Promise<TrustRecord> {
    return this.relationships.peerApproved(actor, peerId, approved);
  }

  /**
   * Polling instead of waiting for the approval notice: asks the peer for its
   * record of us. 200/201 is an approval; 202, and 403 (what Python peers
   * answer while pending), are not. Transport failures throw.
   */
  refreshPeerApproval(actor: ActorHandle, peerId: string): Promise<TrustRecord> {
    return this.relationships.refreshPeerApproval(actor, peerId);
  }

  /** Deletes our record only; the peer is not told. */
  deleteRelationship(actor: ActorHandle, peerId: string, initiatedByPeer = false): Promise<void> {
    return this.relationships.deleteRelationship(actor, peerId, initiatedByPeer);
  }

  /**
   * Deletes our record and tells the peer (`DELETE <peer>/trust/<rel>/<me>`).
   * The local delete always happens; when the peer could not be told a
   * PeerBadGatewayError (502) says so. A peer whose `baseuri` is not an
   * http(s) URL cannot be told at all; that is not an error.
   */
  deletePeerTrust(actor: ActorHandle, peerId: string): Promise<void> {
    return this.relationships.deletePeerTrust(actor, peerId);
  }

  /** On actor deletion: tell every peer, concurrently and bounded; failures are logged, never block the delete. */
  notifyAllPeersOfDeletion(actor: ActorHandle): Promise<void> {
    return this.notifier.actorDeleted(actor);
  }

  /** The effective permissions of a trust (type defaults merged with its override), as the wire shows them. */
  async permissionsOf(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    return { ...(await this.permissions.effective(actorId, record)).permissions };
  }

  /** The `GET .../permissions` document. */
  async permissionsDocument(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    return permissionsDocumentView(actorId, record, await this.permissions.effective(actorId, record));
  }

  /** The permission query answer: what the peer has been granted here. */
  async permissionQuery(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    return permissionQueryView(actorId, record, await this.permissions.effective(actorId, record));
  }

  /** Removes the override of a trust; false when there was none. */
  deletePermissions(actorId: string, peerId: string): Promise<boolean> {
    return this.permissions.delete(actorId, peerId);
  }

  /** Stores a per-relationship permission override (validated); 'created' or 'updated'. */
  setPermissions(actorId: string, peerId: string, body: unknown): Promise<'created' | 'updated'> {
    return this.permissions.set(actorId, peerId, body);
  }

  /** Trust types that exist here (built-in and application-defined). */
  isKnownRelationship(relationship: string): boolean {
    return this.types.has(relationship);
  }
}

import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { AwConfig } from '../config/aw-config.js';
import { secretsEqual } from '../auth/constant-time.js';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PeerBadGatewayError,
  PeerRequestFailedError,
  PeerTimeoutError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import type { LifecycleEvent } from '../hooks/hook.types.js';
import { logPrefix } from '../common/request-context.js';
import { AwProxy, type PeerInfo } from '../peers/aw-proxy.service.js';
import { callablePeerUrl } from '../peers/peer-url.js';
import { TrustRepository, type TrustPatch, type TrustRecord } from '../storage/trust.repository.js';
import { SubscriptionManager } from '../subscriptions/subscription-manager.service.js';
import { PermissionService } from '../permissions/permission.service.js';
import { assertRelationshipName } from '../common/relationship-name.js';
import { parseBoolean } from './trust-record.view.js';
import { TrustTypeRegistry } from '../permissions/trust-type-registry.service.js';

/** `Retry-After` (seconds) of a trust request refused because too many are pending: the creator has to act first. */
const PENDING_CAP_RETRY_AFTER_SECONDS = 3600;

/** 40 hex characters (160 bits) from a CSPRNG: trust secrets and verification tokens. */
function newToken(): string {
  return randomBytes(20).toString('hex');
}

/** What a peer sends in `POST /<me>/trust/<relationship>` (§8.4 step 4). */
export interface TrustRequest {
  id: string;
  /** Any non-empty string; only an absolute http(s) URL is ever called. */
  baseuri: string;
  type: string;
  secret?: string;
  desc?: string;
  verify?: string;
}

/** Input of {@link TrustManager.createReciprocalTrust}. @publicApi */
export interface CreateTrustInput {
  /** Root URL of the peer actor. */
  url: string;
  /**
   * Relationship to ask for (any name of `[A-Za-z0-9._-]`, 1–64 characters);
   * default: the configured default relationship.
   */
  relationship?: string;
  description?: string;
  /** Refuse the peer unless its `/meta/type` is this URN. */
  expectedType?: string;
}

/**
 * Trust relationships (`shared/docs/protocol.md` §8): the two sides of the
 * handshake, approval, changes and deletion with peer notification. Usable
 * from hooks and application code; every peer call is async and bounded by
 * the configured timeout.
 *
 * @publicApi
 */
@Injectable()
export class TrustManager {
  private readonly logger = new Logger('TrustManager');

  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(TrustTypeRegistry) private readonly types: TrustTypeRegistry,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(SubscriptionManager) private readonly subscriptionManager: SubscriptionManager,
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
   * Initiator side (§8.4 steps 1–7): read the peer's `/meta`, store our record
   * first (the peer verifies it by calling back while our POST is in flight),
   * then ask the peer. 201 → peer approved; 202 → pending; anything else →
   * our record is removed and a PeerRequestFailedError (408, as the
   * reference answers) says which step failed.
   */
  async createReciprocalTrust(actor: ActorHandle, input: CreateTrustInput): Promise<TrustRecord> {
    const relationship = input.relationship ?? this.config.defaultRelationship;
    assertRelationshipName(relationship);
    const url = normalizePeerUrl(input.url);
    if (url === actor.url) throw new BadRequestError('An actor cannot trust itself', 'self_trust');

    const peer = await peerStep('meta', `Reading the peer's /meta failed`, () => this.proxy.getPeerInfo(url));
    if (input.expectedType && peer.type !== input.expectedType) {
      throw new BadRequestError(
        `Peer type is ${peer.type}, expected ${input.expectedType}`,
        'peer_type_mismatch',
      );
    }
    if (peer.id === actor.id) throw new BadRequestError('An actor cannot trust itself', 'self_trust');
    if (await this.trusts.get(actor.id, peer.id)) {
      throw new ConflictError(`A trust with ${peer.id} already exists`, 'trust_exists');
    }

    const secret = newToken();
    const verificationToken = newToken();
    const record: TrustRecord = {
      actorId: actor.id,
      peerId: peer.id,
      baseuri: url,
      peerType: peer.type,
      relationship,
      secret,
      description: input.description ?? '',
      approved: true,
      peerApproved: false,
      verified: true,
      verificationToken,
      establishedVia: 'trust',
      createdAt: new Date().toISOString(),
    };
    await this.trusts.insert(record);

    let answer;
    try {
      answer = await peerStep('trust_request', 'Sending the trust request failed', () =>
        this.proxy.createResource({ baseuri: url }, `trust/${encodeURIComponent(relationship)}`, {
          id: actor.id,
          baseuri: actor.url,
          type: this.config.type,
          secret,
          desc: record.description,
          verify: verificationToken,
        }),
      );
    } catch (err) {
      await this.trusts.delete(actor.id, peer.id);
      throw err;
    }
    if (answer.status !== 201 && answer.status !== 202) {
      await this.trusts.delete(actor.id, peer.id);
      throw new PeerRequestFailedError(
        'trust_request',
        `The peer answered the trust request with status ${answer.status}`,
        answer.status,
      );
    }
    const stored =
      answer.status === 201 ? await this.trusts.update(actor.id, peer.id, { peerApproved: true }) : record;
    const final = stored ?? record;
    await this.fire('trust_initiated', actor, final);
    if (final.peerApproved) await this.fire('trust_approved', actor, final);
    return final;
  }

  /**
   * Receiver side (§8.4 steps 5–6): verify the requester by calling back with
   * the secret it sent, apply the approval policy, store, answer 201/202.
   * Any relationship name is accepted; one without a configured trust type
   * grants nothing until the creator sets permissions for it. The requester
   * is only called back when its `baseuri` is an absolute http(s) URL;
   * otherwise it stays `verified: false`.
   *
   * A second request from a peer we already trust is refused (403) unless it is
   * a retry carrying the same secret: re-keying a trust anonymously would let
   * anyone who knows a peer id take its place. An actor keeps at most
   * `trust.maxPendingRequests` unapproved trusts; beyond that, 429.
   */
  async createVerifiedTrust(
    actor: ActorHandle,
    relationship: string,
    request: TrustRequest,
  ): Promise<TrustRecord> {
    assertRelationshipName(relationship);
    if (request.id === actor.id) throw new BadRequestError('An actor cannot trust itself', 'self_trust');

    const existing = await this.trusts.get(actor.id, request.id);
    if (existing) {
      if (
        request.secret &&
        secretsEqual(request.secret, existing.secret) &&
        existing.relationship === relationship
      )
        return existing;
      throw new ForbiddenError(`A trust with ${request.id} already exists`, 'trust_exists');
    }

    const approved = this.config.autoApprove.includes(relationship);
    // Checked before the verification call too, so a flood costs us no peer calls.
    if (!approved) await this.assertPendingRoom(actor.id);

    const peerUrl = callablePeerUrl(request.baseuri);
    const secret = request.secret ?? newToken();
    let verified = false;
    if (request.secret && request.verify && peerUrl !== null) {
      verified = await this.verifyPeer(actor, relationship, request, request.secret, request.verify);
    }
    const record: TrustRecord = {
      actorId: actor.id,
      peerId: request.id,
      baseuri: peerUrl ?? request.baseuri,
      peerType: request.type,
      relationship,
      secret,
      description: request.desc ?? '',
      approved,
      peerApproved: true,
      verified,
      verificationToken: null,
      establishedVia: 'trust',
      createdAt: new Date().toISOString(),
    };
    let stored: boolean;
    try {
      stored = await this.trusts.insertWithinUnapprovedCap(record, this.config.maxPendingTrustRequests);
    } catch (err) {
      // Lost a race with a concurrent request from the same peer.
      if (await this.trusts.get(actor.id, request.id))
        throw new ForbiddenError(`A trust with ${request.id} already exists`, 'trust_exists');
      throw err;
    }
    if (!stored) throw this.tooManyPending();
    await this.fire('trust_request_received', actor, record);
    if (record.approved) await this.fire('trust_approved', actor, record);
    return record;
  }

  /**
   * Changes our record (PUT by creator/admin/trustee). When `approved` goes
   * false → true, the change is saved first and then the peer is told (§8.4
   * step 8); a failed or undeliverable notice is logged, the peer can still
   * poll. When that made the trust approved on both sides,
   * `trust_fully_approved_local` and `trust_approved` fire.
   */
  async modifyAndNotify(
    actor: ActorHandle,
    peerId: string,
    patch: Pick<TrustPatch, 'approved' | 'description' | 'baseuri'>,
  ): Promise<TrustRecord> {
    const before = await this.requireTrust(actor.id, peerId);
    const after = (await this.trusts.update(actor.id, peerId, patch))!;
    if (!before.approved && after.approved) {
      await this.notifyApproval(actor, after);
      if (after.peerApproved) {
        await this.fire('trust_fully_approved_local', actor, after);
        await this.fire('trust_approved', actor, after);
      }
    }
    return after;
  }

  /** Approves a pending trust (SDK form of `PUT {approved: true}`); fires `trust_approved` when both sides have approved. */
  approve(actor: ActorHandle, peerId: string): Promise<TrustRecord> {
    return this.modifyAndNotify(actor, peerId, { approved: true });
  }

  /** The peer tells us it approved (`POST /trust/<rel>/<peer>`, §8.4 step 8). */
  async peerApproved(actor: ActorHandle, peerId: string, approved: boolean): Promise<TrustRecord> {
    const before = await this.requireTrust(actor.id, peerId);
    const record = (await this.trusts.update(actor.id, peerId, { peerApproved: approved }))!;
    if (record.approved && record.peerApproved) {
      await this.fire('trust_fully_approved_remote', actor, record);
      if (!before.peerApproved) await this.fire('trust_approved', actor, record);
    }
    return record;
  }

  /**
   * Polling instead of waiting for the approval notice (§8.4 step 9): asks the
   * peer for its record of us (`GET <peer>/trust/<rel>/<me>` with the secret).
   * 200 or 201 means the peer approved (sets `peer_approved`, fires
   * `trust_fully_approved_remote` when both sides have); 202 means pending, and
   * so does 403, which is what Python peers answer while pending (§10 item 7).
   * Any other answer leaves the record as it is. Transport failures throw.
   */
  async refreshPeerApproval(actor: ActorHandle, peerId: string): Promise<TrustRecord> {
    const record = await this.requireTrust(actor.id, peerId);
    if (record.peerApproved || callablePeerUrl(record.baseuri) === null) return record;
    const answer = await this.proxy.getResource(
      { baseuri: record.baseuri, secret: record.secret },
      `trust/${encodeURIComponent(record.relationship)}/${encodeURIComponent(actor.id)}`,
    );
    if (answer.status !== 200 && answer.status !== 201) return record;
    // A record that says `approved: false` (or `"false"`) is not an approval, whatever the status.
    const body = answer.data as { approved?: unknown } | undefined;
    if (typeof body === 'object' && body !== null && parseBoolean(body.approved) === false) return record;
    return this.peerApproved(actor, peerId, true);
  }

  /** Deletes our record only; the peer is not told. */
  async deleteRelationship(actor: ActorHandle, peerId: string, initiatedByPeer = false): Promise<void> {
    const record = await this.requireTrust(actor.id, peerId);
    await this.subscriptionManager.deletingTrust(actor, peerId, initiatedByPeer, () =>
      this.trusts.delete(actor.id, peerId),
    );
    await this.fire('trust_deleted', actor, record, { initiatedByPeer });
  }

  /**
   * Deletes our record and tells the peer (`DELETE <peer>/trust/<rel>/<me>`).
   * The local delete always happens; when the peer could not be told (it
   * answered neither 2xx nor 404, or was unreachable) a PeerBadGatewayError
   * (502) says so, as the reference does. A peer whose `baseuri` is not an
   * http(s) URL cannot be told at all; that is not an error.
   */
  async deletePeerTrust(actor: ActorHandle, peerId: string): Promise<void> {
    const record = await this.requireTrust(actor.id, peerId);
    const told = await this.tellPeerDeleted(actor, record);
    await this.subscriptionManager.deletingTrust(actor, peerId, false, () =>
      this.trusts.delete(actor.id, peerId),
    );
    await this.fire('trust_deleted', actor, record, { initiatedByPeer: false });
    if (!told)
      throw new PeerBadGatewayError(
        'Trust deleted here, but the peer could not be told',
        'peer_not_notified',
      );
  }

  /** On actor deletion: tell every peer, concurrently and bounded; failures are logged, never block the delete. */
  async notifyAllPeersOfDeletion(actor: ActorHandle): Promise<void> {
    const records = await this.trusts.list(actor.id);
    await this.proxy.fanOut(records, (record) => this.tellPeerDeleted(actor, record));
  }

  /** The effective permissions of a trust (type defaults merged with its override), as the wire shows them. */
  async permissionsOf(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    const effective = await this.permissions.effective(actorId, record.peerId, record.relationship);
    return { ...effective.permissions };
  }

  /** The `GET .../permissions` document (§8.7). */
  async permissionsDocument(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    const effective = await this.permissions.effective(actorId, record.peerId, record.relationship);
    return {
      actor_id: actorId,
      peer_id: record.peerId,
      trust_type: effective.trustType,
      properties: effective.permissions.properties ?? null,
      methods: effective.permissions.methods ?? null,
      actions: effective.permissions.actions ?? null,
      tools: effective.permissions.tools ?? null,
      resources: effective.permissions.resources ?? null,
      prompts: effective.permissions.prompts ?? null,
      created_by: effective.createdBy ?? 'system',
      updated_at: effective.updatedAt ?? null,
      notes: effective.notes ?? '',
      is_custom: effective.isCustom,
      source: effective.source,
    };
  }

  /** The permission query answer (§8.8): what the peer has been granted here. */
  async permissionQuery(actorId: string, record: TrustRecord): Promise<Record<string, unknown>> {
    const effective = await this.permissions.effective(actorId, record.peerId, record.relationship);
    const p = effective.permissions;
    return {
      actor_id: actorId,
      peer_id: record.peerId,
      permissions: {
        properties: p.properties ?? null,
        methods: p.methods ?? null,
        actions: p.actions ?? null,
        tools: p.tools ?? null,
        resources: p.resources ?? null,
        prompts: p.prompts ?? null,
      },
      source: effective.source,
      trust_type: effective.trustType,
    };
  }

  /** Removes the override of a trust; false when there was none. */
  deletePermissions(actorId: string, peerId: string): Promise<boolean> {
    return this.permissions.deleteOverride(actorId, peerId);
  }

  /** Stores a per-relationship permission override (validated); 'created' or 'updated'. */
  async setPermissions(actorId: string, peerId: string, body: unknown): Promise<'created' | 'updated'> {
    const record = await this.requireTrust(actorId, peerId);
    return this.permissions.setOverride(actorId, peerId, record.relationship, body, 'creator');
  }

  /** Trust types that exist here (built-in and application-defined). */
  isKnownRelationship(relationship: string): boolean {
    return this.types.has(relationship);
  }

  private async verifyPeer(
    actor: ActorHandle,
    relationship: string,
    request: TrustRequest,
    secret: string,
    token: string,
  ): Promise<boolean> {
    try {
      const answer = await this.proxy.getResource<Record<string, unknown>>(
        { baseuri: request.baseuri, secret },
        `trust/${encodeURIComponent(relationship)}/${encodeURIComponent(actor.id)}`,
      );
      if (
        answer.status < 200 ||
        answer.status > 202 ||
        typeof answer.data !== 'object' ||
        answer.data === null
      )
        return false;
      const returned = answer.data.verificationToken ?? answer.data.verification_token;
      return typeof returned === 'string' && secretsEqual(returned, token);
    } catch (err) {
      this.logger.warn(`${logPrefix()}Could not verify peer ${request.id}: ${(err as Error).message}`);
      return false;
    }
  }

  private async notifyApproval(actor: ActorHandle, record: TrustRecord): Promise<void> {
    if (!this.deliverable(record, 'approval notice')) return;
    try {
      const answer = await this.proxy.createResource(
        { baseuri: record.baseuri, secret: record.secret },
        `trust/${encodeURIComponent(record.relationship)}/${encodeURIComponent(actor.id)}`,
        { approved: true },
      );
      if (answer.status >= 300)
        this.logger.warn(
          `${logPrefix()}Peer ${record.peerId} answered ${answer.status} to our approval notice`,
        );
    } catch (err) {
      this.logger.warn(
        `${logPrefix()}Could not notify peer ${record.peerId} of approval: ${(err as Error).message}`,
      );
    }
  }

  /** False when the peer should have been told and could not be. */
  private async tellPeerDeleted(actor: ActorHandle, record: TrustRecord): Promise<boolean> {
    if (!this.deliverable(record, 'delete notice')) return true;
    try {
      const answer = await this.proxy.deleteResource(
        { baseuri: record.baseuri, secret: record.secret },
        `trust/${encodeURIComponent(record.relationship)}/${encodeURIComponent(actor.id)}`,
      );
      return (answer.status >= 200 && answer.status < 300) || answer.status === 404;
    } catch (err) {
      this.logger.warn(
        `${logPrefix()}Could not tell peer ${record.peerId} about the deleted trust: ${(err as Error).message}`,
      );
      return false;
    }
  }

  private async requireTrust(actorId: string, peerId: string): Promise<TrustRecord> {
    const record = await this.trusts.get(actorId, peerId);
    if (!record) throw new NotFoundError('Trust relationship not found', 'trust_not_found');
    return record;
  }

  /** A notice can only go to a peer whose root is an absolute http(s) URL; otherwise it is logged as undeliverable. */
  private deliverable(record: TrustRecord, notice: string): boolean {
    if (callablePeerUrl(record.baseuri) !== null) return true;
    this.logger.warn(
      `${logPrefix()}The ${notice} to peer ${record.peerId} is undeliverable: its baseuri is not an http(s) URL`,
    );
    return false;
  }

  private async assertPendingRoom(actorId: string): Promise<void> {
    if ((await this.trusts.countUnapproved(actorId)) >= this.config.maxPendingTrustRequests)
      throw this.tooManyPending();
  }

  private tooManyPending(): TooManyRequestsError {
    return new TooManyRequestsError(
      'Too many trust requests are waiting for approval here; try again later',
      'too_many_pending_trusts',
      PENDING_CAP_RETRY_AFTER_SECONDS,
    );
  }

  private async fire(
    event: LifecycleEvent,
    actor: ActorHandle,
    record: TrustRecord,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await this.hooks.runLifecycle({
      event,
      actor,
      peerId: record.peerId,
      relationship: record.relationship,
      trustData: {
        peerid: record.peerId,
        baseuri: record.baseuri,
        type: record.peerType,
        relationship: record.relationship,
        approved: record.approved,
        peer_approved: record.peerApproved,
        verified: record.verified,
      },
      ...extra,
    });
  }
}

/** An absolute http(s) URL without query, fragment or trailing slash (peer roots are compared as strings); 400 otherwise. */
export function normalizePeerUrl(raw: string): string {
  const url = callablePeerUrl(raw);
  if (url === null) {
    throw new BadRequestError(
      'url must be an absolute http(s) URL of the peer actor, without query, fragment or credentials',
      'invalid_url',
    );
  }
  return url;
}

/**
 * Runs one peer call of the trust initiation. A failure to reach the peer
 * (refused, unreachable, timeout, TLS, a refused address) or an unusable
 * answer becomes a PeerRequestFailedError (408) naming the step.
 */
async function peerStep<T>(step: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (
      err instanceof PeerTimeoutError ||
      err instanceof PeerBadGatewayError ||
      err instanceof ServiceUnavailableError
    ) {
      const status = err.details.peer_status;
      throw new PeerRequestFailedError(
        step,
        `${what}: ${err.message}`,
        typeof status === 'number' ? status : undefined,
      );
    }
    throw err;
  }
}

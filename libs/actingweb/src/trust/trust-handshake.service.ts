import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { secretsEqual } from '../auth/constant-time.js';
import { assertRelationshipName } from '../common/relationship-name.js';
import { logPrefix } from '../common/request-context.js';
import { AwConfig } from '../config/aw-config.js';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  PeerBadGatewayError,
  PeerRequestFailedError,
  PeerTimeoutError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from '../errors/actingweb.errors.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { AwProxy } from '../peers/aw-proxy.service.js';
import { callablePeerUrl } from '../peers/peer-url.js';
import { TrustRepository, type TrustRecord } from '../storage/trust.repository.js';
import { fireTrustEvent } from './trust-hooks.js';
import { normalizePeerUrl, peerRecordPath } from './trust-urls.js';

/** `Retry-After` (seconds) of a trust request refused because too many are pending: the creator has to act first. */
const PENDING_CAP_RETRY_AFTER_SECONDS = 3600;

/** What a peer sends in `POST /<me>/trust/<relationship>` (ActingWeb spec, "Creation of a Trust Relationship"). */
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

/** 40 hex characters (160 bits) from a CSPRNG: trust secrets and verification tokens. */
function newToken(): string {
  return randomBytes(20).toString('hex');
}

/**
 * The two sides of the trust handshake (ActingWeb spec, "Creation of a Trust
 * Relationship" and "Initiating a trust request"): the initiator asks a peer,
 * the receiver verifies the requester and applies the approval policy.
 */
@Injectable()
export class TrustHandshake {
  private readonly logger = new Logger('TrustManager');

  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /**
   * Initiator side: read the peer's `/meta`, store our record first (the peer
   * verifies it by calling back while our POST is in flight), then ask the
   * peer. 201 → peer approved; 202 → pending; anything else → our record is
   * removed and a PeerRequestFailedError (408, as the reference answers) says
   * which step failed.
   */
  async initiate(actor: ActorHandle, input: CreateTrustInput): Promise<TrustRecord> {
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

    const record: TrustRecord = {
      actorId: actor.id,
      peerId: peer.id,
      baseuri: url,
      peerType: peer.type,
      relationship,
      secret: newToken(),
      description: input.description ?? '',
      approved: true,
      peerApproved: false,
      verified: true,
      verificationToken: newToken(),
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
          secret: record.secret,
          desc: record.description,
          verify: record.verificationToken,
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
    await fireTrustEvent(this.hooks, 'trust_initiated', actor, final);
    if (final.peerApproved) await fireTrustEvent(this.hooks, 'trust_approved', actor, final);
    return final;
  }

  /**
   * Receiver side: verify the requester by calling back with the secret it
   * sent, apply the approval policy, store, answer 201/202. Any relationship
   * name is accepted; one without a configured trust type grants nothing
   * until the creator sets permissions for it. The requester is only called
   * back when its `baseuri` is an absolute http(s) URL; otherwise it stays
   * `verified: false`.
   *
   * A second request from a peer we already trust is refused (403) unless it is
   * a retry carrying the same secret: re-keying a trust anonymously would let
   * anyone who knows a peer id take its place. An actor keeps at most
   * `trust.maxPendingRequests` unapproved trusts; beyond that, 429.
   */
  async accept(actor: ActorHandle, relationship: string, request: TrustRequest): Promise<TrustRecord> {
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
      secret: request.secret ?? newToken(),
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
    if (!stored) throw tooManyPending();
    await fireTrustEvent(this.hooks, 'trust_request_received', actor, record);
    if (record.approved) await fireTrustEvent(this.hooks, 'trust_approved', actor, record);
    return record;
  }

  /** Asks the requester for its record of us with the secret it sent; true when it shows our verification token. */
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
        peerRecordPath(relationship, actor.id),
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

  private async assertPendingRoom(actorId: string): Promise<void> {
    if ((await this.trusts.countUnapproved(actorId)) >= this.config.maxPendingTrustRequests)
      throw tooManyPending();
  }
}

function tooManyPending(): TooManyRequestsError {
  return new TooManyRequestsError(
    'Too many trust requests are waiting for approval here; try again later',
    'too_many_pending_trusts',
    PENDING_CAP_RETRY_AFTER_SECONDS,
  );
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

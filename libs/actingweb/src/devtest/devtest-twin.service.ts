import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Method } from 'axios';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { AwConfig } from '../config/aw-config.js';
import { isPlainObject } from '../common/json.js';
import { BadRequestError, PeerBadGatewayError, PeerRequestFailedError } from '../errors/actingweb.errors.js';
import { LifecycleHook } from '../hooks/hook.decorators.js';
import type { LifecycleHookContext } from '../hooks/hook.types.js';
import { logPrefix } from '../common/request-context.js';
import { AwProxy, type PeerResponse } from '../peers/aw-proxy.service.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { parsePropertyPath } from '../properties/property-path.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { PeerTrusteeRepository, type PeerTrusteeRecord } from '../storage/peer-trustee.repository.js';
import { TrustManager } from '../trust/trust-manager.service.js';

/** The relationship this actor asks its twin for: full access, including deletes. */
export const TWIN_RELATIONSHIP = 'admin';

/**
 * `/devtest/proxy` (only with the `devtest` option): the actor's "twin", an
 * actor of this same type on this same server, created with this actor as its
 * trustee (a peer trustee, as the Python reference's `get_peer_trustee` makes
 * one), whose `/properties` are reached through a real trust and
 * {@link AwProxy}, so the whole peer path can be exercised against one server.
 */
@Injectable()
export class DevtestTwin {
  private readonly logger = new Logger('Devtest');
  /** Twin set-ups in flight, per actor: concurrent first uses share one twin. */
  private readonly settingUp = new Map<string, Promise<PeerTrusteeRecord>>();

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PeerTrusteeRepository) private readonly peerTrustees: PeerTrusteeRepository,
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /**
   * The actor's twin, created and trusted on first use: POST our own factory
   * with `{creator: "trustee", trustee_root: <actor>}`, store it as a peer
   * trustee, ask it for an `admin` trust, and approve that trust on the twin's
   * side with its trustee credentials (`Basic trustee:<passphrase>`).
   */
  twin(actor: ActorHandle): Promise<PeerTrusteeRecord> {
    let pending = this.settingUp.get(actor.id);
    if (!pending) {
      pending = this.findOrCreateTwin(actor).finally(() => this.settingUp.delete(actor.id));
      this.settingUp.set(actor.id, pending);
    }
    return pending;
  }

  /**
   * A call to the twin's `/properties[/<path>]` with the trust secret; the
   * twin's answer as it came. `rawPath` is the still-encoded path below
   * `/devtest/proxy/properties/`, checked as a property path (400).
   */
  async proxyProperties(
    actor: ActorRecord,
    method: Method,
    rawPath: string,
    body?: unknown,
  ): Promise<PeerResponse> {
    if (method === 'PUT' && body === undefined)
      throw new BadRequestError('PUT needs a JSON body', 'invalid_body');
    const path = parsePropertyPath(rawPath, this.config.maxJsonDepth);
    const twin = await this.twin(this.handles.create(actor));
    const target = await this.proxy.targetFor(actor.id, twin.peerId);
    if (!target) throw new PeerBadGatewayError('No trust with the twin', 'twin_untrusted');
    const sub = ['properties', ...path.map(encodeURIComponent)].join('/');
    return this.proxy.request(target, method, sub, body);
  }

  /**
   * Python's `POST /devtest/proxy/create`: the twin (created if needed) and its
   * `/meta`; a JSON object body is written to the twin's properties first.
   */
  async twinMeta(actor: ActorRecord, body: unknown): Promise<{ twin: PeerTrusteeRecord; meta: unknown }> {
    const twin = await this.twin(this.handles.create(actor));
    const target = (await this.proxy.targetFor(actor.id, twin.peerId))!;
    if (isPlainObject(body) && Object.keys(body).length > 0)
      await this.proxy.createResource(target, 'properties', body);
    const meta = await this.proxy.getResource(target, 'meta');
    return { twin, meta: meta.data };
  }

  /** An actor that goes away takes the actors it is trustee of with it (as the reference does). */
  @LifecycleHook('actor_deleted')
  async deletePeerTrustees(ctx: LifecycleHookContext): Promise<void> {
    for (const peer of await this.peerTrustees.list(ctx.actor.id)) {
      const slash = peer.baseuri.lastIndexOf('/');
      try {
        const answer = await this.proxy.request(
          { baseuri: peer.baseuri.slice(0, slash) },
          'DELETE',
          peer.baseuri.slice(slash + 1),
          undefined,
          { headers: { authorization: basicAuth('trustee', peer.passphrase) } },
        );
        if (answer.status >= 300 && answer.status !== 404)
          this.logger.warn(`${logPrefix()}Deleting peer trustee ${peer.peerId} answered ${answer.status}`);
      } catch (err) {
        this.logger.warn(
          `${logPrefix()}Could not delete peer trustee ${peer.peerId}: ${(err as Error).message}`,
        );
      }
      await this.peerTrustees.delete(ctx.actor.id, peer.peerId);
    }
  }

  private async findOrCreateTwin(actor: ActorHandle): Promise<PeerTrusteeRecord> {
    const existing = (await this.peerTrustees.list(actor.id, this.config.type))[0];
    if (existing) {
      try {
        await this.ensureTrust(actor, existing);
        return existing;
      } catch (err) {
        // The twin is gone (its /meta answers with an error): forget it and make a new one.
        if (!(err instanceof PeerRequestFailedError) || err.step !== 'meta' || err.peerStatus === undefined)
          throw err;
        this.logger.warn(`${logPrefix()}Twin ${existing.peerId} of ${actor.id} is gone; creating a new one`);
        await this.peerTrustees.delete(actor.id, existing.peerId);
      }
    }
    const twin = await this.createTwin(actor);
    await this.ensureTrust(actor, twin);
    return twin;
  }

  private async createTwin(actor: ActorHandle): Promise<PeerTrusteeRecord> {
    const created = await this.proxy.request<{ id?: unknown; passphrase?: unknown }>(
      { baseuri: this.config.root },
      'POST',
      '',
      { creator: 'trustee', trustee_root: actor.url },
    );
    const body = created.data;
    if (
      created.status !== 201 ||
      typeof body !== 'object' ||
      body === null ||
      typeof body.passphrase !== 'string' ||
      typeof body.id !== 'string'
    ) {
      throw new PeerBadGatewayError(
        `Creating the twin at ${this.config.root} failed (status ${created.status})`,
        'twin_not_created',
      );
    }
    const baseuri = created.location ?? this.config.actorUrl(body.id);
    const info = await this.proxy.getPeerInfo(baseuri);
    const twin: PeerTrusteeRecord = {
      actorId: actor.id,
      peerId: info.id,
      baseuri,
      peerType: info.type,
      passphrase: body.passphrase,
    };
    await this.peerTrustees.insert(twin);
    return twin;
  }

  /** A trust with the twin, approved on both sides. */
  private async ensureTrust(actor: ActorHandle, twin: PeerTrusteeRecord): Promise<void> {
    let record = await this.trust.getRelationship(actor.id, twin.peerId);
    if (!record) {
      record = await this.trust.createReciprocalTrust(actor, {
        url: twin.baseuri,
        relationship: TWIN_RELATIONSHIP,
        description: 'Trust from trustee to myself',
      });
    }
    if (record.peerApproved) return;
    const answer = await this.proxy.changeResource(
      { baseuri: twin.baseuri },
      `trust/${encodeURIComponent(record.relationship)}/${encodeURIComponent(actor.id)}`,
      { approved: true },
      { headers: { authorization: basicAuth('trustee', twin.passphrase) } },
    );
    if (answer.status < 200 || answer.status > 299) {
      throw new PeerBadGatewayError(
        `The twin did not approve the trust (status ${answer.status})`,
        'twin_not_approved',
      );
    }
    // The twin's approval notice normally got here while it answered; if it was lost, the 2xx says enough.
    if (!(await this.trust.getRelationship(actor.id, twin.peerId))?.peerApproved)
      await this.trust.peerApproved(actor, twin.peerId, true);
  }
}

function basicAuth(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

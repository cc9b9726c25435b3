import { Inject, Injectable, Logger } from '@nestjs/common';
import { logPrefix } from '../common/request-context.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { AwProxy } from '../peers/aw-proxy.service.js';
import { callablePeerUrl } from '../peers/peer-url.js';
import { TrustRepository, type TrustRecord } from '../storage/trust.repository.js';
import { peerRecordPath } from './trust-urls.js';

/**
 * What a trust's peer is told when our side changes (ActingWeb spec, "Creation
 * of a Trust Relationship"): our approval, and our deletion of the trust. A
 * notice goes only to a peer whose root is an absolute http(s) URL, with our
 * trust secret; none of them ever fails the change that caused it.
 */
@Injectable()
export class TrustNotifier {
  private readonly logger = new Logger('TrustManager');

  constructor(
    @Inject(AwProxy) private readonly proxy: AwProxy,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
  ) {}

  /** `POST <peer>/trust/<rel>/<me> {"approved": true}`; a failure is logged, the peer can still poll. */
  async approved(actor: ActorHandle, record: TrustRecord): Promise<void> {
    if (!this.deliverable(record, 'approval notice')) return;
    try {
      const answer = await this.proxy.createResource(
        { baseuri: record.baseuri, secret: record.secret },
        peerRecordPath(record.relationship, actor.id),
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

  /**
   * `DELETE <peer>/trust/<rel>/<me>`. False when the peer should have been
   * told and could not be (it answered neither 2xx nor 404, or was
   * unreachable); true when told, or when it cannot be called at all.
   */
  async deleted(actor: ActorHandle, record: TrustRecord): Promise<boolean> {
    if (!this.deliverable(record, 'delete notice')) return true;
    try {
      const answer = await this.proxy.deleteResource(
        { baseuri: record.baseuri, secret: record.secret },
        peerRecordPath(record.relationship, actor.id),
      );
      return (answer.status >= 200 && answer.status < 300) || answer.status === 404;
    } catch (err) {
      this.logger.warn(
        `${logPrefix()}Could not tell peer ${record.peerId} about the deleted trust: ${(err as Error).message}`,
      );
      return false;
    }
  }

  /** On actor deletion: tells every peer, concurrently and bounded; failures are logged, never block the delete. */
  async actorDeleted(actor: ActorHandle): Promise<void> {
    const records = await this.trusts.list(actor.id);
    await this.proxy.fanOut(records, (record) => this.deleted(actor, record));
  }

  /** A notice can only go to a peer whose root is an absolute http(s) URL; otherwise it is logged as undeliverable. */
  private deliverable(record: TrustRecord, notice: string): boolean {
    if (callablePeerUrl(record.baseuri) !== null) return true;
    this.logger.warn(
      `${logPrefix()}The ${notice} to peer ${record.peerId} is undeliverable: its baseuri is not an http(s) URL`,
    );
    return false;
  }
}

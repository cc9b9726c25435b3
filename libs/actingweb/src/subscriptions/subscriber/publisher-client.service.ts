import { Inject, Injectable, Logger } from '@nestjs/common';
import { isPlainObject } from '../../common/json.js';
import { logPrefix } from '../../common/request-context.js';
import {
  ActingWebError,
  PeerBadGatewayError,
  ServiceUnavailableError,
} from '../../errors/actingweb.errors.js';
import { AwProxy, type PeerTarget } from '../../peers/aw-proxy.service.js';
import type { SubscriptionRecord } from '../../storage/subscription.repository.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import type { PolledDiff } from './callback-sequencing.js';
import { parsePolledDiffs } from './received-callback.js';

/** What a poll of the publisher returned. */
export interface PolledSubscription {
  /** The publisher's current sequence, as it sent it. */
  readonly sequence: unknown;
  readonly diffs: PolledDiff[];
}

/**
 * The subscriber's calls to a publisher while it processes callbacks: poll,
 * fetch one diff, fetch the current state, clear. Always to the peer's own
 * root from the trust, with our trust secret, never to a URL a callback
 * names. A transport failure becomes 503, so the publisher keeps the diff.
 */
@Injectable()
export class PublisherClient {
  private readonly logger = new Logger('SubscriptionCallbacks');

  constructor(@Inject(AwProxy) private readonly proxy: AwProxy) {}

  /** `GET <pub>/subscriptions/<me>/<subid>`: the pending diffs; 502 for anything but 200 with an object. */
  async poll(sub: SubscriptionRecord, trust: TrustRecord): Promise<PolledSubscription> {
    const answer = await this.peerCall(() =>
      this.proxy.getResource<{ sequence?: unknown; data?: unknown }>(target(trust), subscriptionPath(sub)),
    );
    if (answer.status !== 200 || !isPlainObject(answer.data))
      throw new PeerBadGatewayError(`Publisher answered ${answer.status} to the poll`, 'poll_failed');
    return { sequence: answer.data.sequence, diffs: parsePolledDiffs(answer.data.data) };
  }

  /** The stored diff behind a low-granularity callback; undefined when the publisher no longer has it. */
  async diff(sub: SubscriptionRecord, trust: TrustRecord, sequence: number): Promise<unknown> {
    const answer = await this.peerCall(() =>
      this.proxy.getResource<{ data?: unknown }>(target(trust), `${subscriptionPath(sub)}/${sequence}`),
    );
    if (answer.status === 404) return undefined;
    if (answer.status !== 200 || !isPlainObject(answer.data) || !Object.hasOwn(answer.data, 'data'))
      throw new PeerBadGatewayError(
        `Publisher answered ${answer.status} for diff ${sequence}`,
        'fetch_failed',
      );
    return answer.data.data;
  }

  /** The publisher's current state of what the subscription covers (resync); `''` when it has none. */
  async state(sub: SubscriptionRecord, trust: TrustRecord): Promise<unknown> {
    const path = [sub.target, sub.subtarget, sub.resource]
      .filter((s) => s.length > 0)
      .map((s) => s.split('/').map(encodeURIComponent).join('/'))
      .join('/');
    const answer = await this.peerCall(() => this.proxy.getResource(target(trust), path));
    if (answer.status === 404) return '';
    if (answer.status !== 200)
      throw new PeerBadGatewayError(`Publisher answered ${answer.status} for ${path}`, 'resync_failed');
    return answer.data;
  }

  /** `PUT <pub>/subscriptions/<me>/<subid> {"sequence": N}`; a failure only leaves diffs for a later poll. */
  async clear(sub: SubscriptionRecord, trust: TrustRecord, sequence: number): Promise<void> {
    try {
      const answer = await this.proxy.changeResource(target(trust), subscriptionPath(sub), { sequence });
      if (answer.status >= 300)
        this.logger.warn(`${logPrefix()}Publisher ${sub.peerId} answered ${answer.status} to clearing diffs`);
    } catch (err) {
      this.logger.warn(`${logPrefix()}Could not clear diffs at ${sub.peerId}: ${(err as Error).message}`);
    }
  }

  /** Any transport failure becomes 503 (the publisher keeps the diff and may send it again). */
  private async peerCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ActingWebError)
        throw new ServiceUnavailableError(err.message, 'publisher_unreachable');
      throw err;
    }
  }
}

function target(trust: TrustRecord): PeerTarget {
  return { baseuri: trust.baseuri, secret: trust.secret };
}

/** Our subscription at the publisher, `subscriptions/<me>/<subid>`. */
function subscriptionPath(sub: SubscriptionRecord): string {
  return `subscriptions/${encodeURIComponent(sub.actorId)}/${encodeURIComponent(sub.subscriptionId)}`;
}

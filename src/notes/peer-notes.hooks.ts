import { Injectable } from '@nestjs/common';
import {
  AwProxy,
  LifecycleHook,
  PeerBadGatewayError,
  SubscriptionHook,
  type ActorHandle,
  type LifecycleHookContext,
  type SubscriptionHookContext,
} from '@actingweb/nestjs';
import { NOTES } from './note.js';
import { applyListDiff, listDiffIn, PEER_NOTES } from './peer-notes.js';

/**
 * The subscriber's side of following a peer's notes: after
 * `POST /<me>/subscriptions {"peerid", "target": "properties", "subtarget": "notes"}`,
 * this actor keeps a copy of the peer's notes in `peer_notes/<peer id>`,
 * readable with `GET /<me>/properties/peer_notes`.
 */
@Injectable()
export class PeerNotesHooks {
  constructor(private readonly proxy: AwProxy) {}

  /** A new subscription starts the copy with what the peer has now. */
  @LifecycleHook('subscription_created')
  async startCopy({ actor, peerId, outbound, subscriptionData }: LifecycleHookContext): Promise<void> {
    const { target, subtarget } = subscriptionData as { target: string; subtarget?: string };
    if (outbound && peerId && target === 'properties' && (!subtarget || subtarget === NOTES))
      await this.refresh(actor, peerId);
  }

  /**
   * Each change the peer sends, once, in order. Diffs are applied to the copy;
   * a resync (the peer's whole state) or a diff that does not fit the copy
   * replaces it with the peer's list, fetched over the trust.
   */
  @SubscriptionHook('properties')
  async onPeerChange({ actor, peerId, subtarget, type, data }: SubscriptionHookContext): Promise<void> {
    if (subtarget && subtarget !== NOTES) return; // a subscription to another property
    const diff = listDiffIn(data, subtarget, NOTES);
    if (type === 'diff' && diff === undefined) return; // a change to another property
    const copy = (await actor.properties.get(PEER_NOTES, peerId)) as unknown[] | undefined;
    const next = type === 'diff' && copy ? applyListDiff(copy, diff) : null;
    if (next) await actor.properties.set([PEER_NOTES, peerId], next);
    else await this.refresh(actor, peerId);
  }

  /** `GET <peer>/properties/notes` with the trust's secret; the copy becomes the answer. */
  private async refresh(actor: ActorHandle, peerId: string): Promise<void> {
    const target = await this.proxy.targetFor(actor.id, peerId);
    if (!target) return; // the trust is gone; so is the copy (notes-lifecycle.hooks.ts)
    const answer = await this.proxy.getResource(target, `properties/${NOTES}`);
    if (answer.status === 200 && Array.isArray(answer.data))
      await actor.properties.set([PEER_NOTES, peerId], answer.data);
    else if (answer.status === 404) await actor.properties.set([PEER_NOTES, peerId], []);
    else throw new PeerBadGatewayError(`Peer ${peerId} answered ${answer.status} for its notes`);
  }
}

import { Injectable } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';

/** A trust about to be deleted. */
export interface TrustDeletion {
  readonly actor: ActorHandle;
  readonly peerId: string;
  /** The peer deleted it (its own `DELETE`), rather than this actor's side. */
  readonly initiatedByPeer: boolean;
}

/**
 * Runs before the trust is deleted. Deleting a trust deletes what is stored
 * with it (its subscriptions, its permission override) in the same statement,
 * so a listener reads what it needs now and returns what to do once the trust
 * is gone.
 */
export type TrustDeletionListener = (deletion: TrustDeletion) => Promise<(() => Promise<void>) | void>;

/**
 * Trust events for the features built on trusts. `subscriptions/` listens to
 * deletions (to fire `subscription_deleted` for each subscription that goes
 * with the trust), so `trust/` never imports the features above it.
 */
@Injectable()
export class TrustEvents {
  private readonly deletionListeners: TrustDeletionListener[] = [];

  onDeletion(listener: TrustDeletionListener): void {
    this.deletionListeners.push(listener);
  }

  /** Runs the listeners, then `deleteTrust`, then what the listeners returned, in order. */
  async deleting(deletion: TrustDeletion, deleteTrust: () => Promise<unknown>): Promise<void> {
    const afterwards: Array<() => Promise<void>> = [];
    for (const listener of this.deletionListeners) {
      const after = await listener(deletion);
      if (after) afterwards.push(after);
    }
    await deleteTrust();
    for (const after of afterwards) await after();
  }
}

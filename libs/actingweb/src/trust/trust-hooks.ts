import type { ActorHandle } from '../hooks/actor-handle.js';
import type { HookInvoker } from '../hooks/hook-invoker.service.js';
import type { LifecycleEvent } from '../hooks/hook.types.js';
import type { TrustRecord } from '../storage/trust.repository.js';

/** Runs the `@LifecycleHook`s of a trust event with the record as `trustData` (the reference's field names). */
export async function fireTrustEvent(
  hooks: HookInvoker,
  event: LifecycleEvent,
  actor: ActorHandle,
  record: TrustRecord,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await hooks.runLifecycle({
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

import type { CallbackMember, InboundWithTrust } from '../../storage/subscription.repository.js';
import type { Delivery } from './callback-delivery.service.js';
import { scopePath } from './diff-builder.js';

/** One stored group change of a write, with what choosing its callbacks needs. */
export interface StoredChange {
  actorId: string;
  groupId: number;
  /** The group's sequence of the change. */
  sequence: number;
  /** Indexes of the write's changes this diff carries. */
  changes: readonly number[];
  /** The diff as JSON text. */
  json: string;
  timestamp: string;
}

interface Candidate {
  member: CallbackMember;
  diff: StoredChange;
  sequence: number;
}

/**
 * Which members of the changed groups get a callback, and with which of their
 * own sequence numbers: for each peer and change, the most specific of the
 * peer's callback subscriptions that carries it ("Subscription Scope and
 * Overlap": one callback per peer, to the most specific subscription). Ties go
 * to the oldest subscription. A member that has already cleared the diff, or
 * joined after it, gets none. Deliveries come in member order, then change order.
 */
export function selectCallbacks(
  stored: readonly StoredChange[],
  members: readonly CallbackMember[],
): Delivery[] {
  const byGroup = new Map<number, StoredChange[]>();
  for (const diff of stored) byGroup.set(diff.groupId, [...(byGroup.get(diff.groupId) ?? []), diff]);
  const candidates: Candidate[] = [];
  for (const member of members)
    for (const diff of byGroup.get(member.groupId) ?? []) {
      const sequence = diff.sequence - member.groupOffset;
      if (sequence > member.cleared) candidates.push({ member, diff, sequence });
    }
  const chosen = mostSpecific(candidates, members);
  const bytes = new Map<string, number>();
  const deliveries: Delivery[] = [];
  for (const candidate of candidates) {
    if (chosen && !chosen.has(candidate)) continue;
    const { member, diff } = candidate;
    let size = bytes.get(diff.json);
    if (size === undefined) bytes.set(diff.json, (size = Buffer.byteLength(diff.json, 'utf8')));
    deliveries.push({
      actorId: diff.actorId,
      peerId: member.peerId,
      subscriptionId: member.subscriptionId,
      target: member.target,
      subtarget: member.subtarget,
      resource: member.resource,
      granularity: member.granularity,
      sequence: candidate.sequence,
      timestamp: diff.timestamp,
      type: 'diff',
      dataBytes: size,
      dataJson: diff.json,
      baseuri: member.baseuri,
      secret: member.secret,
      acceptEncoding: member.acceptEncoding,
    });
  }
  return deliveries;
}

/**
 * For each peer and change, the candidate of the peer's most specific
 * subscription; null when every peer has one subscription among `members`
 * (the usual case, and every candidate is chosen).
 */
function mostSpecific(
  candidates: readonly Candidate[],
  members: readonly CallbackMember[],
): Set<Candidate> | null {
  if (new Set(members.map((m) => m.peerId)).size === members.length) return null;
  const best = new Map<string, Candidate>();
  for (const candidate of candidates) {
    for (const change of candidate.diff.changes) {
      const key = `${candidate.member.peerId}\u0000${change}`;
      const current = best.get(key);
      if (!current || moreSpecific(candidate.member, current.member)) best.set(key, candidate);
    }
  }
  return new Set(best.values());
}

function moreSpecific(a: CallbackMember, b: CallbackMember): boolean {
  const sa = scopePath(a).length;
  const sb = scopePath(b).length;
  if (sa !== sb) return sa > sb;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.subscriptionId < b.subscriptionId;
}

/** A resync callback to one inbound subscription (ActingWeb spec, "Resync Callback"); null for granularity none. */
export function resyncDelivery(
  actorId: string,
  sub: InboundWithTrust,
  sequence: number,
  timestamp: string,
): Delivery | null {
  if (sub.granularity === 'none') return null;
  return {
    actorId,
    peerId: sub.peerId,
    subscriptionId: sub.subscriptionId,
    target: sub.target,
    subtarget: sub.subtarget,
    resource: sub.resource,
    granularity: sub.granularity === 'low' ? 'low' : 'high',
    sequence,
    timestamp,
    type: 'resync',
    baseuri: sub.baseuri,
    secret: sub.secret,
    acceptEncoding: sub.acceptEncoding,
  };
}

import type { SubscriptionRecord } from '../../subscriptions/subscription-manager.service.js';
import type {
  InboundSubscription,
  SubscriptionsOverview,
} from '../services/console-subscriptions.service.js';
import type { Kept } from './properties.view.js';
import { peerLabel, trustHref } from './trust.view.js';

const GRANULARITIES = [
  { value: 'high', label: 'high: each change, with its data' },
  { value: 'low', label: 'low: a notice per change; fetch the data' },
  { value: 'none', label: 'none: no callbacks; poll' },
] as const;

/** How callbacks to a subscriber are doing, from the diffs it has not acknowledged. */
export function deliveryHealth(s: InboundSubscription): { label: string; tone: string; detail: string } {
  const changes = `${s.waiting} change${s.waiting === 1 ? '' : 's'}`;
  if (s.granularity === 'none')
    return { label: 'polls', tone: '', detail: s.waiting > 0 ? `${changes} waiting to be fetched` : '' };
  if (s.waiting === 0) return { label: 'up to date', tone: 'ok', detail: '' };
  if (s.granularity === 'low')
    return { label: 'notified', tone: '', detail: `${changes} waiting to be fetched` };
  return { label: 'behind', tone: 'bad', detail: `${changes} not delivered yet` };
}

/** `properties/notes` */
function scopeOf(s: SubscriptionRecord): string {
  return [s.target, s.subtarget, s.resource].filter((p) => p !== '').join('/');
}

/** The subscriptions page. */
export function subscriptionsPageData(
  base: string,
  overview: SubscriptionsOverview,
  kept: Kept = {},
  unreachable?: SubscriptionRecord,
) {
  const trusts = new Map(overview.trusts.map((t) => [t.peerId, t]));
  const label = (peerId: string) => {
    const trust = trusts.get(peerId);
    return trust ? peerLabel(trust) : peerId;
  };
  const endAction = (s: SubscriptionRecord) =>
    `${base}/subscriptions/${encodeURIComponent(s.peerId)}/${encodeURIComponent(s.subscriptionId)}/delete`;
  const row = (s: SubscriptionRecord) => ({
    peerLabel: label(s.peerId),
    peerHref: trustHref(base, s.peerId),
    scope: scopeOf(s),
    granularity: s.granularity,
    sequence: s.sequence,
    deleteAction: endAction(s),
  });
  const chosenPeer = kept.peer;
  const granularity = kept.granularity ?? 'high';
  return {
    inbound: overview.inbound.map((s) => ({ ...row(s), health: deliveryHealth(s) })),
    outbound: overview.outbound.map(row),
    delivery: overview.delivery,
    unreachable: unreachable
      ? { action: endAction(unreachable), peerLabel: label(unreachable.peerId), scope: scopeOf(unreachable) }
      : null,
    trustHref: `${base}/trust`,
    subscribeAction: `${base}/subscriptions`,
    peers: overview.trusts
      .filter((t) => t.approved && t.peerApproved && /^https?:\/\//i.test(t.baseuri))
      .map((t) => ({ peerId: t.peerId, label: peerLabel(t), selected: t.peerId === chosenPeer })),
    granularities: GRANULARITIES.map((g) => ({ ...g, selected: g.value === granularity })),
    form: { target: kept.target ?? 'properties', subtarget: kept.subtarget ?? '' },
  };
}

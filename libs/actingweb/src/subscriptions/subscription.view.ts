import type { DiffRecord, SubscriptionRecord } from '../storage/subscription.repository.js';

/** A subscription in a listing (`callback: true` = this actor subscribed), and the hooks' `subscriptionData`. @publicApi */
export function subscriptionView(record: SubscriptionRecord): Record<string, unknown> {
  return {
    peerid: record.peerId,
    subscriptionid: record.subscriptionId,
    target: record.target,
    subtarget: record.subtarget,
    resource: record.resource,
    granularity: record.granularity,
    sequence: record.sequence,
    callback: record.outbound,
  };
}

/** `GET /subscriptions[/<peer>]`: both directions. */
export function subscriptionListView(
  actorId: string,
  records: readonly SubscriptionRecord[],
  peerId?: string,
): Record<string, unknown> {
  return {
    id: actorId,
    ...(peerId === undefined ? {} : { peerid: peerId }),
    data: records.map(subscriptionView),
  };
}

/** The 201 body of `POST /subscriptions/<peer>`. */
export function createdSubscriptionView(record: SubscriptionRecord): Record<string, unknown> {
  return {
    subscriptionid: record.subscriptionId,
    target: record.target,
    subtarget: record.subtarget,
    resource: record.resource,
    granularity: record.granularity,
    sequence: record.sequence,
  };
}

/** `GET /subscriptions/<peer>/<subid>`: the subscription with its pending diffs and current `sequence`. */
export function subscriptionWithDiffsView(
  actorId: string,
  subscription: SubscriptionRecord,
  diffs: readonly DiffRecord[],
): Record<string, unknown> {
  return {
    id: actorId,
    peerid: subscription.peerId,
    subscriptionid: subscription.subscriptionId,
    target: subscription.target,
    subtarget: subscription.subtarget,
    resource: subscription.resource,
    granularity: subscription.granularity,
    sequence: subscription.sequence,
    data: diffs.map((d) => ({ sequence: d.sequence, timestamp: d.timestamp, data: d.data })),
  };
}

/** `GET /subscriptions/<peer>/<subid>/<n>`: one pending diff. */
export function diffView(
  actorId: string,
  subscription: SubscriptionRecord,
  diff: DiffRecord,
): Record<string, unknown> {
  return {
    id: actorId,
    peerid: subscription.peerId,
    subscriptionid: subscription.subscriptionId,
    target: subscription.target,
    subtarget: subscription.subtarget,
    resource: subscription.resource,
    timestamp: diff.timestamp,
    sequence: diff.sequence,
    data: diff.data,
  };
}

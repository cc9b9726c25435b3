import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { ActorOverview } from '../services/console-overview.service.js';
import { peerLabel, trustHref } from './trust.view.js';
import { shortTime } from './values.js';

/** Lines of "recent activity" shown. */
const RECENT = 10;

/** The overview page: the actor, counts, and the latest trusts, subscriptions and application uses. */
export function overviewPageData(base: string, actor: ActorHandle, o: ActorOverview) {
  const trusts = new Map(o.trusts.map((t) => [t.peerId, t]));
  const label = (peerId: string) => {
    const t = trusts.get(peerId);
    return t ? peerLabel(t) : peerId;
  };
  const events: { at: string; text: string; href: string }[] = [
    ...o.trusts
      .filter((t) => t.establishedVia !== 'oauth2_client')
      .map((t) => ({
        at: t.createdAt,
        text: `Trust with ${peerLabel(t)} (${t.relationship}) ${t.approved ? (t.peerApproved ? 'approved by both' : 'asked by you') : 'waiting for your approval'}`,
        href: trustHref(base, t.peerId),
      })),
    ...o.inbound.map((s) => ({
      at: s.createdAt,
      text: `${label(s.peerId)} subscribed to ${s.target}${s.subtarget ? `/${s.subtarget}` : ''}`,
      href: `${base}/subscriptions`,
    })),
    ...o.outbound.map((s) => ({
      at: s.createdAt,
      text: `You subscribed to ${s.target}${s.subtarget ? `/${s.subtarget}` : ''} of ${label(s.peerId)}`,
      href: `${base}/subscriptions`,
    })),
    ...o.clients.flatMap((c) => [
      { at: c.connectedAt, text: `${c.clientName} connected (${c.relationship})`, href: `${base}/clients` },
      ...(c.lastUsedAt
        ? [{ at: c.lastUsedAt, text: `${c.clientName} used its tools`, href: `${base}/clients` }]
        : []),
    ]),
  ];
  const recent = events
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, RECENT)
    .map((e) => ({ ...e, when: shortTime(e.at) }));
  const pending = o.trusts.filter((t) => !t.approved).length;
  const approved = o.trusts.filter(
    (t) => t.approved && t.peerApproved && t.establishedVia !== 'oauth2_client',
  ).length;
  return {
    actor: { id: actor.id, creator: actor.creator, url: actor.url, trusteeRoot: actor.trusteeRoot },
    counts: [
      {
        value: o.properties,
        label: o.properties === 1 ? 'property' : 'properties',
        href: `${base}/properties`,
      },
      { value: approved, label: approved === 1 ? 'trusted peer' : 'trusted peers', href: `${base}/trust` },
      { value: pending, label: 'waiting for your approval', href: `${base}/trust` },
      {
        value: o.inbound.length,
        label: o.inbound.length === 1 ? 'subscriber' : 'subscribers',
        href: `${base}/subscriptions`,
      },
      { value: o.outbound.length, label: 'subscriptions to peers', href: `${base}/subscriptions` },
      {
        value: o.clients.length,
        label: o.clients.length === 1 ? 'application' : 'applications',
        href: `${base}/clients`,
      },
    ],
    recent,
  };
}

import { BadRequestError } from '../../errors/actingweb.errors.js';
import type { SubscriptionFilter } from '../../storage/subscription.repository.js';

/** A query string as Fastify parses it: a repeated parameter is an array. */
export type QueryValues = Record<string, string | string[] | undefined>;

/**
 * The filter of `GET /subscriptions[/<peer>]`: `target`, `subtarget`,
 * `resource`, and `peerid` on the listing of every peer. An empty value is no
 * filter; a repeated parameter is 400.
 */
export function subscriptionFilter(query: QueryValues, withPeer: boolean): SubscriptionFilter {
  const one = (key: string): string | undefined => {
    const value = query?.[key];
    if (value === undefined || typeof value === 'string') return value === '' ? undefined : value;
    throw new BadRequestError(`Query parameter ${key} must be given once`, 'invalid_query');
  };
  const filter: SubscriptionFilter = {
    target: one('target'),
    subtarget: one('subtarget'),
    resource: one('resource'),
  };
  if (withPeer) filter.peerId = one('peerid');
  return filter;
}

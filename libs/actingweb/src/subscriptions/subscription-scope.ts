import { BadRequestError } from '../errors/actingweb.errors.js';
import type { Granularity } from '../storage/subscription.repository.js';

/** What a subscription covers and how it is delivered. @publicApi */
export interface SubscriptionRequest {
  target: string;
  subtarget?: string;
  resource?: string;
  /** Default `none` for a peer's request, `high` for {@link SubscriptionManager.subscribeToPeer}. */
  granularity?: Granularity;
  /**
   * Callback encodings the subscriber accepts, in preference order (tag
   * `callbackcompression`): callbacks over about 1 KB are compressed with the
   * first of `gzip`, `br`, `deflate` it lists. Unknown names are dropped.
   */
  acceptEncoding?: string[];
}

/** A subscription's scope as stored: `''` for an absent subtarget or resource. */
export interface ValidScope {
  target: string;
  subtarget: string;
  resource: string;
  granularity: Granularity;
}

/** Targets, subtargets and resources: path segments, no traversal. */
const TARGET = /^[A-Za-z0-9_.~-]{1,64}$/;
const GRANULARITIES: readonly Granularity[] = ['high', 'low', 'none'];

/** One path segment: 1–255 characters, no `/`, no control characters, not `.` or `..`. */
function isSegment(value: string): boolean {
  if (value.length === 0 || value.length > 255 || value === '.' || value === '..') return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 32 || code === 127 || code === 47) return false;
  }
  return true;
}

/**
 * Validates target/subtarget/resource/granularity of either direction
 * (ActingWeb spec, "Establishing a Subscription"); a missing granularity is
 * `fallback`. 400 naming the field otherwise.
 */
export function validateScope(request: SubscriptionRequest, fallback: Granularity): ValidScope {
  const target = request.target;
  if (typeof target !== 'string' || !TARGET.test(target))
    throw new BadRequestError('target must be a name such as "properties"', 'invalid_target');
  const subtarget = request.subtarget ?? '';
  const resource = request.resource ?? '';
  if (subtarget !== '' && !isSegment(subtarget))
    throw new BadRequestError('subtarget must be one path segment', 'invalid_subtarget');
  if (resource !== '' && !resource.split('/').every(isSegment))
    throw new BadRequestError('resource must be a path below the subtarget', 'invalid_resource');
  if (resource !== '' && subtarget === '')
    throw new BadRequestError('a resource needs a subtarget', 'invalid_resource');
  const granularity = request.granularity ?? fallback;
  if (!GRANULARITIES.includes(granularity))
    throw new BadRequestError('granularity must be high, low or none', 'invalid_granularity');
  return { target, subtarget, resource, granularity };
}

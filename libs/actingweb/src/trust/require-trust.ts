import { NotFoundError } from '../errors/actingweb.errors.js';
import type { TrustRecord, TrustRepository } from '../storage/trust.repository.js';

/**
 * The trust of `actorId` with `peerId`, or 404 `Trust relationship not found`
 * (the reference's wording). With `relationship`, a record stored under
 * another relationship does not exist either: `/trust/<rel>/<peer>` names both.
 * Every trust route, and the subscription code that needs the peer's secret,
 * looks trusts up through this one function.
 */
export async function requireTrust(
  trusts: Pick<TrustRepository, 'get'>,
  actorId: string,
  peerId: string,
  relationship?: string,
): Promise<TrustRecord> {
  const record = await trusts.get(actorId, peerId);
  if (!record || (relationship !== undefined && record.relationship !== relationship))
    throw new NotFoundError('Trust relationship not found', 'trust_not_found');
  return record;
}

import type { TrustRecord } from '../storage/trust.repository.js';

/**
 * A trust record as the protocol shows it (`shared/docs/protocol.md` §8.2).
 * The verification token goes out under both names: the spec reads
 * `verificationToken`, Python peers read `verification_token` (§10 item 8).
 */
export function trustView(trust: TrustRecord): Record<string, unknown> {
  return {
    id: trust.actorId,
    peerid: trust.peerId,
    baseuri: trust.baseuri,
    type: trust.peerType,
    relationship: trust.relationship,
    secret: trust.secret,
    desc: trust.description,
    approved: trust.approved,
    peer_approved: trust.peerApproved,
    verified: trust.verified,
    ...(trust.verificationToken
      ? { verificationToken: trust.verificationToken, verification_token: trust.verificationToken }
      : {}),
    ...(trust.establishedVia ? { established_via: trust.establishedVia } : {}),
    created_at: trust.createdAt,
  };
}

/** Python peers send booleans as strings (`"true"`): accept both (§0). */
export function parseBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  return undefined;
}

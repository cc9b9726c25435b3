import { BadRequestError } from '../errors/actingweb.errors.js';
import { callablePeerUrl } from '../peers/peer-url.js';

/** Why a peer URL was refused (a 400 for `url` in `POST /trust`, `baseuri` in `PUT`, `trustee_root`). */
export const PEER_URL_RULE =
  'url must be an absolute http(s) URL of the peer actor, without query, fragment or credentials';

/** An absolute http(s) URL without query, fragment or trailing slash (peer roots are compared as strings); 400 otherwise. */
export function normalizePeerUrl(raw: string): string {
  const url = callablePeerUrl(raw);
  if (url === null) throw new BadRequestError(PEER_URL_RULE, 'invalid_url');
  return url;
}

/** Our record of a trust, `<actor>/trust/<relationship>/<peer>` (the `Location` of a created trust). */
export function trustUrl(actorUrl: string, relationship: string, peerId: string): string {
  return `${actorUrl}/trust/${encodeURIComponent(relationship)}/${encodeURIComponent(peerId)}`;
}

/** The peer's record of us, `trust/<relationship>/<me>` below the peer's root: verified, polled, notified, deleted. */
export function peerRecordPath(relationship: string, actorId: string): string {
  return `trust/${encodeURIComponent(relationship)}/${encodeURIComponent(actorId)}`;
}

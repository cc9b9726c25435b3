import { ActingWebError, PeerBadGatewayError } from '../../errors/actingweb.errors.js';
import type { TrustManager } from '../../trust/trust-manager.service.js';

/**
 * Before a change the peer must hear about (approving, deleting a trust,
 * ending a subscription): does the peer answer its `/meta`? If not, 502 and
 * the console changes nothing, rather than changing our side while the peer
 * never hears of it. A peer without an http(s) address cannot be told
 * anything and is not checked.
 */
export async function assertPeerAnswers(trust: TrustManager, baseuri: string): Promise<void> {
  if (!/^https?:\/\//i.test(baseuri)) return;
  try {
    await trust.getPeerInfo(baseuri);
  } catch (err) {
    if (!(err instanceof ActingWebError)) throw err;
    throw new PeerBadGatewayError(
      `The peer at ${baseuri} did not answer (${err.message}). Nothing was changed; try again later.`,
      'peer_unreachable',
    );
  }
}

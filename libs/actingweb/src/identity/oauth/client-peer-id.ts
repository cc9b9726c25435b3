import { createHash } from 'node:crypto';

const PREFIX = 'oauth2_client';
const MAX_PART = 100;

/**
 * The peer id of the trust a consent creates: `oauth2_client:<who>:<client>`,
 * the Python reference's format (`TrustManager.create_or_update_oauth_trust`):
 * in `<who>` `@` → `_at_` and `.` → `_dot_`; in `<client>` also `:` → `_colon_`.
 * One trust per person and client, so connecting two clients gives two trusts.
 *
 * Client ids the reference never had (Client ID Metadata Document URLs, ids
 * with `/`) leave characters a peer id cannot hold (`/trust/<rel>/<peer>` is
 * one path segment); those become `_`, and a short digest of the original is
 * appended so two such ids never share a trust. Over-long parts are cut the same way.
 */
export function clientTrustPeerId(loginName: string, clientId: string): string {
  const who = part(loginName.replaceAll('@', '_at_').replaceAll('.', '_dot_'), loginName);
  const client = part(
    clientId.replaceAll('@', '_at_').replaceAll('.', '_dot_').replaceAll(':', '_colon_'),
    clientId,
  );
  return `${PREFIX}:${who}:${client}`;
}

function part(normalized: string, original: string): string {
  const safe = normalized.replace(/[^A-Za-z0-9_-]/g, '_');
  if (safe === normalized && safe.length <= MAX_PART && safe.length > 0) return safe;
  const digest = createHash('sha256').update(original, 'utf8').digest('hex').slice(0, 12);
  return `${safe.slice(0, MAX_PART - 13)}_${digest}`;
}

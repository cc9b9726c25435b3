import { createHmac } from 'node:crypto';
import { secretsEqual } from '../../auth/constant-time.js';

/**
 * CSRF tokens of the identity forms: HMAC-SHA256 of the form's purpose
 * (e.g. `consent:<request>`, `logout`) under a per-browser key, the signed-in
 * session's `csrf_secret` or, before sign-in, the random value of the
 * pre-session cookie. A token is good only for one purpose in one browser.
 */
export function csrfToken(key: string, purpose: string): string {
  return createHmac('sha256', key).update(purpose, 'utf8').digest('base64url');
}

/** Constant-time check of a submitted token. */
export function csrfTokenValid(key: string, purpose: string, submitted: unknown): boolean {
  return typeof submitted === 'string' && secretsEqual(submitted, csrfToken(key, purpose));
}

/**
 * The second CSRF check (defence in depth, and what stops a form posted from
 * another site even before it has a token): browsers that send
 * `Sec-Fetch-Site` must say `same-origin` (or `none`: typed or bookmarked),
 * and an `Origin`, when sent, must be ours. Under our pages'
 * `Referrer-Policy: no-referrer` Chromium sends `Origin: null` even on a
 * same-origin form post; `Sec-Fetch-Site: same-origin`, which only the
 * browser can set, vouches for those.
 */
export function sameOriginRequest(
  headers: { origin?: string; 'sec-fetch-site'?: string | string[] },
  ownOrigin: string,
): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  if (origin === 'null' && site === 'same-origin') return true;
  return origin === undefined || origin === ownOrigin;
}

import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque credentials of the authorization server: a prefix (so resolvers
 * tell them from trust secrets without a lookup, and secret scanners find
 * them) and 256 random bits, base64url. Only their SHA-256 is stored.
 */
export const TOKEN_PREFIX = {
  accessToken: 'awat_',
  refreshToken: 'awrt_',
  authorizationCode: 'awac_',
  session: 'awss_',
  clientSecret: 'awcs_',
} as const;

const OAUTH_PREFIXES = [TOKEN_PREFIX.accessToken, TOKEN_PREFIX.refreshToken, TOKEN_PREFIX.authorizationCode];

/** A new credential with the given prefix. */
export function newOpaqueToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** A random identifier (not a credential), e.g. of a grant or a DCR client. */
export function newId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex, the form every credential is stored and looked up in. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a Bearer value has the shape of one of our OAuth credentials (no I/O). */
export function looksLikeOAuthToken(token: string): boolean {
  return OAUTH_PREFIXES.some((prefix) => token.startsWith(prefix));
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** RFC 7636 §4.1: 43-128 characters of the unreserved set; the same shape for an S256 challenge (43). */
export const PKCE_VALUE = /^[A-Za-z0-9._~-]{43,128}$/;

import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time. Like Python's `hmac.compare_digest`,
 * the time depends only on the length of the expected value `b`, never on the
 * content: a length mismatch still does a full comparison of `b` with itself.
 * (An earlier version hashed both sides; it cost four SHA-256 per Basic check
 * on the hot path for no gain, since lengths of generated secrets are public.)
 */
export function secretsEqual(a: string, b: string): boolean {
  const given = Buffer.from(a, 'utf8');
  const expected = Buffer.from(b, 'utf8');
  if (given.length !== expected.length) {
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}

import { describe, expect, it } from '@jest/globals';
import { csrfToken, csrfTokenValid, sameOriginRequest } from './csrf.js';

describe('CSRF tokens', () => {
  it('are bound to the key and the purpose', () => {
    const token = csrfToken('key-1', 'logout');
    expect(csrfTokenValid('key-1', 'logout', token)).toBe(true);
    expect(csrfTokenValid('key-2', 'logout', token)).toBe(false);
    expect(csrfTokenValid('key-1', 'consent:abc', token)).toBe(false);
    expect(csrfTokenValid('key-1', 'logout', undefined)).toBe(false);
    expect(csrfTokenValid('key-1', 'logout', [token])).toBe(false);
  });

  it('refuse cross-site submissions by Sec-Fetch-Site or Origin', () => {
    const own = 'https://aw.example';
    expect(sameOriginRequest({}, own)).toBe(true);
    expect(sameOriginRequest({ origin: own, 'sec-fetch-site': 'same-origin' }, own)).toBe(true);
    expect(sameOriginRequest({ 'sec-fetch-site': 'none' }, own)).toBe(true);
    expect(sameOriginRequest({ 'sec-fetch-site': 'cross-site' }, own)).toBe(false);
    expect(sameOriginRequest({ 'sec-fetch-site': 'same-site' }, own)).toBe(false);
    expect(sameOriginRequest({ origin: 'https://evil.example' }, own)).toBe(false);
    expect(sameOriginRequest({ origin: 'null' }, own)).toBe(false);
    expect(sameOriginRequest({ origin: 'null', 'sec-fetch-site': 'cross-site' }, own)).toBe(false);
    // Chromium under Referrer-Policy: no-referrer: the browser's own header vouches for the post.
    expect(sameOriginRequest({ origin: 'null', 'sec-fetch-site': 'same-origin' }, own)).toBe(true);
  });
});

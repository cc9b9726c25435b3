import { describe, expect, it } from '@jest/globals';
import { allLocal, matchesRegisteredRedirectUri, redirectTarget } from './redirect-uri.js';

describe('matchesRegisteredRedirectUri', () => {
  it('compares exactly', () => {
    const registered = ['https://app.example/cb'];
    expect(matchesRegisteredRedirectUri('https://app.example/cb', registered)).toBe(true);
    for (const requested of [
      'https://app.example/cb/',
      'https://app.example/cb?x=1',
      'https://APP.example/cb',
      'https://app.example:8443/cb',
    ]) {
      expect({ requested, ok: matchesRegisteredRedirectUri(requested, registered) }).toEqual({
        requested,
        ok: false,
      });
    }
  });

  it('ignores only the port of a loopback http URI (RFC 8252 §7.3)', () => {
    const registered = ['http://localhost/callback', 'http://127.0.0.1:3000/cb?x=1'];
    expect(matchesRegisteredRedirectUri('http://localhost:49152/callback', registered)).toBe(true);
    expect(matchesRegisteredRedirectUri('http://127.0.0.1:1/cb?x=1', registered)).toBe(true);
    expect(matchesRegisteredRedirectUri('http://localhost:49152/other', registered)).toBe(false);
    expect(matchesRegisteredRedirectUri('http://127.0.0.1:49152/callback', registered)).toBe(false); // another host
    expect(matchesRegisteredRedirectUri('https://localhost:49152/callback', registered)).toBe(false); // another scheme
    expect(matchesRegisteredRedirectUri('http://127.0.0.1:1/cb?x=2', registered)).toBe(false);
    expect(matchesRegisteredRedirectUri('http://user@localhost:1/callback', registered)).toBe(false);
  });
});

describe('consent page helpers', () => {
  it('tells local-only clients apart and shows the redirect host', () => {
    expect(allLocal(['http://localhost/cb', 'com.example.app:/cb'])).toBe(true);
    expect(allLocal(['http://localhost/cb', 'https://app.example/cb'])).toBe(false);
    expect(redirectTarget('https://app.example:8443/cb?x')).toBe('app.example:8443');
    expect(redirectTarget('com.example.app:/cb')).toBe('com.example.app');
  });
});

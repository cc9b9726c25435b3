import { describe, expect, it } from '@jest/globals';
import { resolveIdentityProviders } from './identity-provider-options.js';

describe('resolveIdentityProviders', () => {
  it('fills the Google, GitHub and generic OpenID Connect presets', () => {
    const problems: string[] = [];
    const [google, github, corp] = resolveIdentityProviders(
      [
        { id: 'google', clientId: 'g', clientSecret: 'gs' },
        { id: 'github', clientId: 'h', clientSecret: 'hs' },
        { id: 'corp', issuer: 'https://login.corp.example/realms/x', clientId: 'c' },
      ],
      problems,
    );
    expect(problems).toEqual([]);
    expect(google).toEqual({
      id: 'google',
      type: 'oidc',
      displayName: 'Google',
      clientId: 'g',
      clientSecret: 'gs',
      tokenEndpointAuthMethod: 'client_secret_basic',
      issuer: 'https://accounts.google.com',
      scopes: ['openid', 'email', 'profile'],
      authorizationParams: {},
      allowUnverifiedEmail: false,
      github: null,
      allowInsecureRequests: false,
    });
    expect(github).toMatchObject({
      type: 'github',
      displayName: 'GitHub',
      tokenEndpointAuthMethod: 'client_secret_post',
      issuer: null,
      scopes: ['read:user', 'user:email'],
      github: {
        authorizationEndpoint: 'https://github.com/login/oauth/authorize',
        tokenEndpoint: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
    });
    expect(corp).toMatchObject({ type: 'oidc', displayName: 'corp', clientSecret: null });
  });

  it('lists every problem', () => {
    const problems: string[] = [];
    const resolved = resolveIdentityProviders(
      [
        { id: 'passphrase', clientId: 'x', issuer: 'https://a.example' },
        { id: 'corp', clientId: '', issuer: 'http://idp.example' },
        { id: 'corp2', clientId: 'x' },
        { id: 'gh', type: 'github', clientId: 'x', issuer: 'https://github.com', apiUrl: 'ftp://x' },
        {
          id: 'oidc',
          clientId: 'x',
          issuer: 'https://a.example',
          scopes: ['email'],
          tokenEndpoint: 'https://t',
        },
        {
          id: 'params',
          clientId: 'x',
          issuer: 'https://a.example',
          authorizationParams: { state: 'x', prompt: 1 },
        },
        { id: 'google', clientId: 'x' },
        { id: 'google', clientId: 'y' },
      ] as never,
      problems,
    );
    expect(problems).toEqual([
      'identity.providers[0].id must be 1-32 of a-z, 0-9, - and _ (and not "passphrase")',
      'identity.providers[1].clientId is required',
      'identity.providers[1].issuer must be an https URL (http only with allowInsecureRequests)',
      'identity.providers[2].issuer must be an https URL (http only with allowInsecureRequests)',
      'identity.providers[3].issuer is for OpenID Connect providers, not github',
      'identity.providers[3].apiUrl must be an https URL (http only with allowInsecureRequests)',
      'identity.providers[4].tokenEndpoint is for github; OpenID Connect providers are discovered from issuer',
      'identity.providers[4].scopes must include openid (an OpenID Connect sign-in)',
      'identity.providers[5].authorizationParams must map parameter names to strings',
      'identity.providers[7].id "google" is used twice',
    ]);
    expect(resolved.map((p) => p.id)).toEqual(['google']);
  });

  it('takes http URLs only with allowInsecureRequests, and refuses reserved authorization parameters', () => {
    const problems: string[] = [];
    const [dev] = resolveIdentityProviders(
      [{ id: 'dev', issuer: 'http://127.0.0.1:8080', clientId: 'x', allowInsecureRequests: true }],
      problems,
    );
    expect(problems).toEqual([]);
    expect(dev.allowInsecureRequests).toBe(true);
    resolveIdentityProviders(
      [
        {
          id: 'p',
          issuer: 'https://a.example',
          clientId: 'x',
          authorizationParams: { nonce: 'n', hd: 'x.example' },
        },
      ],
      problems,
    );
    expect(problems).toEqual([
      'identity.providers[0].authorizationParams cannot set nonce (the sign-in sets them)',
    ]);
  });
});

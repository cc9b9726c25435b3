import { describe, expect, it } from '@jest/globals';
import type { ActorRecord } from '../storage/actor.repository.js';
import type { TrustCredential, TrustRepository } from '../storage/trust.repository.js';
import {
  BearerTokenChain,
  bearerTokenChainProvider,
  hasTrusteeEntropy,
  TrusteePassphraseResolver,
  TrustSecretResolver,
} from './bearer-token-chain.js';
import type { BearerTokenResolver } from './bearer-token-resolver.js';
import { CredentialResolver } from './credential-resolver.service.js';
import { IssuedAccessTokens, type IssuedTokenBinding } from './issued-access-tokens.js';

const actor: ActorRecord = {
  id: 'a1',
  creator: 'me@example.com',
  passphrase: 'pass-word',
  trusteeRoot: null,
  createdAt: '',
};
const trusts = {
  findCredential: async (actorId: string, secret: string): Promise<TrustCredential | null> =>
    actorId === 'a1' && secret === 'trust-secret'
      ? { peerId: 'p1', relationship: 'friend', approved: true }
      : null,
} as unknown as TrustRepository;
const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');

/** The chain as the module assembles it: the application's resolver (if any), trustee passphrase, trust secrets. */
const credentials = (application?: BearerTokenResolver) =>
  new CredentialResolver(
    new BearerTokenChain(
      [application, new TrusteePassphraseResolver(), new TrustSecretResolver(trusts)].filter(
        (r): r is BearerTokenResolver => r !== undefined,
      ),
    ),
  );

describe('CredentialResolver', () => {
  const resolver = credentials();

  it('treats a missing header as anonymous', async () => {
    await expect(Promise.resolve().then(() => resolver.resolve(actor, undefined))).resolves.toEqual({
      kind: 'anonymous',
    });
    await expect(Promise.resolve().then(() => resolver.resolve(actor, '  '))).resolves.toEqual({
      kind: 'anonymous',
    });
  });

  it('accepts the creator over Basic (passphrases may contain colons)', async () => {
    await expect(
      Promise.resolve().then(() => resolver.resolve(actor, basic('me@example.com', 'pass-word'))),
    ).resolves.toEqual({
      kind: 'creator',
    });
    const colon = { ...actor, passphrase: 'a:b:c' };
    await expect(
      Promise.resolve().then(() => resolver.resolve(colon, basic('me@example.com', 'a:b:c'))),
    ).resolves.toEqual({
      kind: 'creator',
    });
  });

  it.each([
    basic('me@example.com', 'nope'),
    basic('you@example.com', 'pass-word'),
    'Basic',
    'Bearer unknown',
    'Token x',
  ])('answers 403 for %s', async (header) => {
    await expect(Promise.resolve().then(() => resolver.resolve(actor, header))).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('resolves trust secrets to a peer', async () => {
    await expect(
      Promise.resolve().then(() => resolver.resolve(actor, 'Bearer trust-secret')),
    ).resolves.toEqual({
      kind: 'peer',
      peerId: 'p1',
      relationship: 'friend',
      approved: true,
    });
  });

  it('asks the pluggable token resolver first', async () => {
    const oauth: BearerTokenResolver = {
      resolve: async (_a, token) => (token === 'oauth-token' ? { kind: 'creator' } : null),
    };
    const withOAuth = credentials(oauth);
    await expect(
      Promise.resolve().then(() => withOAuth.resolve(actor, 'Bearer oauth-token')),
    ).resolves.toEqual({ kind: 'creator' });
    await expect(
      Promise.resolve().then(() => withOAuth.resolve(actor, 'Bearer trust-secret')),
    ).resolves.toMatchObject({ kind: 'peer' });
  });

  it('accepts a strong trustee passphrase as Bearer only for a trustee-managed actor', async () => {
    const passphrase = 'x'.repeat(13);
    const managed = { ...actor, creator: 'trustee', passphrase, trusteeRoot: 'https://trustee.example/t1' };
    await expect(
      Promise.resolve().then(() => resolver.resolve(managed, `Bearer ${passphrase}`)),
    ).resolves.toEqual({ kind: 'trustee' });
    for (const notManaged of [
      { ...managed, trusteeRoot: null },
      { ...managed, creator: 'someone' },
    ]) {
      await expect(
        Promise.resolve().then(() => resolver.resolve(notManaged, `Bearer ${passphrase}`)),
      ).rejects.toMatchObject({ statusCode: 403 });
    }
  });

  it('requires > 80 bits of entropy for trustee passphrases', () => {
    expect(hasTrusteeEntropy('x'.repeat(12))).toBe(false);
    expect(hasTrusteeEntropy('x'.repeat(13))).toBe(true);
  });

  describe("the library's own tokens (front of the chain)", () => {
    /** Issued tokens as identity provides them: `awat_` when on, nothing when off. */
    class Issued extends IssuedAccessTokens {
      constructor(private readonly on: boolean) {
        super();
      }
      recognizes(token: string): boolean {
        return this.on && token.startsWith('awat_');
      }
      verify(): Promise<IssuedTokenBinding | null> {
        return Promise.resolve({ actorId: 'a1', caller: { kind: 'creator' } });
      }
    }
    const asked: string[] = [];
    const application: BearerTokenResolver = {
      resolve: async (_a, token) => (asked.push(token), { kind: 'creator' }),
    };
    const assembled = (issued: IssuedAccessTokens) =>
      new CredentialResolver(
        bearerTokenChainProvider.useFactory(
          issued,
          application,
          new TrusteePassphraseResolver(),
          new TrustSecretResolver(trusts),
        ) as BearerTokenChain,
      );

    it('refuses them on actor routes (403) before the application resolver can claim them', async () => {
      asked.length = 0;
      await expect(
        Promise.resolve().then(() => assembled(new Issued(true)).resolve(actor, 'Bearer awat_x')),
      ).rejects.toMatchObject({ statusCode: 403, message: expect.stringMatching(/only at MCP endpoints/) });
      expect(asked).toEqual([]);
      await expect(
        Promise.resolve().then(() => assembled(new Issued(true)).resolve(actor, 'Bearer mine')),
      ).resolves.toEqual({ kind: 'creator' });
      expect(asked).toEqual(['mine']);
    });

    it('passes every token on while identity is off', async () => {
      asked.length = 0;
      await expect(
        Promise.resolve().then(() => assembled(new Issued(false)).resolve(actor, 'Bearer awat_x')),
      ).resolves.toEqual({ kind: 'creator' });
      expect(asked).toEqual(['awat_x']);
    });
  });
});

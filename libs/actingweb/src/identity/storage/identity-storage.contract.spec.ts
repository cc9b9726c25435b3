import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/aw-config.js';
import { testStorages } from '../../testing/internal/test-storage.js';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import { ActorRepository } from '../../storage/actor.repository.js';
import { TrustRepository } from '../../storage/trust.repository.js';
import { ConsentRepository, type ConsentWrite } from './consent.repository.js';
import { LoginSessionRepository } from './login-session.repository.js';
import { OAuthClientRepository } from './oauth-client.repository.js';
import { OAuthGrantRepository } from './oauth-grant.repository.js';
import { ProviderLoginRepository, type LoginState } from './provider-login.repository.js';

/** The identity repositories, one contract on every backend (SQLite; PostgreSQL with TEST_DATABASE_URL). */
describe.each(testStorages())('identity storage contract on $name', (backend) => {
  let database: ActingWebDatabase;
  let actors: ActorRepository;
  let trusts: TrustRepository;
  let grants: OAuthGrantRepository;
  let consents: ConsentRepository;
  let sessions: LoginSessionRepository;
  let clients: OAuthClientRepository;
  let providerLogins: ProviderLoginRepository;
  let cleanup: () => Promise<void>;
  let counter = 0;

  beforeAll(async () => {
    const created = await backend.create();
    cleanup = created.cleanup;
    database = new ActingWebDatabase(
      resolveConfig({
        type: 'urn:actingweb:test:contract',
        baseUrl: 'http://localhost/',
        storage: created.options,
      }),
    );
    await database.migrate();
    actors = new ActorRepository(database);
    trusts = new TrustRepository(database);
    grants = new OAuthGrantRepository(database);
    consents = new ConsentRepository(database, grants);
    sessions = new LoginSessionRepository(database);
    clients = new OAuthClientRepository(database);
    providerLogins = new ProviderLoginRepository(database);
  });
  afterAll(async () => {
    await database.onApplicationShutdown();
    await cleanup();
  });

  async function newActor(): Promise<string> {
    const id = `actor${++counter}`;
    await actors.insert({
      id,
      creator: `${id}@example.com`,
      passphrase: 'p'.repeat(40),
      trusteeRoot: null,
      createdAt: new Date().toISOString(),
    });
    return id;
  }

  /** A consent with a code, plus one access and one refresh token. */
  async function consent(
    actorId: string,
    clientId = 'awc_c',
  ): Promise<ConsentWrite & { access: string; refresh: string }> {
    const n = ++counter;
    const write: ConsentWrite = {
      actorId,
      peerId: `oauth2_client:someone:${clientId}`,
      relationship: 'mcp_client',
      loginName: 'someone@example.com',
      clientId,
      clientName: 'Client',
      grant: {
        id: `grant${n}`,
        actorId,
        trustPeerId: `oauth2_client:someone:${clientId}`,
        clientId,
        scope: 'mcp',
        resource: null,
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
      },
      code: {
        codeHash: `code${n}`,
        redirectUri: 'http://localhost/cb',
        codeChallenge: 'c'.repeat(43),
        resource: null,
        expiresAt: Date.now() + 60_000,
      },
    };
    await consents.write(write);
    await grants.insertTokens(
      write.grant.id,
      { hash: `access${n}`, expiresAt: Date.now() + 60_000 },
      { hash: `refresh${n}`, expiresAt: Date.now() + 60_000 },
    );
    return { ...write, access: `access${n}`, refresh: `refresh${n}` };
  }

  it('writes a consent as an approved OAuth trust and resolves its access token through it in one lookup', async () => {
    const actorId = await newActor();
    const written = await consent(actorId);
    const trust = await trusts.get(actorId, written.peerId);
    expect(trust).toMatchObject({
      relationship: 'mcp_client',
      approved: true,
      peerApproved: true,
      peerType: 'mcp',
      establishedVia: 'oauth2_client',
    });
    expect(await grants.findAccessToken(written.access)).toMatchObject({
      grantId: written.grant.id,
      actorId,
      peerId: written.peerId,
      relationship: 'mcp_client',
      approved: true,
    });
    // A second consent for the same client updates the trust and adds a grant.
    const again = await consent(actorId);
    expect(again.peerId).toBe(written.peerId);
    expect((await grants.grantsOfActor(actorId)).length).toBe(2);
  });

  it('deletes grants, codes and tokens with their trust, and everything with the actor', async () => {
    const actorId = await newActor();
    const written = await consent(actorId);
    expect(await trusts.delete(actorId, written.peerId)).toBe(true);
    expect(await grants.findAccessToken(written.access)).toBeNull();
    expect(await grants.findRefreshToken(written.refresh)).toBeNull();
    expect(await grants.findCode(written.code.codeHash)).toBeNull();

    const other = await newActor();
    const second = await consent(other);
    const now = Date.now();
    await sessions.insert({
      idHash: `s${other}`,
      actorId: other,
      loginName: 'x',
      method: 'passphrase',
      csrfSecret: 'k',
      createdAt: now,
      expiresAt: now + 1000,
      lastSeenAt: now,
    });
    await actors.delete(other);
    expect(await grants.findAccessToken(second.access)).toBeNull();
    expect(await sessions.find(`s${other}`)).toBeNull();
  });

  it('claims a code and a refresh token once (compare-and-set)', async () => {
    const written = await consent(await newActor());
    const results = await Promise.all([
      grants.claimCode(written.code.codeHash, 1),
      grants.claimCode(written.code.codeHash, 2),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await grants.findCode(written.code.codeHash))?.usedAt).not.toBeNull();
    const refresh = await Promise.all([
      grants.claimRefreshToken(written.refresh, 1),
      grants.claimRefreshToken(written.refresh, 2),
    ]);
    expect(refresh.filter(Boolean)).toHaveLength(1);
  });

  it('hands out a pending authorization once, and drops it with its session', async () => {
    const actorId = await newActor();
    const now = Date.now();
    await sessions.insert({
      idHash: 'sess-p',
      actorId,
      loginName: 'x',
      method: 'passphrase',
      csrfSecret: 'k',
      createdAt: now,
      expiresAt: now + 10_000,
      lastSeenAt: now,
    });
    const pending = {
      idHash: 'pend-1',
      sessionIdHash: 'sess-p',
      actorId,
      clientId: 'awc_c',
      redirectUri: 'http://localhost/cb',
      state: null,
      codeChallenge: 'c'.repeat(43),
      resource: null,
      scope: 'mcp',
      expiresAt: now + 10_000,
    };
    await sessions.insertPending(pending);
    const taken = await Promise.all([sessions.takePending('pend-1'), sessions.takePending('pend-1')]);
    expect(taken.filter((t) => t !== null)).toEqual([pending]);
    await sessions.insertPending({ ...pending, idHash: 'pend-2' });
    await sessions.delete('sess-p');
    expect(await sessions.takePending('pend-2')).toBeNull();
  });

  it('purges expired tokens and sessions, and registrations nobody used', async () => {
    const actorId = await newActor();
    const written = await consent(actorId, 'awc_used');
    await database.db
      .updateTable('oauth_access_tokens')
      .set({ expires_at: 1 })
      .where('token_hash', '=', written.access)
      .execute();
    await grants.purgeExpired(Date.now());
    expect(
      await database.db
        .selectFrom('oauth_access_tokens')
        .select('token_hash')
        .where('token_hash', '=', written.access)
        .executeTakeFirst(),
    ).toBeUndefined();
    expect(await grants.findRefreshToken(written.refresh)).not.toBeNull();

    const old = new Date(Date.now() - 2 * 86_400_000).toISOString();
    for (const clientId of ['awc_used', 'awc_unused']) {
      await clients.save({
        clientId,
        kind: 'dcr',
        clientName: clientId,
        redirectUris: ['http://localhost/cb'],
        authMethod: 'none',
        secretHash: null,
        metadata: {},
        createdAt: old,
        refreshAfter: null,
      });
    }
    expect(await clients.deleteUnusedRegistrations(new Date(Date.now() - 86_400_000).toISOString())).toBe(1);
    expect(await clients.find('awc_used')).not.toBeNull();
    expect(await clients.find('awc_unused')).toBeNull();

    const now = Date.now();
    await sessions.insert({
      idHash: 'idle',
      actorId,
      loginName: 'x',
      method: 'passphrase',
      csrfSecret: 'k',
      createdAt: now,
      expiresAt: now + 10_000,
      lastSeenAt: now - 50_000,
    });
    await sessions.insert({
      idHash: 'live',
      actorId,
      loginName: 'x',
      method: 'passphrase',
      csrfSecret: 'k',
      createdAt: now,
      expiresAt: now + 10_000,
      lastSeenAt: now,
    });
    await sessions.purgeExpired(now, now - 10_000);
    expect(await sessions.find('idle')).toBeNull();
    expect(await sessions.find('live')).not.toBeNull();
  });

  it('hands out a provider sign-in state once, and purges expired ones', async () => {
    const state: LoginState = {
      stateHash: 'state-1',
      browserHash: 'browser-1',
      provider: 'google',
      nonce: 'n',
      codeVerifier: 'v'.repeat(43),
      returnTo: 'oauth/login',
      actorId: null,
      expiresAt: Date.now() + 10_000,
    };
    await providerLogins.insertState(state);
    const taken = await Promise.all([
      providerLogins.takeState('state-1'),
      providerLogins.takeState('state-1'),
    ]);
    expect(taken.filter((t) => t !== null)).toEqual([state]);
    await providerLogins.insertState({ ...state, stateHash: 'state-old', expiresAt: 1 });
    await providerLogins.insertState({ ...state, stateHash: 'state-live', actorId: 'someone', nonce: null });
    await providerLogins.purgeExpiredStates(Date.now());
    expect(await providerLogins.takeState('state-old')).toBeNull();
    expect(await providerLogins.takeState('state-live')).toMatchObject({ actorId: 'someone', nonce: null });
  });

  it('records an identity per provider account, moves it with the email, and deletes it with the actor', async () => {
    const first = await newActor();
    const second = await newActor();
    await providerLogins.recordSignIn({
      provider: 'github',
      subject: '42',
      email: 'a@example.com',
      actorId: first,
    });
    const recorded = await providerLogins.findIdentity('github', '42');
    expect(recorded).toMatchObject({
      provider: 'github',
      subject: '42',
      email: 'a@example.com',
      actorId: first,
    });
    expect(recorded!.createdAt).toBe(recorded!.lastLoginAt);
    await providerLogins.recordSignIn({
      provider: 'google',
      subject: '42',
      email: 'a@example.com',
      actorId: first,
    });
    await providerLogins.recordSignIn({
      provider: 'github',
      subject: '42',
      email: 'b@example.com',
      actorId: second,
    });
    expect(await providerLogins.findIdentity('github', '42')).toMatchObject({
      email: 'b@example.com',
      actorId: second,
      createdAt: recorded!.createdAt,
    });
    expect((await providerLogins.identitiesOf(first)).map((i) => i.provider)).toEqual(['google']);
    await actors.delete(first);
    expect(await providerLogins.findIdentity('google', '42')).toBeNull();
    expect(await providerLogins.findIdentity('github', '42')).not.toBeNull();
  });
});

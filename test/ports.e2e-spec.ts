import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import {
  type AccessRule,
  AccessRules,
  ActingWebModule,
  type ActorRecord,
  BearerTokenResolver,
  type Caller,
  DEFAULT_ACCESS_RULES,
  type McpTokenBinding,
  McpTokenResolver,
  type StorageOptions,
} from '@actingweb/nestjs';
import { call, startApp, STORAGES, type TestServer } from './support/test-app.js';
import { bearer, newActor, type TestActor } from './support/subscriptions.js';
import {
  createActor,
  identityServerOptions,
  mcpToolsList,
  obtainTokens,
  registerClient,
  type TestActor as IdentityTestActor,
} from './support/identity-fixtures.js';
import { TestBrowser } from './support/oauth-browser.js';

/*
 * The ports are the application's: every implementation here lives in this
 * file's own modules, outside the library, and reaches the library only
 * through the options of ActingWebModule.forRoot()/forRootAsync().
 */

/** The application's token store: which actor each of its tokens opens. */
@Injectable()
class TokenStore {
  private readonly tokens = new Map<string, string>();

  issue(token: string, actorId: string): void {
    this.tokens.set(token, actorId);
  }

  actorOf(token: string): string | undefined {
    return this.tokens.get(token);
  }
}

@Module({ providers: [TokenStore], exports: [TokenStore] })
class TokensModule {}

/** The application's settings, for the factories of forRootAsync to inject. */
@Injectable()
class AppSettings {
  readonly publicPrefix = 'public';
}

@Module({ providers: [AppSettings], exports: [AppSettings] })
class SettingsModule {}

/** Bearer tokens of the application's own (say, its OAuth server): the creator of the token's actor. */
@Injectable()
class AppBearerTokens extends BearerTokenResolver {
  constructor(@Inject(TokenStore) private readonly store: TokenStore) {
    super();
  }

  async resolve(actor: ActorRecord, token: string): Promise<Caller | null> {
    return this.store.actorOf(token) === actor.id ? { kind: 'creator' } : null;
  }
}

/** Root `/mcp` tokens of the application: bound to the token's actor, as its creator. */
@Injectable()
class AppMcpTokens extends McpTokenResolver {
  constructor(@Inject(TokenStore) private readonly store: TokenStore) {
    super();
  }

  async resolve(token: string): Promise<McpTokenBinding | null> {
    const actorId = this.store.actorOf(token);
    return actorId ? { actorId, caller: { kind: 'creator' } } : null;
  }
}

/** Rules of the application's own: anyone may read an actor's properties, then the defaults. */
class OpenPropertiesRules extends AccessRules {
  readonly rules: readonly AccessRule[] = [
    { roles: ['anyone'], path: 'properties', methods: ['GET'] },
    ...DEFAULT_ACCESS_RULES,
  ];
}

const TYPE = 'urn:actingweb:test.example:ports';
const APP_TOKEN = 'app-token-0123456789';
const MCP_TOKEN = 'app-mcp-token-0123456789';
/** An application token that happens to carry the prefix of the library's own access tokens. */
const PREFIXED_TOKEN = 'awat_app-token-0123456789';

/** forRoot: a value, a class (its dependency from `extraProviders`), and a list of rules. */
function withForRoot(storage: StorageOptions) {
  const store = new TokenStore();
  return (url: string) => [
    ActingWebModule.forRoot({
      type: TYPE,
      baseUrl: url,
      storage,
      bearerTokenResolver: new AppBearerTokens(store),
      mcpTokenResolver: { useClass: AppMcpTokens },
      extraProviders: [{ provide: TokenStore, useValue: store }],
      accessRules: [{ roles: ['anyone'], path: 'properties', methods: ['GET'] }, ...DEFAULT_ACCESS_RULES],
    }),
  ];
}

/** forRootAsync: a class and factories injecting the application's own modules. */
function withForRootAsync(storage: StorageOptions) {
  return (url: string) => [
    TokensModule,
    ActingWebModule.forRootAsync({
      imports: [TokensModule, SettingsModule],
      inject: [AppSettings],
      useFactory: (settings: AppSettings) => ({
        type: TYPE,
        baseUrl: url,
        storage,
        description: `Actor {id}, ${settings.publicPrefix}`,
      }),
      bearerTokenResolver: { useClass: AppBearerTokens },
      mcpTokenResolver: {
        useFactory: (store: TokenStore) => new AppMcpTokens(store),
        inject: [TokenStore],
      },
      accessRules: { useClass: OpenPropertiesRules },
    }),
  ];
}

/** No ports: what the application's tokens and the open rule get without them. */
function withoutPorts(storage: StorageOptions) {
  return (url: string) => [ActingWebModule.forRoot({ type: TYPE, baseUrl: url, storage })];
}

const mcpCall = (server: TestServer, token: string) =>
  call(`${server.url}mcp`, {
    method: 'POST',
    headers: { ...bearer(token), accept: 'application/json, text/event-stream' },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });

describe.each(STORAGES)('ports on $name', (storage) => {
  describe.each([
    ['forRoot', withForRoot],
    ['forRootAsync', withForRootAsync],
  ] as const)('supplied with %s', (_how, modules) => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let actor: TestActor;

    beforeAll(async () => {
      const created = await storage.create();
      cleanup = created.cleanup;
      server = await startApp(modules(created.options));
      actor = await newActor(server);
      await call(`${actor.url}/properties/greeting`, { method: 'PUT', headers: actor.auth, raw: 'hello' });
      server.app.get(TokenStore).issue(APP_TOKEN, actor.id);
      server.app.get(TokenStore).issue(MCP_TOKEN, actor.id);
      server.app.get(TokenStore).issue(PREFIXED_TOKEN, actor.id);
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    it("authenticates the application's Bearer tokens with its resolver", async () => {
      const res = await call(`${actor.url}/properties/greeting`, { headers: bearer(APP_TOKEN) });
      expect(res.status).toBe(200);
      expect(res.text).toBe('hello');
      // The actor root is the creator's: the resolver made the caller the creator.
      expect((await call(actor.url, { headers: bearer(APP_TOKEN) })).status).toBe(200);
    });

    it('still refuses tokens no resolver knows, and opens no other actor with the token', async () => {
      expect((await call(actor.url, { headers: bearer('nobody-knows-this') })).status).toBe(403);
      const other = await newActor(server, 'other@example.com');
      expect((await call(other.url, { headers: bearer(APP_TOKEN) })).status).toBe(403);
    });

    it("applies the application's access rules: anyone may read properties", async () => {
      const res = await call(`${actor.url}/properties/greeting`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('hello');
      // Only reading was opened; writing still needs credentials.
      const write = await call(`${actor.url}/properties/greeting`, { method: 'PUT', raw: 'changed' });
      expect(write.status).toBe(401);
    });

    it("binds root /mcp tokens with the application's MCP token resolver", async () => {
      const res = await mcpCall(server, MCP_TOKEN);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ jsonrpc: '2.0', id: 1, result: { tools: expect.any(Array) } });
      expect((await mcpCall(server, 'nobody-knows-this')).status).toBe(401);
    });

    it("passes tokens with the library's prefix to the application while identity is off", async () => {
      expect(
        (await call(`${actor.url}/properties/greeting`, { headers: bearer(PREFIXED_TOKEN) })).status,
      ).toBe(200);
      expect((await mcpCall(server, PREFIXED_TOKEN)).status).toBe(200);
    });
  });

  describe('next to identity', () => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let actor: IdentityTestActor;
    let actorUrl: string;

    beforeAll(async () => {
      const created = await storage.create();
      cleanup = created.cleanup;
      const store = new TokenStore();
      server = await startApp((url) => [
        ActingWebModule.forRoot({
          type: TYPE,
          baseUrl: url,
          storage: created.options,
          ...identityServerOptions(),
          bearerTokenResolver: new AppBearerTokens(store),
          mcpTokenResolver: new AppMcpTokens(store),
        }),
      ]);
      actor = await createActor(server, 'me@example.com');
      actorUrl = server.url + actor.id;
      store.issue(APP_TOKEN, actor.id);
      store.issue(MCP_TOKEN, actor.id);
      store.issue(PREFIXED_TOKEN, actor.id);
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    it("keeps the library's own tokens from the application's resolvers: 403 on actor routes, 401 at /mcp", async () => {
      expect((await call(`${actorUrl}/properties`, { headers: bearer(PREFIXED_TOKEN) })).status).toBe(403);
      expect((await mcpCall(server, PREFIXED_TOKEN)).status).toBe(401);
      // The application's other tokens still reach its resolvers.
      expect((await call(`${actorUrl}/properties`, { headers: bearer(APP_TOKEN) })).status).toBe(200);
      expect((await mcpCall(server, MCP_TOKEN)).status).toBe(200);
    });

    it('opens the MCP endpoints, and nothing else, with an access token the library issued', async () => {
      const redirectUri = 'http://127.0.0.1:8123/callback';
      const registered = await registerClient(server, {
        client_name: 'Ports test client',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
      });
      const { access } = await obtainTokens(
        server,
        new TestBrowser(server.url),
        { clientId: registered.client_id, redirectUri },
        actor,
      );
      expect((await mcpToolsList(`${actorUrl}/mcp`, access)).status).toBe(200);
      expect((await mcpCall(server, access)).status).toBe(200);
      expect((await call(`${actorUrl}/properties`, { headers: bearer(access) })).status).toBe(403);
    });
  });

  describe('without ports', () => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    let actor: TestActor;

    beforeAll(async () => {
      const created = await storage.create();
      cleanup = created.cleanup;
      server = await startApp(withoutPorts(created.options));
      actor = await newActor(server);
    });
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    it('keeps the defaults: unknown Bearer tokens 403, anonymous property reads 401, /mcp tokens 401', async () => {
      expect((await call(`${actor.url}/properties`, { headers: bearer(APP_TOKEN) })).status).toBe(403);
      expect((await call(`${actor.url}/properties`)).status).toBe(401);
      expect((await mcpCall(server, MCP_TOKEN)).status).toBe(401);
    });
  });
});

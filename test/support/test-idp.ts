import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { freePort } from './test-app.js';

/** An account of the test identity provider. */
export interface TestIdpAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The account the next sign-in logs in as (no form: the interaction logs it in at once). */
  signInAs(account: TestIdpAccount): void;
  /**
   * The next `count` UserInfo requests (the last provider call of a sign-in)
   * are held until all of them have arrived, then answered together: sign-ins
   * finishing at once reach the server's next step together.
   */
  holdUserInfo(count: number): void;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider on loopback (`oidc-provider`, certified): discovery,
 * authorization with PKCE required, token endpoint (client_secret_basic),
 * signed ID tokens with `nonce`, JWKS, UserInfo with `email` and
 * `email_verified`. One static client whose redirect URI is the server's
 * `<root>oauth/callback`. The login interaction logs in the account set with
 * {@link TestIdp.signInAs} without a form, and consent is implied, so a
 * scripted browser that follows redirects completes a sign-in.
 *
 * The issuer's port is chosen first ({@link reserveIdpIssuer}) so the
 * server can be configured with it before the provider, which needs the
 * server's redirect URI, starts.
 */
export async function startTestIdp(issuer: string, redirectUri: string): Promise<TestIdp> {
  const clientId = 'aw-test';
  const clientSecret = 'aw-test-secret-0123456789';
  let current: TestIdpAccount = { sub: 'nobody' };
  const accounts = new Map<string, TestIdpAccount>();
  let held: { count: number; waiting: Array<() => void> } | null = null;

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-idp-1', alg: 'RS256', use: 'sig' };
  const ttl = () => 600;

  // oidc-provider warns on import under Node 20 and about its in-memory store; neither matters here.
  const { default: Provider } = await quietly(() => import('oidc-provider'));
  const provider = await quietly(
    async () =>
      new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_basic',
          },
        ],
        jwks: { keys: [signingKey] },
        cookies: { keys: ['test-idp-cookie-key'] },
        features: { devInteractions: { enabled: false } },
        interactions: {
          url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
        },
        pkce: { required: () => true },
        claims: { openid: ['sub'], email: ['email', 'email_verified'] },
        ttl: {
          AccessToken: ttl,
          AuthorizationCode: ttl,
          Grant: ttl,
          IdToken: ttl,
          Interaction: ttl,
          Session: ttl,
        },
        findAccount: (_ctx: unknown, sub: string) => {
          const account = accounts.get(sub);
          return account && { accountId: sub, claims: () => ({ ...account }) };
        },
        // Consent is implied: every sign-in gets the OpenID scopes it asked for.
        loadExistingGrant: async (ctx: any) => {
          const grant = new ctx.oidc.provider.Grant({
            clientId: ctx.oidc.client.clientId,
            accountId: ctx.oidc.session.accountId,
          });
          grant.addOIDCScope('openid email profile');
          await grant.save();
          return grant;
        },
      }),
  );
  const handle = provider.callback();

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void (async () => {
        await provider.interactionDetails(req, res);
        accounts.set(current.sub, current);
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: current.sub } },
          { mergeWithLastSubmission: false },
        );
      })().catch((err: unknown) => {
        res.writeHead(500).end(String(err));
      });
      return;
    }
    if (held && req.url === '/me') {
      const barrier = held;
      barrier.waiting.push(() => void handle(req, res));
      if (barrier.waiting.length === barrier.count) {
        held = null;
        for (const release of barrier.waiting) release();
      }
      return;
    }
    void handle(req, res);
  });
  const port = Number(new URL(issuer).port);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (account) => {
      current = account;
    },
    holdUserInfo: (count) => {
      held = { count, waiting: [] };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free loopback port for the test provider, as its issuer URL. */
export async function reserveIdpIssuer(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const { warn, info } = console;
  console.warn = () => undefined;
  console.info = () => undefined;
  try {
    return await fn();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** A GitHub account as the fake serves it. */
export interface FakeGitHubAccount {
  id: number;
  login: string;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The provider options of the `github` preset pointed at this fake. */
  providerOptions(): Record<string, unknown>;
  /** The account the next authorization signs in as. */
  signInAs(account: FakeGitHubAccount): void;
  /** The next authorization answers `error=access_denied` (the person pressed Cancel). */
  denyNext(): void;
  /** Requests received, as `METHOD /path`. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * GitHub's OAuth web flow and user APIs, just enough to sign in: the
 * authorization endpoint redirects at once with a code (PKCE S256 recorded);
 * the token endpoint checks client credentials, code, redirect URI and the
 * verifier and answers like GitHub (JSON for `Accept: application/json`,
 * errors with status 200); `/user` and `/user/emails` need the token.
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const clientId = 'Iv1.fakegithub';
  const clientSecret = 'fake-github-secret-0123456789';
  const codes = new Map<
    string,
    { account: FakeGitHubAccount; redirectUri: string; challenge: string | null }
  >();
  const tokens = new Map<string, FakeGitHubAccount>();
  const requests: string[] = [];
  let current: FakeGitHubAccount = { id: 1, login: 'nobody', emails: [] };
  let deny = false;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      requests.push(`${req.method} ${url.pathname}`);
      const json = (status: number, body: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
          .end(JSON.stringify(body));

      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
        const state = url.searchParams.get('state');
        if (url.searchParams.get('client_id') !== clientId) return json(404, { error: 'unknown client' });
        if (deny) {
          deny = false;
          redirect.searchParams.set('error', 'access_denied');
          redirect.searchParams.set('error_description', 'The user has denied your application access.');
        } else {
          const code = randomBytes(10).toString('hex');
          codes.set(code, {
            account: current,
            redirectUri: url.searchParams.get('redirect_uri')!,
            challenge:
              url.searchParams.get('code_challenge_method') === 'S256'
                ? url.searchParams.get('code_challenge')
                : null,
          });
          redirect.searchParams.set('code', code);
        }
        if (state !== null) redirect.searchParams.set('state', state);
        return res.writeHead(302, { location: redirect.href }).end();
      }

      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await body(req));
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret)
          return json(200, { error: 'incorrect_client_credentials' });
        if (
          !grant ||
          grant.redirectUri !== form.get('redirect_uri') ||
          (grant.challenge !== null &&
            createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        )
          return json(200, {
            error: 'bad_verification_code',
            error_description: 'The code passed is incorrect or expired.',
          });
        const token = `gho_${randomBytes(16).toString('hex')}`;
        tokens.set(token, grant.account);
        return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      }

      const account = tokens.get((req.headers.authorization ?? '').replace(/^(bearer|token) /i, ''));
      if (req.method === 'GET' && (url.pathname === '/api/user' || url.pathname === '/api/user/emails')) {
        if (!account) return json(401, { message: 'Bad credentials' });
        if (!req.headers['user-agent']) return json(403, { message: 'User-Agent required' });
        if (url.pathname === '/api/user')
          return json(200, { id: account.id, login: account.login, name: `The ${account.login}` });
        return json(
          200,
          account.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })),
        );
      }
      json(404, { message: 'Not Found' });
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    clientId,
    clientSecret,
    providerOptions: () => ({
      id: 'github',
      clientId,
      clientSecret,
      authorizationEndpoint: `${url}/login/oauth/authorize`,
      tokenEndpoint: `${url}/login/oauth/access_token`,
      apiUrl: `${url}/api`,
      allowInsecureRequests: true,
    }),
    signInAs: (account) => {
      current = account;
    },
    denyNext: () => {
      deny = true;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';

/** Test-only TLS material for `localhost` / `127.0.0.1` (see tls/README.md). */
export const TEST_TLS = {
  cert: readFileSync(fileURLToPath(new URL('./tls/localhost.cert.pem', import.meta.url)), 'utf8'),
  key: readFileSync(fileURLToPath(new URL('./tls/localhost.key.pem', import.meta.url)), 'utf8'),
};

export interface BrowserResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The `Location` header, resolved against the request URL. */
  location: URL | null;
}

/**
 * A scripted browser: keeps cookies, never follows redirects by itself,
 * sends what a browser sends on same-origin form posts (`Origin`,
 * `Sec-Fetch-Site`). Reads forms out of the identity pages.
 */
export class TestBrowser {
  /** Cookies per origin (the server's, an identity provider's, ...). */
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(readonly root: string) {}

  /** The server's cookies. */
  get cookies(): Map<string, string> {
    return this.jar(new URL(this.root).origin);
  }

  /** The cookies of one origin. */
  jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async get(url: string | URL, headers: Record<string, string> = {}): Promise<BrowserResponse> {
    return this.send(url, { method: 'GET', headers });
  }

  async post(
    url: string | URL,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<BrowserResponse> {
    return this.send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(this.root).origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
  }

  /** Signs in with an actor id (or creator) and passphrase through the login page. */
  async signIn(actor: string, passphrase: string, returnTo?: string): Promise<BrowserResponse> {
    const page = await this.get(
      `${this.root}oauth/login${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`,
    );
    const form = formFields(page.text, 'oauth/login/passphrase');
    return this.post(`${this.root}oauth/login/passphrase`, { ...form, actor, passphrase });
  }

  /**
   * Presses "Continue with <provider>" on the sign-in page (`loginPage`, e.g.
   * where `/oauth/authorize` sent the browser) and follows the redirects
   * through the provider; returns the callback URL the provider sends the
   * browser back to, not yet visited.
   */
  async startProviderSignIn(
    provider: string,
    loginPage: string | URL = `${this.root}oauth/login`,
  ): Promise<URL> {
    const page = await this.get(loginPage);
    if (page.status !== 200) throw new Error(`sign-in page answered ${page.status}: ${page.text}`);
    const form = formFields(page.text, `oauth/login/${provider}`);
    let res = await this.post(`${this.root}oauth/login/${provider}`, form);
    for (let hops = 0; hops < 10; hops++) {
      if ((res.status !== 302 && res.status !== 303) || !res.location)
        throw new Error(`provider sign-in stopped at ${res.status}: ${res.text}`);
      if (res.location.href.startsWith(`${this.root}oauth/callback`)) return res.location;
      res = await this.get(res.location);
    }
    throw new Error('too many redirects during the provider sign-in');
  }

  /** A whole provider sign-in: {@link startProviderSignIn}, then the callback; returns the callback's answer. */
  async signInWithProvider(provider: string, loginPage?: string | URL): Promise<BrowserResponse> {
    return this.get(await this.startProviderSignIn(provider, loginPage));
  }

  /**
   * Goes through an authorization request as a person would: opens it, signs
   * in when sent to the login page (with `credentials`), submits the consent
   * form with `decision`; returns where the server redirects back to the client.
   */
  async authorize(
    url: string | URL,
    options: {
      credentials?: { actor: string; passphrase: string };
      /** Sign in with this identity provider instead of a passphrase. */
      provider?: string;
      decision?: 'allow' | 'deny';
      trustType?: string;
    } = {},
  ): Promise<URL> {
    let page = await this.get(url);
    if (page.status === 302 && page.location?.pathname.endsWith('/oauth/login')) {
      if (!options.credentials && !options.provider)
        throw new Error('authorization asked for a sign-in, and no credentials were given');
      const returnTo = page.location.searchParams.get('return_to') ?? '';
      const signedIn = options.provider
        ? await this.signInWithProvider(options.provider, page.location)
        : await this.signIn(options.credentials!.actor, options.credentials!.passphrase, returnTo);
      if (signedIn.status !== 302 || !signedIn.location)
        throw new Error(`sign-in failed: ${signedIn.status} ${signedIn.text}`);
      page = await this.get(signedIn.location);
    }
    if (page.status === 302 && page.location) return page.location; // an error redirect to the client
    if (page.status !== 200) throw new Error(`authorization page answered ${page.status}: ${page.text}`);
    const form = formFields(page.text, 'oauth/authorize');
    const answer = await this.post(`${this.root}oauth/authorize`, {
      ...form,
      decision: options.decision ?? 'allow',
      ...(options.trustType && { trust_type: options.trustType }),
    });
    if (answer.status !== 302 || !answer.location)
      throw new Error(`consent answered ${answer.status}: ${answer.text}`);
    return answer.location;
  }

  private async send(
    url: string | URL,
    init: RequestInit & { headers: Record<string, string> },
  ): Promise<BrowserResponse> {
    const target = new URL(url);
    const jar = this.jar(target.origin);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(target, {
      ...init,
      headers: { ...(cookie && { cookie }), ...init.headers },
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      text: await response.text(),
      location: location ? new URL(location, target) : null,
    };
  }
}

/** The hidden fields of the form posting to `actionSuffix` in an HTML page. */
export function formFields(html: string, actionSuffix: string): Record<string, string> {
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) =>
    new RegExp(`action="[^"]*${actionSuffix.replace(/[/.]/g, '\\$&')}"`).test(f),
  );
  if (!form) throw new Error(`no form posting to ${actionSuffix} in:\n${html}`);
  const fields: Record<string, string> = {};
  for (const match of form
    .split('</form>')[0]
    .matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]] = decodeHtml(match[2]);
  }
  return fields;
}

function decodeHtml(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/**
 * The test's OAuthClientProvider for the official MCP SDK clients (v1 and v2
 * accept the same shape): in-memory storage; `redirectToAuthorization` has
 * the {@link TestBrowser} go through sign-in and consent and keeps the
 * redirect back (`callback`), from which the test finishes the flow.
 */
export class TestOAuthProvider implements OAuthClientProvider {
  client?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier?: string;
  callback?: URL;
  discovery?: unknown;
  registrations = 0;
  authorizations = 0;

  constructor(
    private readonly browser: TestBrowser,
    private readonly options: {
      redirectUrl: string;
      /** Passphrase sign-in; or `provider`: sign in with that identity provider. */
      credentials?: { actor: string; passphrase: string };
      provider?: string;
      clientMetadataUrl?: string;
      clientName?: string;
    },
  ) {}

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadataUrl(): string | undefined {
    return this.options.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.options.clientName ?? 'Test MCP client',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.registrations++;
    this.client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizations++;
    this.callback = await this.browser.authorize(url, {
      credentials: this.options.credentials,
      provider: this.options.provider,
    });
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }

  saveDiscoveryState(state: unknown): void {
    this.discovery = state;
  }

  discoveryState(): never {
    return this.discovery as never;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
    if (scope === 'all' || scope === 'client') this.client = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'verifier') this.verifier = undefined;
  }
}

/** An https server on loopback serving Client ID Metadata Documents; counts fetches per path. */
export interface MetadataDocumentServer {
  readonly port: number;
  /** `https://localhost:<port><path>`. */
  url(path: string): string;
  /** Serves `body` (JSON) at `path`, with optional extra headers. */
  serve(path: string, body: unknown, headers?: Record<string, string>): void;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startMetadataDocumentServer(): Promise<MetadataDocumentServer> {
  const documents = new Map<string, { body: string; headers: Record<string, string> }>();
  const hits = new Map<string, number>();
  const server: HttpsServer = createHttpsServer({ key: TEST_TLS.key, cert: TEST_TLS.cert }, (req, res) => {
    const path = new URL(req.url ?? '/', 'https://localhost').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const doc = documents.get(path);
    if (!doc) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', ...doc.headers }).end(doc.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (path) => `https://localhost:${port}${path}`,
    serve: (path, body, headers = {}) =>
      documents.set(path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers }),
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

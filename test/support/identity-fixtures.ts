import { createHash, randomBytes } from 'node:crypto';
import type { ActingWebModuleOptions } from '@actingweb/nestjs';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { TEST_TLS, type TestBrowser } from './oauth-browser.js';
import { call, type TestServer } from './test-app.js';

/**
 * Server options for the identity suites: identity on, and the
 * outgoing-request policy that lets the server fetch metadata documents
 * from the test's https server on `localhost` only (loopback by IP literal
 * stays refused, so the refusal is observable on the same server).
 */
export function identityServerOptions(
  extra: Partial<ActingWebModuleOptions> = {},
): Partial<ActingWebModuleOptions> {
  return {
    peers: { allowBaseUrlClass: false, allowedHosts: ['localhost'] },
    ...extra,
    identity: {
      // The suites sign in and register far more often than a person would.
      rateLimits: { login: { max: 1000, windowSeconds: 60 }, registration: { max: 1000, windowSeconds: 60 } },
      ...extra.identity,
      mcp: { ...extra.identity?.mcp, clientMetadataDocuments: { ca: [TEST_TLS.cert] } },
    },
  };
}

export interface TestActor {
  id: string;
  creator: string;
  passphrase: string;
}

export async function createActor(server: TestServer, creator: string): Promise<TestActor> {
  const res = await call(server.url, { method: 'POST', body: { creator } });
  if (res.status !== 201) throw new Error(`actor creation answered ${res.status}`);
  return { id: res.json.id, creator, passphrase: res.json.passphrase };
}

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Registers a client dynamically (RFC 7591); returns the response body. */
export async function registerClient(server: TestServer, metadata: Record<string, unknown>): Promise<any> {
  const res = await call(`${server.url}oauth/register`, { method: 'POST', body: metadata });
  if (res.status !== 201) throw new Error(`registration answered ${res.status} ${res.text}`);
  return res.json;
}

/** `/oauth/authorize?...` for a client. */
export function authorizeUrl(
  server: TestServer,
  params: {
    clientId: string;
    redirectUri: string;
    challenge: string;
    resource?: string;
    state?: string;
    extra?: Record<string, string>;
  },
): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    code_challenge: params.challenge,
    code_challenge_method: 'S256',
    state: params.state ?? randomBytes(8).toString('hex'),
    ...(params.resource !== undefined && { resource: params.resource }),
    ...params.extra,
  });
  return `${server.url}oauth/authorize?${query}`;
}

/** POST to the token endpoint (form-encoded), optionally with Basic client credentials. */
export async function tokenRequest(
  server: TestServer,
  form: Record<string, string>,
  basic?: { id: string; secret: string },
): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await call(`${server.url}oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic && {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`,
      }),
    },
    raw: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, json: res.json };
}

/**
 * The whole code flow for a public client: authorize through the browser
 * (sign-in + consent), then redeem the code. Returns the tokens and the redirect.
 */
export async function obtainTokens(
  server: TestServer,
  browser: TestBrowser,
  client: { clientId: string; redirectUri: string },
  actor: TestActor,
  options: { resource?: string } = {},
): Promise<{ access: string; refresh: string; callback: URL; verifier: string }> {
  const { verifier, challenge } = pkce();
  const callback = await browser.authorize(
    authorizeUrl(server, { ...client, challenge, resource: options.resource }),
    {
      credentials: { actor: actor.id, passphrase: actor.passphrase },
    },
  );
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback.href}`);
  const token = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: client.redirectUri,
    client_id: client.clientId,
    ...(options.resource !== undefined && { resource: options.resource }),
  });
  if (token.status !== 200)
    throw new Error(`token endpoint answered ${token.status} ${JSON.stringify(token.json)}`);
  return { access: token.json.access_token, refresh: token.json.refresh_token, callback, verifier };
}

/** One MCP `tools/list` with a Bearer token; the status and body. */
export async function mcpToolsList(
  url: string,
  token: string,
): Promise<{ status: number; headers: Headers; json: any }> {
  const res = await call(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-11-25' },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
  });
  return { status: res.status, headers: res.headers, json: res.json };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Runs SQL against the server's own database (to age tokens, read rows). */
export function database(server: TestServer): ActingWebDatabase {
  return server.app.get(ActingWebDatabase);
}

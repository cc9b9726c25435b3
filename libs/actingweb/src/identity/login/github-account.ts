import * as oidc from 'openid-client';
import type { ProviderAccount } from './provider-clients.js';

interface GitHubUser {
  id?: unknown;
  login?: unknown;
  name?: unknown;
}

interface GitHubEmail {
  email?: unknown;
  primary?: unknown;
  verified?: unknown;
}

/**
 * The GitHub account behind an access token: `GET /user` (the numeric id is
 * the subject) and `GET /user/emails`, whose **primary** address is the
 * account's email, verified only when GitHub says so. A verified secondary
 * address does not stand in for an unverified primary one: the primary is
 * the one address the person chose, so an account with several always maps
 * to the same actor (`docs/identity.md#provider-sign-in`).
 */
export async function gitHubAccount(
  config: oidc.Configuration,
  apiUrl: string,
  accessToken: string,
): Promise<ProviderAccount> {
  const user = (await getJson(config, accessToken, `${apiUrl}/user`)) as GitHubUser;
  const emails = await getJson(config, accessToken, `${apiUrl}/user/emails`);
  if (
    typeof user !== 'object' ||
    user === null ||
    (typeof user.id !== 'number' && typeof user.id !== 'string') ||
    !Array.isArray(emails)
  ) {
    throw new Error('GitHub answered /user or /user/emails with an unexpected shape');
  }
  const primary = (emails as GitHubEmail[]).find((e) => e?.primary === true && typeof e.email === 'string');
  const email = primary ? (primary.email as string) : null;
  const emailVerified = primary?.verified === true;
  const subject = String(user.id);
  return {
    subject,
    email,
    emailVerified,
    claims: {
      sub: subject,
      login: typeof user.login === 'string' ? user.login : undefined,
      name: typeof user.name === 'string' ? user.name : undefined,
      email,
      email_verified: emailVerified,
    },
  };
}

async function getJson(config: oidc.Configuration, accessToken: string, url: string): Promise<unknown> {
  const response = await oidc.fetchProtectedResource(
    config,
    accessToken,
    new URL(url),
    'GET',
    undefined,
    new Headers({
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      // GitHub's API refuses requests without a User-Agent.
      'user-agent': 'ActingWeb',
    }),
  );
  if (response.status !== 200) throw new Error(`GitHub answered ${url} with ${response.status}`);
  return response.json();
}

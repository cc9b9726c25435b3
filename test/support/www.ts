import { expect } from '@jest/globals';
import { formFields, TestBrowser, type BrowserResponse } from './oauth-browser.js';
import { newActor, type NewActorBody, type TestActor } from './actors.js';
import type { TestServer } from './test-app.js';

/** An actor created over HTTP, with everything needed to reach its console. */
export interface ConsoleActor extends TestActor {
  /** `<root><id>/www` */
  readonly console: string;
}

export async function consoleActor(
  server: TestServer,
  creator = 'owner@example.com',
  extra: Omit<Exclude<NewActorBody, string>, 'creator'> = {},
): Promise<ConsoleActor> {
  const actor = await newActor(server, { creator, ...extra });
  return { ...actor, console: `${actor.url}/www` };
}

/** A scripted browser signed in to `actor`'s console (passphrase sign-in; needs `identity`). */
export async function signedIn(server: TestServer, actor: ConsoleActor): Promise<TestBrowser> {
  const browser = new TestBrowser(server.url);
  const res = await browser.signIn(actor.id, actor.passphrase, `${actor.id}/www`);
  expect(res.status).toBe(302);
  expect(res.location?.href).toBe(actor.console);
  return browser;
}

/**
 * Opens `page`, fills the form that posts to `action` (its hidden fields,
 * the CSRF token among them, plus `fields`) and submits it, as a person would.
 */
export async function submit(
  browser: TestBrowser,
  page: string,
  action: string,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<BrowserResponse> {
  const opened = await browser.get(page, headers);
  expect(opened.status).toBe(200);
  return browser.post(action, { ...formFields(opened.text, action), ...fields }, headers);
}

/** The text of the page's `role="alert"` (error) or `role="status"` (notice) paragraph. */
export function message(html: string, role: 'alert' | 'status'): string | null {
  const match = new RegExp(`<p class="[^"]*" role="${role}">([^<]*)</p>`).exec(html);
  return match ? decode(match[1]) : null;
}

/** The value of the textarea or input with this id, as the page shows it. */
export function fieldValue(html: string, id: string): string | null {
  const textarea = new RegExp(`<textarea id="${id}"[^>]*>([^<]*)</textarea>`).exec(html);
  if (textarea) return decode(textarea[1]);
  const input = new RegExp(`<input id="${id}"[^>]*value="([^"]*)"`).exec(html);
  return input ? decode(input[1]) : null;
}

function decode(text: string): string {
  return text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** The console's pages an owner opens (relative to the console), for the access tests. */
export const CONSOLE_PAGES = ['', '/properties', '/trust', '/subscriptions', '/clients', '/methods'] as const;

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { ActingWebConfigError, WwwPage, type WwwPageContext, type WwwPageResult } from '@actingweb/nestjs';
import { formFields } from './support/oauth-browser.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';
import { consoleActor, signedIn, type ConsoleActor } from './support/www.js';

/** The application's own console pages: a note kept in a property, and a page per note. */
@Injectable()
class NotePages {
  @WwwPage('note', { title: 'Note' })
  async note(ctx: WwwPageContext): Promise<WwwPageResult> {
    if (ctx.method === 'POST') {
      await ctx.actor.properties.set('note', ctx.form.text ?? '');
      return { redirect: 'note?saved=1' };
    }
    return {
      template: 'note',
      data: { note: (await ctx.actor.properties.get('note')) ?? '', saved: ctx.query.saved === '1' },
    };
  }

  @WwwPage('note/:version', { title: 'Old note' })
  version(ctx: WwwPageContext): WwwPageResult {
    return { template: 'note', data: { note: `version ${ctx.params.version}`, saved: false }, status: 200 };
  }

  @WwwPage('away', { nav: false })
  away(): WwwPageResult {
    return { redirect: 'https://elsewhere.example/' };
  }
}

const NOTE_TEMPLATE = `<h1>Your note</h1>
<% if (it.saved) { %><p class="notice" role="status">Saved.</p><% } %>
<p class="app-note"><%= it.note %></p>
<form method="post" action="<%= it.consoleUrl %>/note" class="stack">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="text">Note</label>
<textarea id="text" name="text"></textarea>
<button type="submit">Save</button>
</form>`;

function templatesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'aw-www-templates-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Applications restyle the console (templates and CSS from `www.templatesDir`)
 * and add pages (`@WwwPage`), which get the same owner check and CSRF check as
 * the console's own.
 */
describe.each(STORAGES)('owner console extended by the application on $name', (storage) => {
  let server: TestServer;
  let owner: ConsoleActor;

  beforeAll(async () => {
    const dir = templatesDir({
      'overview.eta': '<h1>Welcome, <%= it.actor.creator %></h1>',
      'note.eta': NOTE_TEMPLATE,
      'console.css': '.app-note{font-style:italic}',
    });
    server = await startFreshServer(
      storage,
      { identity: {}, www: { templatesDir: dir, title: 'Notes & more' } },
      { providers: [NotePages] },
    );
    owner = await consoleActor(server, '<b>owner</b>');
  });
  afterAll(() => server.close());

  it('renders the application’s templates in place of the console’s, and its styles in the one style sheet', async () => {
    const browser = await signedIn(server, owner);
    const overview = await browser.get(owner.console);
    expect(overview.status).toBe(200);
    expect(overview.text).toContain('<h1>Welcome, &lt;b&gt;owner&lt;/b&gt;</h1>');
    expect(overview.text).toContain('<title>Overview · Notes &amp; more</title>');
    expect(overview.text).toContain(`<li><a href="${owner.console}/note">Note</a></li>`);
    expect(overview.text).not.toContain('/away"'); // nav: false
    const css = await call(/href="([^"]+console\.css[^"]*)"/.exec(overview.text)![1]);
    expect(css.status).toBe(200);
    expect(css.text).toContain('.app-note{font-style:italic}');
    expect(css.text).toContain('body.console');
  });

  it('serves the application’s page to the owner only, and refuses its form without the token', async () => {
    const browser = await signedIn(server, owner);
    const page = await browser.get(`${owner.console}/note`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('aria-current="page">Note</a>');
    const form = formFields(page.text, `${owner.console}/note`);

    const noToken = await browser.post(`${owner.console}/note`, { text: 'no token' });
    expect(noToken.status).toBe(403);
    expect((await call(`${owner.url}/properties/note`, { headers: owner.auth })).status).toBe(404);

    const saved = await browser.post(`${owner.console}/note`, { ...form, text: '<i>remember</i>' });
    expect(saved.status).toBe(303);
    expect(saved.location?.href).toBe(`${owner.console}/note?saved=1`);
    const shown = await browser.get(saved.location!);
    expect(shown.text).toContain('<p class="app-note">&lt;i&gt;remember&lt;/i&gt;</p>');
    expect(shown.text).toContain('role="status">Saved.');

    expect((await browser.get(`${owner.console}/note/7`)).text).toContain('version 7');
    expect((await call(`${owner.console}/note`)).status).toBe(302); // to sign in
    const stranger = await consoleActor(server, 'stranger');
    expect((await call(`${owner.console}/note`, { headers: stranger.auth })).status).toBe(403);
  });

  it('refuses an application page’s redirect to another site (500, no Location)', async () => {
    const browser = await signedIn(server, owner);
    const res = await browser.get(`${owner.console}/away`);
    expect(res.status).toBe(500);
    expect(res.location).toBeNull();
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });
});

describe('console startup checks', () => {
  @Injectable()
  class Shadowing {
    @WwwPage('properties')
    page(): WwwPageResult {
      return { redirect: '' };
    }
  }

  it.each([
    [
      'a templates folder that does not exist',
      { www: { templatesDir: '/no/such/folder' } },
      [],
      /www.templatesDir must be an existing folder/,
    ],
    [
      'a template that does not compile',
      { www: { templatesDir: templatesDir({ 'overview.eta': '<% if ( %>' }) } },
      [],
      /overview.eta does not compile/,
    ],
    ['a page that takes a console page’s place', {}, [Shadowing], /"properties" is a console page/],
  ])('stop the start for %s', async (_label, options, providers, problem) => {
    const started = startFreshServer(STORAGES[0], options, { providers });
    await expect(started).rejects.toThrow(ActingWebConfigError);
    await expect(started).rejects.toThrow(problem);
  });
});

describe('console turned off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(STORAGES[0], { www: false });
  });
  afterAll(() => server.close());

  it('serves no console, no start page, and does not advertise www', async () => {
    const owner = await consoleActor(server);
    expect((await call(owner.console, { headers: owner.auth })).status).toBe(404);
    expect((await call(`${server.url}www`)).status).toBe(404);
    const root = await call(server.url, { headers: { accept: 'text/html' } });
    expect(root.status).toBe(200);
    expect(root.text).toContain('<form method="post"');
    const supported = await call(`${owner.url}/meta/actingweb/supported`);
    expect(supported.text.split(',')).not.toContain('www');
  });
});

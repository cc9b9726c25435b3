import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '@actingweb/nestjs';
import { createTestApp, type TestActor, type TestApp } from '@actingweb/nestjs/testing';
import { WELCOME } from '../notes/notes-lifecycle.hooks.js';
import { exampleApp, STORAGES } from './example-app.js';

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** `POST /<actor>/properties/notes` as the creator, as a client adds a note. */
async function postNote(actor: TestActor, body: unknown) {
  const res = await fetch(`${actor.url}/properties/notes`, {
    method: 'POST',
    headers: { authorization: actor.basicAuth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(STORAGES)('the notes app on $name: hooks', ({ storage }) => {
  let app: TestApp;
  let alice: TestActor;

  beforeAll(async () => {
    app = await createTestApp(exampleApp(storage));
    alice = await app.createActor({ creator: 'alice@example.com' });
  });
  afterAll(() => app.close());

  it('sets a new actor up (async actor_created hook): a welcome note, a described list, no peer copies', async () => {
    const notes = (await alice.getProperty('notes')) as Array<Record<string, unknown>>;
    expect(notes).toEqual([{ text: WELCOME, done: false, createdAt: expect.stringMatching(ISO_DATE) }]);
    expect(await alice.getProperty('notes', 'metadata')).toMatchObject({ description: 'My notes', count: 1 });
    expect(await alice.getProperty('peer_notes')).toEqual({});
  });

  it('normalises every note written over HTTP (sync property hook): trimmed, done false, stamped', async () => {
    const before = Date.now();
    expect(await postNote(alice, { text: '  buy milk \n', colour: 'red' })).toEqual({
      status: 201,
      body: { index: 1 },
    });
    const note = (await alice.getProperty('notes', '1')) as {
      text: string;
      done: boolean;
      createdAt: string;
    };
    expect(note).toEqual({ text: 'buy milk', done: false, createdAt: expect.stringMatching(ISO_DATE) });
    expect(Date.parse(note.createdAt)).toBeGreaterThanOrEqual(before - 1000);

    // A plain string is a note too.
    expect((await postNote(alice, 'call Bob')).status).toBe(201);
    expect(await alice.getProperty('notes', '2', 'text')).toBe('call Bob');
  });

  it('refuses a note without text, one that is too long, and writes inside a note, with a 400 that says why', async () => {
    expect(await postNote(alice, { text: '   ' })).toMatchObject({
      status: 400,
      body: { statusCode: 400, message: 'A note needs some text' },
    });
    expect(await postNote(alice, { text: 'x'.repeat(501) })).toMatchObject({
      status: 400,
      body: { message: 'A note is at most 500 characters (got 501)' },
    });
    expect(await postNote(alice, { title: 'no text' })).toMatchObject({ status: 400 });
    expect(await postNote(alice, { text: 'ok', done: 'yes' })).toMatchObject({
      status: 400,
      body: { message: '"done" is true or false' },
    });
    await expect(alice.setProperty(['notes', '1', 'text'], 'sneaky')).rejects.toThrow(
      /Write whole notes: PUT \/properties\/notes\/<index>/,
    );
    expect(((await alice.getProperty('notes')) as unknown[]).length).toBe(3);
  });

  it('keeps a note written back with its createdAt, and checks what trusted peers write too', async () => {
    const note = (await alice.getProperty('notes', '1')) as Record<string, unknown>;
    await alice.setProperty(['notes', '1'], { ...note, done: true });
    expect(await alice.getProperty('notes', '1')).toEqual({ ...note, done: true });

    const friend = await alice.addPeer('friend');
    await alice.as(friend).setProperty(['notes', '3'], { text: ' from a friend ' }); // index == length appends
    expect(await alice.getProperty('notes', '3')).toMatchObject({ text: 'from a friend', done: false });
    await expect(alice.as(friend).setProperty(['notes', '3'], { text: '' })).rejects.toThrow(BadRequestError);
  });

  it('searches the notes (async method hook), by POST and by GET', async () => {
    expect(await alice.callMethod('search', { query: 'MILK' })).toEqual({
      query: 'MILK',
      matches: [{ text: 'buy milk', done: true, createdAt: expect.stringMatching(ISO_DATE) }],
    });
    const byGet = (await alice.callMethod('search', { query: 'bob' }, { httpMethod: 'GET' })) as {
      matches: Array<{ text: string }>;
    };
    expect(byGet.matches.map((n) => n.text)).toEqual(['call Bob']);
    await expect(alice.callMethod('search', {})).rejects.toThrow('Send the words to look for as "query"');
    await expect(alice.as('anonymous').callMethod('search', { query: 'milk' })).rejects.toThrow(
      UnauthorizedError,
    );
  });

  it('archives the notes marked done (async action hook), for the creator but not for an associate', async () => {
    const associate = await alice.addPeer('associate');
    await expect(alice.as(associate).callAction('archive_done')).rejects.toThrow(ForbiddenError);

    expect(await alice.callAction('archive_done')).toEqual({ archived: 1, remaining: 3 });
    const texts = ((await alice.getProperty('notes')) as Array<{ text: string }>).map((n) => n.text);
    expect(texts).toEqual([WELCOME, 'call Bob', 'from a friend']);
    expect(await alice.getProperty('archived_notes')).toEqual([
      { text: 'buy milk', done: true, createdAt: expect.stringMatching(ISO_DATE) },
    ]);
    expect(await alice.callAction('archive_done')).toEqual({ archived: 0, remaining: 3 });
  });
});

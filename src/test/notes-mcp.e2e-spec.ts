import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestApp,
  McpCallError,
  type FakePeer,
  type TestActor,
  type TestApp,
} from '@actingweb/nestjs/testing';
import { WELCOME } from '../notes/notes-lifecycle.hooks.js';
import { exampleApp, STORAGES } from './example-app.js';

const names = (items: Array<{ name: string }>) => items.map((item) => item.name).sort();

describe.each(STORAGES)('the notes app on $name: MCP', ({ storage }) => {
  let app: TestApp;
  let alice: TestActor;
  let assistant: FakePeer;

  beforeAll(async () => {
    app = await createTestApp(exampleApp(storage));
    alice = await app.createActor({ creator: 'alice@example.com' });
    assistant = await alice.addMcpClient(); // an AI client connected with an mcp_client trust
  });
  afterAll(() => app.close());

  it('lists every tool to the creator, and to an assistant only those its trust type allows', async () => {
    expect(names(await alice.listTools())).toEqual(['add_note', 'archive_done', 'search_notes']);
    expect(names(await alice.as(assistant).listTools())).toEqual(['add_note', 'search_notes']);
  });

  it('lets an assistant add a note, checked by the property hook like any other write', async () => {
    const result = await alice.as(assistant).callTool('add_note', { text: '  book flights  ' });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({
      index: 1,
      note: { text: 'book flights', done: false, createdAt: expect.any(String) },
    });
    expect(await alice.getProperty('notes', '1', 'text')).toBe('book flights');

    // Whitespace passes the input schema; the property hook refuses it, and the model is told why.
    const blank = await alice.as(assistant).callTool('add_note', { text: '   ' });
    expect(blank).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'A note needs some text' }],
    });
    // An empty string does not even reach the hook.
    await expect(alice.as(assistant).callTool('add_note', { text: '' })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it('lets an assistant search, but not archive', async () => {
    const found = await alice.as(assistant).callTool('search_notes', { query: 'FLIGHT' });
    expect(found.structuredContent).toEqual({
      matches: [{ text: 'book flights', done: false, createdAt: expect.any(String) }],
    });
    const archive = alice.as(assistant).callTool('archive_done');
    await expect(archive).rejects.toThrow(McpCallError);
    await expect(archive).rejects.toMatchObject({ code: -32003 });
    // The creator may: nothing is done yet, so nothing moves.
    const byCreator = await alice.callTool('archive_done');
    expect(byCreator.isError).toBe(false);
    expect(JSON.parse(byCreator.content[0].text!)).toEqual({ archived: 0, remaining: 2 });
  });

  it('serves the summarize_notes prompt with the open notes in it', async () => {
    // The welcome note is done, so it is left out.
    await alice.setProperty(['notes', '0'], {
      ...((await alice.getProperty('notes', '0')) as object),
      done: true,
    });
    const prompt = await alice.as(assistant).mcp('prompts/get', {
      name: 'summarize_notes',
      arguments: { focus: 'travel' },
    });
    expect(prompt.messages).toEqual([
      {
        role: 'user',
        content: { type: 'text', text: 'Summarize these notes, focusing on travel:\n- book flights' },
      },
    ]);
    const listed = (await alice.as(assistant).mcp('prompts/list')).prompts as Array<{ name: string }>;
    expect(names(listed)).toEqual(['summarize_notes']);
  });

  it('serves every note as the notes://all resource', async () => {
    const read = await alice.as(assistant).mcp('resources/read', { uri: 'notes://all' });
    const [content] = read.contents as Array<{ uri: string; mimeType: string; text: string }>;
    expect(content).toMatchObject({ uri: 'notes://all', mimeType: 'application/json' });
    expect((JSON.parse(content.text) as Array<{ text: string }>).map((n) => n.text)).toEqual([
      WELCOME,
      'book flights',
    ]);
  });
});

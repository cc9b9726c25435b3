import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { ActionHook, McpTool, type ActionHookContext } from '@actingweb/nestjs';
import { createTestApp, McpCallError, type TestActor, type TestApp } from '@actingweb/nestjs/testing';

const NOTES = ['buy milk', 'call Bob', 'milk the cow'];

@Injectable()
class NoteTools {
  @ActionHook('search')
  @McpTool({
    description: 'Search the notes',
    inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    outputSchema: { type: 'object', properties: { matches: { type: 'array', items: { type: 'string' } } } },
  })
  search({ data }: ActionHookContext) {
    const { query } = data as { query: string };
    return { matches: NOTES.filter((note) => note.includes(query)) };
  }

  @ActionHook('delete_all_notes')
  @McpTool({ description: 'Delete every note' })
  async deleteAll() {
    return { deleted: NOTES.length };
  }
}

describe('MCP tools, filtered by trust permissions', () => {
  let app: TestApp;
  let alice: TestActor;

  beforeAll(async () => {
    app = await createTestApp({ providers: [NoteTools] });
    alice = await app.createActor({ creator: 'alice@example.com' });
  });
  afterAll(() => app.close());

  it('lists every tool to the creator', async () => {
    const tools = await alice.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['search', 'delete_all_notes']);
  });

  it('shows an MCP client only the tools its trust allows, and refuses the others', async () => {
    // The built-in mcp_client trust type allows `search` and denies `delete_*` tools.
    const assistant = await alice.addMcpClient();
    const tools = await alice.as(assistant).listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['search']);

    const result = await alice.as(assistant).callTool('search', { query: 'milk' });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({ matches: ['buy milk', 'milk the cow'] });

    const refused = alice.as(assistant).callTool('delete_all_notes');
    await expect(refused).rejects.toThrow(McpCallError);
    await expect(refused).rejects.toMatchObject({ code: -32003 });
  });

  it('validates arguments against the input schema before the hook runs', async () => {
    await expect(alice.callTool('search', { query: 42 })).rejects.toMatchObject({ code: -32602 });
  });
});

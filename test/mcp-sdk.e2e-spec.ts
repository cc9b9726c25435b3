import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  GetPromptResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { newActor, type TestActor } from './support/actors.js';
import { addTrust, McpFixtureHooks } from './support/mcp-fixtures.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

type Connected = { client: Client; close: () => Promise<void> };

/** Connects the official v1 SDK client (stateless streamable HTTP) with an Authorization header. */
async function connect(url: string, authorization?: string, userAgent?: string): Promise<Connected> {
  const client = new Client({ name: 'actingweb-e2e', version: '1.0.0' });
  const headers: Record<string, string> = {};
  if (authorization) headers.authorization = authorization;
  if (userAgent) headers['user-agent'] = userAgent;
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

const names = (items: Array<{ name: string }>) => items.map((i) => i.name).sort();

/** The MCP server driven by the official SDK clients, v1 and v2, in both protocol eras. */
describe.each(STORAGES)('MCP with the official SDK client on $name', (storage) => {
  let server: TestServer;
  let actor: TestActor & { creatorAuth: string };
  let other: TestActor & { creatorAuth: string };
  let mcpClient: { secret: string; peerId: string };
  let associate: { secret: string };
  let otherClient: { secret: string };
  const opened: Connected[] = [];

  async function open(url: string, authorization?: string, userAgent?: string): Promise<Client> {
    const c = await connect(url, authorization, userAgent);
    opened.push(c);
    return c.client;
  }

  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { mcp: { serverName: 'notes-mcp', instructions: 'Use search first.' } },
      { providers: [McpFixtureHooks] },
    );
    const create = async (creator: string) => {
      const created = await newActor(server, creator);
      return { ...created, creatorAuth: created.auth.authorization };
    };
    actor = await create('mcp@example.com');
    other = await create('other@example.com');
    mcpClient = await addTrust(server, actor.id, 'mcp_client');
    associate = await addTrust(server, actor.id, 'associate');
    otherClient = await addTrust(server, other.id, 'mcp_client');
  });
  afterAll(async () => {
    for (const c of opened) await c.close().catch(() => undefined);
    await server.close();
  });

  const actorUrl = () => `${server.url}${actor.id}/mcp`;

  describe('the creator with Basic credentials at /{actorId}/mcp', () => {
    let client: Client;
    beforeAll(async () => {
      client = await open(actorUrl(), actor.creatorAuth);
    });

    it('negotiates the latest version and reports the server', () => {
      expect(client.getServerVersion()).toMatchObject({ name: 'notes-mcp', version: '1.0' });
      expect(client.getInstructions()).toBe('Use search first.');
      expect(client.getServerCapabilities()).toEqual({
        tools: { listChanged: false },
        prompts: { listChanged: false },
        resources: { subscribe: false, listChanged: false },
      });
    });

    it('lists every tool, each with an inputSchema', async () => {
      const result = ListToolsResultSchema.parse(await client.listTools());
      expect(names(result.tools)).toEqual([
        'admin_reset',
        'crash_tool',
        'fail_tool',
        'get_weather',
        'list_notes',
        'search',
      ]);
      for (const tool of result.tools) expect(tool.inputSchema.type).toBe('object');
      const search = result.tools.find((t) => t.name === 'search')!;
      expect(search).toMatchObject({
        title: 'Search',
        description: 'Search notes',
        inputSchema: {
          type: 'object',
          properties: {
            query: { type: 'string', maxLength: 100 },
            limit: { type: 'integer', minimum: 1, maximum: 50 },
          },
          required: ['query'],
        },
      });
      expect(result.tools.find((t) => t.name === 'get_weather')).toMatchObject({
        outputSchema: { type: 'object' },
        annotations: { readOnlyHint: true },
      });
    });

    it('calls tools: JSON text, structuredContent from an outputSchema, MCP-shaped results', async () => {
      const search = CallToolResultSchema.parse(
        await client.callTool({ name: 'search', arguments: { query: 'oslo', limit: 1 } }),
      );
      expect(search.isError).toBe(false);
      expect(JSON.parse((search.content[0] as { text: string }).text)).toEqual({
        actor: actor.id,
        hits: ['oslo-1'],
      });
      expect(search.structuredContent).toBeUndefined();

      const weather = CallToolResultSchema.parse(
        await client.callTool({ name: 'get_weather', arguments: {} }),
      );
      expect(weather.structuredContent).toEqual({ temp: 21.5 });

      const notes = CallToolResultSchema.parse(await client.callTool({ name: 'list_notes' }));
      expect(notes).toMatchObject({
        content: [{ type: 'text', text: 'a, b' }],
        structuredContent: { notes: ['a', 'b'] },
      });
      expect(server.app.get(McpFixtureHooks).calls.at(-1)).toMatchObject({
        name: 'search',
        caller: 'creator',
      });
    });

    it('turns hook failures into isError results: a 4xx message is shown, internals are not', async () => {
      const locked = CallToolResultSchema.parse(await client.callTool({ name: 'fail_tool', arguments: {} }));
      expect(locked).toEqual({ content: [{ type: 'text', text: 'the note is locked' }], isError: true });
      const crashed = CallToolResultSchema.parse(
        await client.callTool({ name: 'crash_tool', arguments: {} }),
      );
      expect(crashed.isError).toBe(true);
      expect(JSON.stringify(crashed)).not.toContain('secret internal detail');
    });

    it('refuses arguments that do not match the input schema with -32602, naming the path', async () => {
      const calls = server.app.get(McpFixtureHooks).calls.length;
      await expect(client.callTool({ name: 'search', arguments: { limit: 500 } })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringContaining('Invalid arguments for tool search: /query is required'),
      });
      await expect(
        client.callTool({ name: 'search', arguments: { query: 'x', limit: 500 } }),
      ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('/limit must be <= 50') });
      expect(server.app.get(McpFixtureHooks).calls).toHaveLength(calls);
    });

    it('rejects an unknown tool with -32602', async () => {
      await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({ code: -32602 });
    });

    it('lists and gets prompts', async () => {
      const list = ListPromptsResultSchema.parse(await client.listPrompts());
      expect(list.prompts).toEqual([
        {
          name: 'summarize_notes',
          description: 'Summarize notes on a topic',
          arguments: [{ name: 'topic', description: 'What to summarize', required: true }],
        },
        { name: 'secret_prompt' },
      ]);
      const prompt = GetPromptResultSchema.parse(
        await client.getPrompt({ name: 'summarize_notes', arguments: { topic: 'travel' } }),
      );
      expect(prompt).toEqual({
        description: 'Summarize notes on a topic',
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize my notes about travel' } }],
      });
      const secret = GetPromptResultSchema.parse(await client.getPrompt({ name: 'secret_prompt' }));
      expect(secret.description).toBeUndefined();
      expect(secret.messages[0].content).toEqual({ type: 'text', text: 'secret' });
      await expect(client.getPrompt({ name: 'summarize_notes', arguments: {} })).rejects.toMatchObject({
        code: -32602,
      });
    });

    it('lists resources and templates, and reads them', async () => {
      const list = ListResourcesResultSchema.parse(await client.listResources());
      expect(list.resources.map((r) => r.uri)).toEqual([
        'notes://recent',
        'notes://item/{id}',
        'private/diary',
      ]);
      const templates = ListResourceTemplatesResultSchema.parse(await client.listResourceTemplates());
      expect(templates.resourceTemplates).toEqual([
        { uriTemplate: 'notes://item/{id}', name: 'One note', mimeType: 'text/plain' },
      ]);
      const recent = ReadResourceResultSchema.parse(await client.readResource({ uri: 'notes://recent' }));
      expect(recent.contents).toHaveLength(1);
      expect(recent.contents[0]).toMatchObject({ uri: 'notes://recent', mimeType: 'application/json' });
      expect(JSON.parse((recent.contents[0] as { text: string }).text)).toEqual({
        actor: actor.id,
        notes: ['a', 'b'],
      });
      const item = ReadResourceResultSchema.parse(await client.readResource({ uri: 'notes://item/42' }));
      expect(item.contents).toEqual([{ uri: 'notes://item/42', mimeType: 'text/plain', text: 'note 42' }]);
      await expect(client.readResource({ uri: 'notes://item/missing' })).rejects.toMatchObject({
        code: -32002,
      });
      await expect(client.readResource({ uri: 'nothing://here' })).rejects.toMatchObject({ code: -32002 });
    });

    it('answers ping', async () => {
      await expect(client.ping()).resolves.toEqual({});
    });
  });

  describe('an mcp_client trust with its Bearer secret', () => {
    for (const shape of ['per-actor', 'root'] as const) {
      describe(`at the ${shape} endpoint`, () => {
        let client: Client;
        beforeAll(async () => {
          const url = shape === 'root' ? `${server.url}mcp` : actorUrl();
          client = await open(url, `Bearer ${mcpClient.secret}`);
        });

        it('sees only the tools its permissions allow, and may call them', async () => {
          const tools = ListToolsResultSchema.parse(await client.listTools());
          expect(names(tools.tools)).toEqual(['get_weather', 'list_notes', 'search']);
          const result = CallToolResultSchema.parse(
            await client.callTool({ name: 'search', arguments: { query: 'q' } }),
          );
          expect(JSON.parse((result.content[0] as { text: string }).text)).toMatchObject({ actor: actor.id });
          expect(server.app.get(McpFixtureHooks).calls.at(-1)).toMatchObject({ caller: 'peer' });
        });

        it('is refused tools it may not use, listed or not (-32003)', async () => {
          for (const name of ['admin_reset', 'fail_tool', 'no_such_tool']) {
            await expect(client.callTool({ name, arguments: {} })).rejects.toMatchObject({ code: -32003 });
          }
        });

        it('gets only allowed prompts', async () => {
          const prompts = ListPromptsResultSchema.parse(await client.listPrompts());
          expect(names(prompts.prompts)).toEqual(['summarize_notes']);
          GetPromptResultSchema.parse(
            await client.getPrompt({ name: 'summarize_notes', arguments: { topic: 't' } }),
          );
          await expect(client.getPrompt({ name: 'secret_prompt' })).rejects.toMatchObject({ code: -32003 });
        });

        it('reads only allowed resources', async () => {
          const resources = ListResourcesResultSchema.parse(await client.listResources());
          expect(resources.resources.map((r) => r.uri)).toEqual(['notes://recent', 'notes://item/{id}']);
          ListResourceTemplatesResultSchema.parse(await client.listResourceTemplates());
          ReadResourceResultSchema.parse(await client.readResource({ uri: 'notes://item/7' }));
          await expect(client.readResource({ uri: 'private/diary' })).rejects.toMatchObject({ code: -32003 });
        });
      });
    }

    it('works with a trust set up over plain HTTP, as docs/mcp.md describes', async () => {
      const secret = 'a-long-random-secret-for-the-laptop-client-0123456789';
      const requested = await call(`${server.url}${actor.id}/trust/mcp_client`, {
        method: 'POST',
        body: {
          id: 'laptop-claude',
          baseuri: 'https://laptop-claude.invalid/',
          secret,
          desc: 'Claude on my laptop',
        },
      });
      expect(requested.status).toBe(202);
      // Pending: the secret opens nothing yet.
      await expect(connect(actorUrl(), `Bearer ${secret}`)).rejects.toMatchObject({ code: 403 });
      const approved = await call(`${server.url}${actor.id}/trust/mcp_client/laptop-claude`, {
        method: 'PUT',
        headers: { authorization: actor.creatorAuth },
        body: { approved: true },
      });
      expect(approved.status).toBe(204);
      const client = await open(`${server.url}mcp`, `Bearer ${secret}`);
      expect(names((await client.listTools()).tools)).toEqual(['get_weather', 'list_notes', 'search']);
    });

    it('follows a per-trust permission override (same evaluator as REST)', async () => {
      const trust = await addTrust(server, actor.id, 'mcp_client');
      const override = await call(`${actor.url}/trust/mcp_client/${trust.peerId}/permissions`, {
        method: 'PUT',
        headers: actor.auth,
        body: { tools: { allowed: ['fail_tool'], denied: ['search'] } },
      });
      expect(override.status).toBe(201);
      const client = await open(actorUrl(), `Bearer ${trust.secret}`);
      const tools = ListToolsResultSchema.parse(await client.listTools());
      expect(names(tools.tools)).toEqual(['fail_tool']);
      await expect(client.callTool({ name: 'search', arguments: { query: 'x' } })).rejects.toMatchObject({
        code: -32003,
      });
    });

    it('hides tools restricted to other client types (allowedClients)', async () => {
      const asClaude = await open(actorUrl(), actor.creatorAuth, 'Claude-User/1.0');
      expect(names((await asClaude.listTools()).tools)).toContain('get_claude_tip');
      const plain = await open(actorUrl(), actor.creatorAuth);
      expect(names((await plain.listTools()).tools)).not.toContain('get_claude_tip');
    });
  });

  describe('without permission', () => {
    it('an associate trust sees nothing and may call nothing', async () => {
      const client = await open(actorUrl(), `Bearer ${associate.secret}`);
      expect(ListToolsResultSchema.parse(await client.listTools()).tools).toEqual([]);
      expect(ListPromptsResultSchema.parse(await client.listPrompts()).prompts).toEqual([]);
      expect(ListResourcesResultSchema.parse(await client.listResources()).resources).toEqual([]);
      await expect(client.callTool({ name: 'search', arguments: { query: 'x' } })).rejects.toMatchObject({
        code: -32003,
      });
      await expect(client.readResource({ uri: 'notes://recent' })).rejects.toMatchObject({ code: -32003 });
    });

    it('an unauthenticated client connects but is refused with 401', async () => {
      for (const url of [actorUrl(), `${server.url}mcp`]) {
        const client = await open(url);
        await expect(client.listTools()).rejects.toMatchObject({ code: 401 });
      }
    });

    it("refuses one actor's credentials at another actor's URL (401)", async () => {
      for (const authorization of [`Bearer ${otherClient.secret}`, other.creatorAuth]) {
        await expect(connect(actorUrl(), authorization)).rejects.toMatchObject({ code: 401 });
      }
      // ...while the same token works at its own actor, and at the root.
      const own = await open(`${server.url}${other.id}/mcp`, `Bearer ${otherClient.secret}`);
      expect(names((await own.listTools()).tools)).toContain('search');
      const root = await open(`${server.url}mcp`, `Bearer ${otherClient.secret}`);
      const result = await root.callTool({ name: 'search', arguments: { query: 'r' } });
      expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).toMatchObject({
        actor: other.id,
      });
    });

    it('refuses Basic credentials at the root endpoint and unapproved trusts', async () => {
      await expect(connect(`${server.url}mcp`, actor.creatorAuth)).rejects.toMatchObject({ code: 401 });
      const pending = await addTrust(server, actor.id, 'mcp_client', { approved: false });
      await expect(connect(actorUrl(), `Bearer ${pending.secret}`)).rejects.toMatchObject({ code: 403 });
    });
  });

  describe('the v2 client package (@modelcontextprotocol/client)', () => {
    it('connects in legacy mode, lists and calls tools, prompts and resources', async () => {
      const client = new ClientV2({ name: 'actingweb-e2e-v2', version: '2.0.0' });
      const transport = new TransportV2(new URL(actorUrl()), {
        requestInit: { headers: { authorization: `Bearer ${mcpClient.secret}` } },
      });
      await client.connect(transport);
      try {
        const tools = ListToolsResultSchema.parse(await client.listTools());
        expect(names(tools.tools)).toEqual(['get_weather', 'list_notes', 'search']);
        const weather = CallToolResultSchema.parse(
          await client.callTool({ name: 'get_weather', arguments: {} }),
        );
        expect(weather.structuredContent).toEqual({ temp: 21.5 });
        GetPromptResultSchema.parse(
          await client.getPrompt({ name: 'summarize_notes', arguments: { topic: 'x' } }),
        );
        ReadResourceResultSchema.parse(await client.readResource({ uri: 'notes://recent' }));
      } finally {
        await client.close();
      }
    });
  });

  describe("the v2 client in 'auto' mode: the 2026-07-28 era", () => {
    const modern: ClientV2[] = [];
    afterAll(async () => {
      for (const c of modern) await c.close().catch(() => undefined);
    });

    async function openModern(url: string, authorization?: string, name = 'actingweb-e2e-modern') {
      const client = new ClientV2({ name, version: '2.0.0' }, { versionNegotiation: { mode: 'auto' } });
      const headers: Record<string, string> = authorization ? { authorization } : {};
      await client.connect(new TransportV2(new URL(url), { requestInit: { headers } }));
      modern.push(client);
      return client;
    }

    it('connects in the modern era (server/discover) and reports the server', async () => {
      const client = await openModern(actorUrl(), actor.creatorAuth);
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      expect(client.getServerVersion()).toMatchObject({ name: 'notes-mcp', version: '1.0' });
      expect(client.getInstructions()).toBe('Use search first.');
      expect(client.getServerCapabilities()).toEqual({
        tools: { listChanged: false },
        prompts: { listChanged: false },
        resources: { subscribe: false, listChanged: false },
      });
    });

    it('lists and calls tools, prompts and resources as the creator', async () => {
      const client = await openModern(actorUrl(), actor.creatorAuth);
      const tools = await client.listTools();
      expect(names(tools.tools)).toEqual([
        'admin_reset',
        'crash_tool',
        'fail_tool',
        'get_weather',
        'list_notes',
        'search',
      ]);
      const search = await client.callTool({ name: 'search', arguments: { query: 'oslo', limit: 1 } });
      expect(JSON.parse((search.content as Array<{ text: string }>)[0].text)).toEqual({
        actor: actor.id,
        hits: ['oslo-1'],
      });
      const weather = await client.callTool({ name: 'get_weather', arguments: {} });
      expect(weather.structuredContent).toEqual({ temp: 21.5 });
      await expect(client.callTool({ name: 'search', arguments: {} })).rejects.toMatchObject({
        code: -32602,
      });

      const prompt = await client.getPrompt({ name: 'summarize_notes', arguments: { topic: 'travel' } });
      expect(prompt.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Summarize my notes about travel' } },
      ]);
      expect(names((await client.listPrompts()).prompts)).toEqual(['secret_prompt', 'summarize_notes']);

      const resources = await client.listResources();
      expect(resources.resources.map((r) => r.uri)).toEqual([
        'notes://recent',
        'notes://item/{id}',
        'private/diary',
      ]);
      const templates = await client.listResourceTemplates();
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['notes://item/{id}']);
      const item = await client.readResource({ uri: 'notes://item/42' });
      expect(item.contents).toEqual([{ uri: 'notes://item/42', mimeType: 'text/plain', text: 'note 42' }]);
      // Resource not found is -32602 from 2026-07-28 on (-32002 before).
      await expect(client.readResource({ uri: 'notes://item/missing' })).rejects.toMatchObject({
        code: -32602,
      });
    });

    it('shows an mcp_client trust only what its permissions allow, at both endpoint shapes', async () => {
      for (const url of [actorUrl(), `${server.url}mcp`]) {
        const client = await openModern(url, `Bearer ${mcpClient.secret}`);
        expect(client.getProtocolEra()).toBe('modern');
        expect(names((await client.listTools()).tools)).toEqual(['get_weather', 'list_notes', 'search']);
        const result = await client.callTool({ name: 'search', arguments: { query: 'q' } });
        expect(JSON.parse((result.content as Array<{ text: string }>)[0].text)).toMatchObject({
          actor: actor.id,
        });
        await expect(client.callTool({ name: 'admin_reset', arguments: {} })).rejects.toMatchObject({
          code: -32003,
        });
        expect(names((await client.listPrompts()).prompts)).toEqual(['summarize_notes']);
        expect((await client.listResources()).resources.map((r) => r.uri)).toEqual([
          'notes://recent',
          'notes://item/{id}',
        ]);
        await expect(client.readResource({ uri: 'private/diary' })).rejects.toMatchObject({ code: -32003 });
      }
    });

    it('describes tools to the client family its clientInfo names', async () => {
      const claude = await openModern(actorUrl(), actor.creatorAuth, 'claude-desktop');
      expect(names((await claude.listTools()).tools)).toContain('get_claude_tip');
    });

    it('connects without credentials (discovery is public), then gets 401', async () => {
      const client = await openModern(actorUrl());
      expect(client.getProtocolEra()).toBe('modern');
      await expect(client.listTools()).rejects.toMatchObject({
        data: { status: 401 },
        message: expect.stringContaining('-32001'),
      });
    });
  });
});

describe('MCP disabled', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(
      STORAGES[0],
      { mcp: { enabled: false } },
      { providers: [McpFixtureHooks] },
    );
  });
  afterAll(() => server.close());

  it('serves no MCP routes and does not advertise the tag', async () => {
    const res = await call(server.url, { method: 'POST', body: { creator: 'x@example.com' } });
    const id = res.json.id as string;
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } };
    expect((await call(`${server.url}mcp`, { method: 'POST', body: init })).status).toBe(404);
    expect((await call(`${server.url}${id}/mcp`, { method: 'POST', body: init })).status).toBe(404);
    expect((await call(`${server.url}${id}/meta/actingweb/supported`)).text.split(',')).not.toContain('mcp');
  });
});

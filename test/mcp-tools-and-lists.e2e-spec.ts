import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
} from '@modelcontextprotocol/client';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ActingWebModule, McpPrompt, McpResource, McpTool } from '@actingweb/nestjs';
import { addTrust, McpExtraTools, McpFixtureHooks } from './support/mcp-fixtures.js';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** Two more prompts and templates, so every list has more than one page of two. */
@Injectable()
class MoreListItems {
  @McpPrompt({ name: 'summarize_week' })
  week() {
    return 'week';
  }

  @McpPrompt({ name: 'summarize_year' })
  year() {
    return 'year';
  }

  @McpResource({ uriTemplate: 'notes://tag/{tag}', name: 'Notes by tag' })
  tag() {
    return [];
  }

  @McpResource({ uriTemplate: 'notes://day/{day}', name: 'Notes of a day' })
  day() {
    return [];
  }
}

type Reply = { status: number; json: any };
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'lists-e2e', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

const ALL_TOOLS = [
  'search',
  'get_weather',
  'list_notes',
  'admin_reset',
  'fail_tool',
  'crash_tool',
  'get_counted',
  'get_region_rows',
  'get_widget',
  'get_greeting',
  'get_bad_weather',
  'get_unstructured',
];

/** Argument validation, pagination, per-client descriptions and the output check, in both eras. */
describe.each(STORAGES)('MCP tools and lists on $name', (storage) => {
  let server: TestServer;
  let url: string;
  let creatorAuth: string;
  let peerBearer: string;
  const clients: Array<{ close(): Promise<void> }> = [];

  /** One raw JSON-RPC call; `era` picks the legacy header or the 2026-07-28 envelope and headers. */
  async function rpc(
    era: 'legacy' | 'modern',
    method: string,
    params: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const modern = era === 'modern';
    const name = params.name ?? params.uri;
    return call(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: creatorAuth,
        'mcp-protocol-version': modern ? '2026-07-28' : '2025-11-25',
        ...(modern && { 'mcp-method': method, ...(typeof name === 'string' && { 'mcp-name': name }) }),
        ...headers,
      },
      raw: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method,
        params: modern ? { ...params, _meta: MODERN_META } : params,
      }),
    });
  }

  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { mcp: { pageSize: 2, cacheTtlMs: 60_000, developmentMode: true } },
      { providers: [McpFixtureHooks, McpExtraTools, MoreListItems] },
    );
    const actor = await newActor(server, 'lists@example.com');
    creatorAuth = actor.auth.authorization;
    url = `${actor.url}/mcp`;
    peerBearer = `Bearer ${(await addTrust(server, actor.id, 'mcp_client')).secret}`;
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await server.close();
  });

  describe.each(['legacy', 'modern'] as const)('arguments checked against inputSchema (%s era)', (era) => {
    it.each([
      ['a missing required property', {}, '/n is required'],
      ['a wrong type', { n: 'two' }, '/n must be integer'],
      ['a value out of range', { n: 0 }, '/n must be >= 1'],
      ['an array item of the wrong type', { n: 1, tags: ['a', 2] }, '/tags/1 must be string'],
      ['a property the schema forbids', { n: 1, extra: true }, '/extra is not allowed'],
    ])('%s is -32602 naming the path, and never reaches the hook', async (_label, args, detail) => {
      const tools = server.app.get(McpExtraTools);
      const before = tools.calls.length;
      const res = await rpc(era, 'tools/call', { name: 'get_counted', arguments: args });
      expect(res.status).toBe(200);
      expect(res.json.error).toMatchObject({
        code: -32602,
        message: `Invalid arguments for tool get_counted: ${detail}`,
        data: { path: detail.split(' ')[0] },
      });
      expect(tools.calls).toHaveLength(before);
    });

    it('runs the hook with valid arguments', async () => {
      const tools = server.app.get(McpExtraTools);
      const res = await rpc(era, 'tools/call', { name: 'get_counted', arguments: { n: 3, tags: ['a'] } });
      expect(res.json.result.content).toEqual([{ type: 'text', text: '{"counted":3}' }]);
      expect(tools.calls.at(-1)).toEqual({ name: 'get_counted', data: { n: 3, tags: ['a'] } });
    });
  });

  describe('pagination', () => {
    /** Every page of one list, following nextCursor; each page's size is recorded. */
    async function allPages(
      era: 'legacy' | 'modern',
      method: string,
      key: string,
      headers: Record<string, string> = {},
    ): Promise<{ items: string[]; sizes: number[] }> {
      const items: string[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const res = await rpc(era, method, cursor === undefined ? {} : { cursor }, headers);
        const page = res.json.result[key] as Array<Record<string, string>>;
        items.push(...page.map((i) => i.uriTemplate ?? i.uri ?? i.name));
        sizes.push(page.length);
        cursor = res.json.result.nextCursor;
      } while (cursor !== undefined);
      return { items, sizes };
    }

    it.each(['legacy', 'modern'] as const)(
      'pages tools, prompts, resources and templates by two, in registration order (%s era)',
      async (era) => {
        const tools = await allPages(era, 'tools/list', 'tools');
        expect(tools.items).toEqual(ALL_TOOLS);
        expect(tools.sizes).toEqual([2, 2, 2, 2, 2, 2]);
        const prompts = await allPages(era, 'prompts/list', 'prompts');
        expect(prompts.items).toEqual([
          'summarize_notes',
          'secret_prompt',
          'summarize_week',
          'summarize_year',
        ]);
        expect(prompts.sizes).toEqual([2, 2]);
        const resources = await allPages(era, 'resources/list', 'resources');
        expect(resources.items).toEqual([
          'notes://recent',
          'notes://item/{id}',
          'private/diary',
          'notes://tag/{tag}',
          'notes://day/{day}',
        ]);
        const templates = await allPages(era, 'resources/templates/list', 'resourceTemplates');
        expect(templates.items).toEqual(['notes://item/{id}', 'notes://tag/{tag}', 'notes://day/{day}']);
        expect(templates.sizes).toEqual([2, 1]);
      },
    );

    it('pages what a trust peer may see, and a cursor gives the same page every time', async () => {
      const peer = { authorization: peerBearer };
      const tools = await allPages('legacy', 'tools/list', 'tools', peer);
      expect(tools.items).toEqual(ALL_TOOLS.filter((n) => /^(search|get_|list_)/.test(n)));
      const first = await rpc('legacy', 'tools/list', {}, peer);
      const cursor = first.json.result.nextCursor as string;
      const again = [
        await rpc('legacy', 'tools/list', { cursor }, peer),
        await rpc('legacy', 'tools/list', { cursor }, peer),
      ];
      expect(again[0].json.result).toEqual(again[1].json.result);
      expect(again[0].json.result.tools.map((t: { name: string }) => t.name)).toEqual([
        'list_notes',
        'get_counted',
      ]);
    });

    it('refuses a cursor it did not issue for this list with -32602', async () => {
      const promptsCursor = (await rpc('legacy', 'prompts/list')).json.result.nextCursor as string;
      const peerOnlyCursor = Buffer.from(JSON.stringify(['tools', 'admin_reset'])).toString('base64url');
      for (const [era, cursor] of [
        ['legacy', 'not-a-cursor'],
        ['legacy', promptsCursor],
        ['modern', 42],
        ['modern', ''],
      ] as const) {
        const res = await rpc(era, 'tools/list', { cursor });
        expect(res.json.error).toEqual({ code: -32602, message: 'Invalid cursor' });
      }
      // A cursor naming a tool the peer cannot see is as invalid as a made-up one.
      const res = await rpc(
        'legacy',
        'tools/list',
        { cursor: peerOnlyCursor },
        { authorization: peerBearer },
      );
      expect(res.json.error).toMatchObject({ code: -32602 });
    });

    it('lets the official clients walk the pages (v1 legacy, v2 modern), with ttlMs from cacheTtlMs', async () => {
      const v1 = new Client({ name: 'pages-v1', version: '1.0.0' });
      await v1.connect(
        new StreamableHTTPClientTransport(new URL(url), {
          requestInit: { headers: { authorization: creatorAuth } },
        }),
      );
      clients.push(v1);
      const v2 = new ClientV2(
        { name: 'pages-v2', version: '2.0.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await v2.connect(
        new TransportV2(new URL(url), { requestInit: { headers: { authorization: creatorAuth } } }),
      );
      clients.push(v2);
      expect(v2.getProtocolEra()).toBe('modern');
      for (const client of [v1, v2] as Array<Pick<Client, 'listTools'>>) {
        const names: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await client.listTools(cursor === undefined ? {} : { cursor });
          names.push(...page.tools.map((t) => t.name));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(names).toEqual(ALL_TOOLS);
      }
      const raw = await rpc('modern', 'tools/list');
      expect(raw.json.result).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
    });
  });

  describe('per-client descriptions and allowedClients', () => {
    async function greeting(era: 'legacy' | 'modern', headers: Record<string, string>, clientName?: string) {
      let cursor: string | undefined;
      do {
        const params: Record<string, unknown> = cursor === undefined ? {} : { cursor };
        const res =
          era === 'modern' && clientName
            ? await call(url, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  authorization: creatorAuth,
                  'mcp-protocol-version': '2026-07-28',
                  'mcp-method': 'tools/list',
                },
                raw: JSON.stringify({
                  jsonrpc: '2.0',
                  id: 1,
                  method: 'tools/list',
                  params: {
                    ...params,
                    _meta: {
                      ...MODERN_META,
                      'io.modelcontextprotocol/clientInfo': { name: clientName, version: '1' },
                    },
                  },
                }),
              })
            : await rpc(era, 'tools/list', params, headers);
        const tool = (res.json.result.tools as Array<{ name: string; description: string }>).find(
          (t) => t.name === 'get_greeting',
        );
        if (tool) return tool.description;
        cursor = res.json.result.nextCursor;
      } while (cursor !== undefined);
      throw new Error('get_greeting not listed');
    }

    it('describes a tool per client family: from the User-Agent, or clientInfo in 2026-07-28', async () => {
      expect(await greeting('legacy', { 'user-agent': 'Claude-User/1.0' })).toBe('Greets Claude');
      expect(await greeting('legacy', { 'user-agent': 'openai-mcp/1.0' })).toBe('Greets ChatGPT');
      expect(await greeting('legacy', { 'user-agent': 'curl/8' })).toBe('Greets anyone');
      expect(await greeting('modern', { 'user-agent': 'node' }, 'ChatGPT')).toBe('Greets ChatGPT');
      expect(await greeting('modern', { 'user-agent': 'Claude-User/1.0' }, 'cursor-agent')).toBe(
        'Greets anyone',
      );
    });

    it('hides an allowedClients tool from other families, but does not refuse calling it (as the reference)', async () => {
      const res = await rpc(
        'legacy',
        'tools/call',
        { name: 'get_claude_tip', arguments: {} },
        { 'user-agent': 'curl/8' },
      );
      expect(res.json.result).toEqual({ content: [{ type: 'text', text: 'tip' }], isError: false });
    });
  });

  describe('outputSchema in development mode', () => {
    it.each(['legacy', 'modern'] as const)(
      'a result that breaks the schema is -32603 naming the path (%s)',
      async (era) => {
        const res = await rpc(era, 'tools/call', { name: 'get_bad_weather', arguments: {} });
        expect(res.json.error).toEqual({
          code: -32603,
          message:
            'Tool get_bad_weather returned a result that does not match its outputSchema: /temp must be number',
        });
        const text = await rpc(era, 'tools/call', { name: 'get_unstructured', arguments: {} });
        expect(text.json.error.message).toContain('no structuredContent');
      },
    );

    it('is not checked where a version has no structuredContent (2025-03-26)', async () => {
      const res = await rpc(
        'legacy',
        'tools/call',
        { name: 'get_unstructured', arguments: {} },
        {
          'mcp-protocol-version': '2025-03-26',
        },
      );
      expect(res.json.result).toEqual({ content: [{ type: 'text', text: 'just text' }], isError: false });
    });
  });
});

describe('MCP without tools, prompts or resources, in production mode', () => {
  let server: TestServer;
  let url: string;
  let creatorAuth: string;

  beforeAll(async () => {
    server = await startFreshServer(STORAGES[0], { mcp: { developmentMode: false } }, {});
    const actor = await newActor(server, 'empty@example.com');
    creatorAuth = actor.auth.authorization;
    url = `${actor.url}/mcp`;
  });
  afterAll(() => server.close());

  it('declares every capability, and the official clients list nothing (v1, and v2 in both eras)', async () => {
    const v1 = new Client({ name: 'empty-v1', version: '1.0.0' });
    await v1.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: creatorAuth } },
      }),
    );
    const legacy = new ClientV2({ name: 'empty-v2', version: '2.0.0' });
    await legacy.connect(
      new TransportV2(new URL(url), { requestInit: { headers: { authorization: creatorAuth } } }),
    );
    const modern = new ClientV2(
      { name: 'empty-v2', version: '2.0.0' },
      { versionNegotiation: { mode: 'auto' } },
    );
    await modern.connect(
      new TransportV2(new URL(url), { requestInit: { headers: { authorization: creatorAuth } } }),
    );
    try {
      expect(modern.getProtocolEra()).toBe('modern');
      for (const client of [v1, legacy, modern] as Array<
        Pick<
          Client,
          'getServerCapabilities' | 'listTools' | 'listPrompts' | 'listResources' | 'listResourceTemplates'
        >
      >) {
        expect(client.getServerCapabilities()).toMatchObject({ tools: {}, prompts: {}, resources: {} });
        expect((await client.listTools()).tools).toEqual([]);
        expect((await client.listPrompts()).prompts).toEqual([]);
        expect((await client.listResources()).resources).toEqual([]);
        expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
      }
    } finally {
      await Promise.all([v1.close(), legacy.close(), modern.close()]);
    }
  });
});

describe('MCP outputSchema in production mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startFreshServer(
      STORAGES[0],
      { mcp: { developmentMode: false } },
      { providers: [McpExtraTools] },
    );
  });
  afterAll(() => server.close());

  it('passes a tool result through unchecked', async () => {
    const actor = await newActor(server, 'prod@example.com');
    const reply = await call(`${actor.url}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...actor.auth,
        'mcp-protocol-version': '2025-11-25',
      },
      raw: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'get_bad_weather' },
      }),
    });
    expect(reply.json.result).toEqual({
      content: [{ type: 'text', text: '{"temp":"hot"}' }],
      isError: false,
      structuredContent: { temp: 'hot' },
    });
  });
});

@Injectable()
class BrokenSchemaTool {
  @McpTool({
    name: 'get_broken',
    description: 'x',
    inputSchema: { type: 'object', properties: { n: { type: 'integr' } } },
  })
  broken() {
    return null;
  }
}

describe('MCP tool schemas at startup', () => {
  it('refuses to start with an invalid inputSchema, naming the tool', async () => {
    const { options, cleanup } = await STORAGES[0].create();
    const moduleRef = await Test.createTestingModule({
      imports: [
        ActingWebModule.forRoot({
          type: 'urn:actingweb:test.example:e2e',
          baseUrl: 'http://127.0.0.1/',
          storage: options,
        }),
      ],
      providers: [BrokenSchemaTool],
    }).compile();
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    try {
      await expect(app.init()).rejects.toThrow(
        /@McpTool\(get_broken\) inputSchema is not a valid JSON Schema/,
      );
    } finally {
      await app.close().catch(() => undefined);
      await cleanup();
    }
  });
});

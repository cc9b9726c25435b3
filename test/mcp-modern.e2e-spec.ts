import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addTrust, McpExtraTools, McpFixtureHooks } from './support/mcp-fixtures.js';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const MODERN = '2026-07-28';
const SUPPORTED = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];
const SERVER_INFO = { 'io.modelcontextprotocol/serverInfo': { name: 'modern-mcp', version: '1.0' } };

type Reply = { status: number; headers: Headers; text: string; json: any };

/**
 * Raw HTTP in the 2026-07-28 (stateless) era: the `_meta` envelope, the
 * mirrored headers and each error code of the revision (docs/mcp.md#protocol-eras).
 */
describe.each(STORAGES)('MCP 2026-07-28 requests on $name', (storage) => {
  let server: TestServer;
  let url: string;
  let creatorAuth: string;
  let bearer: string;

  /** The `_meta` every modern request carries. */
  const meta = (capabilities: object = {}) => ({
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'raw-e2e', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': capabilities,
  });

  /** The headers a conforming client sends for `body`. */
  function mirrored(body: { method: string; params?: Record<string, unknown> }): Record<string, string> {
    const name = body.params?.name ?? body.params?.uri;
    return {
      'mcp-protocol-version': MODERN,
      'mcp-method': body.method,
      ...(typeof name === 'string' && { 'mcp-name': name }),
    };
  }

  const request = (method: string, params: Record<string, unknown> = {}, id: unknown = 1) => ({
    jsonrpc: '2.0',
    id,
    method,
    params: { ...params, _meta: meta() },
  });

  /** POSTs `body` with the mirrored headers and the creator's credentials; `headers` override (undefined removes). */
  async function post(
    body: { method: string; params?: Record<string, unknown> },
    headers: Record<string, string | undefined> = {},
  ): Promise<Reply> {
    const h: Record<string, string> = {
      'content-type': 'application/json',
      authorization: creatorAuth,
      ...mirrored(body),
    };
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) delete h[k];
      else h[k] = v;
    }
    return call(url, { method: 'POST', headers: h, raw: JSON.stringify(body) });
  }

  function expectError(res: Reply, status: number, code: number): void {
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', error: { code } });
    expect(res.json).not.toHaveProperty('result');
  }

  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { mcp: { serverName: 'modern-mcp', instructions: 'Modern first.' } },
      { providers: [McpFixtureHooks, McpExtraTools] },
    );
    const actor = await newActor(server, 'modern@example.com');
    creatorAuth = actor.auth.authorization;
    url = `${actor.url}/mcp`;
    bearer = `Bearer ${(await addTrust(server, actor.id, 'mcp_client')).secret}`;
  });
  afterAll(() => server.close());

  describe('results', () => {
    it('server/discover: versions, capabilities and this server, without credentials', async () => {
      const res = await post(request('server/discover'), { authorization: undefined });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: {
          resultType: 'complete',
          supportedVersions: SUPPORTED,
          capabilities: {
            tools: { listChanged: false },
            prompts: { listChanged: false },
            resources: { subscribe: false, listChanged: false },
          },
          instructions: 'Modern first.',
          _meta: SERVER_INFO,
          ttlMs: 0,
          cacheScope: 'public',
        },
      });
      const wrong = await post(request('server/discover'), { authorization: 'Bearer wrong' });
      expectError(wrong, 401, -32001);
    });

    it('marks lists and reads "private" (filtered per caller) with ttlMs; calls get resultType only', async () => {
      for (const [method, params] of [
        ['tools/list', {}],
        ['prompts/list', {}],
        ['resources/list', {}],
        ['resources/templates/list', {}],
        ['resources/read', { uri: 'notes://recent' }],
      ] as const) {
        const res = await post(request(method, params), { authorization: bearer });
        expect(res.status).toBe(200);
        expect(res.json.result).toMatchObject({
          resultType: 'complete',
          ttlMs: 0,
          cacheScope: 'private',
          _meta: SERVER_INFO,
        });
      }
      for (const [method, params] of [
        ['tools/call', { name: 'get_weather', arguments: {} }],
        ['prompts/get', { name: 'summarize_notes', arguments: { topic: 't' } }],
      ] as const) {
        const res = await post(request(method, params), { authorization: bearer });
        expect(res.json.result).toMatchObject({ resultType: 'complete', _meta: SERVER_INFO });
        expect(res.json.result).not.toHaveProperty('ttlMs');
        expect(res.json.result).not.toHaveProperty('cacheScope');
      }
    });

    it('sends structuredContent and outputSchema, and keeps a tool result’s own _meta', async () => {
      const list = await post(request('tools/list'));
      const weather = list.json.result.tools.find((t: { name: string }) => t.name === 'get_weather');
      expect(weather.outputSchema).toMatchObject({ type: 'object' });
      const called = await post(request('tools/call', { name: 'get_weather', arguments: {} }));
      expect(called.json.result.structuredContent).toEqual({ temp: 21.5 });
    });

    it('answers notifications with 202 and no body', async () => {
      const res = await call(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'mcp-protocol-version': MODERN },
        raw: JSON.stringify({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: 1, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } },
        }),
      });
      expect(res.status).toBe(202);
      expect(res.text).toBe('');
    });

    it('serves a request whose _meta names a legacy version by the legacy rules', async () => {
      const body = {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
        params: {
          _meta: {
            'io.modelcontextprotocol/protocolVersion': '2025-11-25',
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      };
      const res = await post(body, { 'mcp-protocol-version': '2025-11-25', 'mcp-method': undefined });
      expect(res.status).toBe(200);
      expect(res.json.result).not.toHaveProperty('resultType');
    });

    it('refuses missing credentials with 401 and a Bearer challenge', async () => {
      const res = await post(request('tools/list'), { authorization: undefined });
      expectError(res, 401, -32001);
      expect(res.headers.get('www-authenticate')).toContain('resource_metadata=');
    });
  });

  describe('-32022 unsupported protocol version', () => {
    it('is 400 with data.supported listing every version served', async () => {
      const body = {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/list',
        params: { _meta: { ...meta(), 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
      };
      const res = await post(body, { 'mcp-protocol-version': '2099-01-01' });
      expectError(res, 400, -32022);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        id: 7,
        error: {
          code: -32022,
          message: 'Unsupported protocol version',
          data: { supported: SUPPORTED, requested: '2099-01-01' },
        },
      });
    });
  });

  describe('-32020 header mismatch (HTTP 400)', () => {
    const call42 = () => request('tools/call', { name: 'get_counted', arguments: { n: 42 } });

    it.each([
      ['MCP-Protocol-Version differs from _meta', { 'mcp-protocol-version': '2025-11-25' }],
      ['MCP-Protocol-Version is missing', { 'mcp-protocol-version': undefined }],
      ['Mcp-Method differs from the body', { 'mcp-method': 'tools/list' }],
      ['Mcp-Method is missing', { 'mcp-method': undefined }],
      ['Mcp-Name differs from params.name', { 'mcp-name': 'search' }],
      ['Mcp-Name is missing', { 'mcp-name': undefined }],
      ['Mcp-Name is a broken base64 value', { 'mcp-name': '=?base64?!!!?=' }],
    ])('%s', async (_label, headers) => {
      const tools = server.app.get(McpExtraTools);
      const before = tools.calls.length;
      const res = await post(call42(), headers);
      expectError(res, 400, -32020);
      expect(res.json.error.message).toMatch(/^Header mismatch: /);
      expect(tools.calls).toHaveLength(before);
    });

    it('accepts an Mcp-Name in the base64 form', async () => {
      const encoded = `=?base64?${Buffer.from('get_counted').toString('base64')}?=`;
      const res = await post(call42(), { 'mcp-name': encoded });
      expect(res.status).toBe(200);
      expect(res.json.result.content[0].text).toBe('{"counted":42}');
    });

    it('checks Mcp-Name of resources/read and prompts/get too', async () => {
      const read = await post(request('resources/read', { uri: 'notes://recent' }), {
        'mcp-name': 'notes://other',
      });
      expectError(read, 400, -32020);
      const prompt = await post(
        request('prompts/get', { name: 'summarize_notes', arguments: { topic: 't' } }),
        {
          'mcp-name': undefined,
        },
      );
      expectError(prompt, 400, -32020);
    });

    it('refuses initialize sent with the 2026-07-28 header', async () => {
      const res = await post(
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } } as never,
        { 'mcp-protocol-version': MODERN },
      );
      expectError(res, 400, -32020);
    });

    it('checks Mcp-Param-* headers against x-mcp-header arguments', async () => {
      const tools = server.app.get(McpExtraTools);
      const body = request('tools/call', {
        name: 'get_region_rows',
        arguments: { region: 'eu-north-1', limit: 5, query: 'q' },
      });
      const ok = await post(body, { 'mcp-param-region': 'eu-north-1', 'mcp-param-limit': '5' });
      expect(ok.status).toBe(200);
      expect(tools.calls.at(-1)).toMatchObject({ name: 'get_region_rows' });
      const before = tools.calls.length;
      for (const headers of [
        { 'mcp-param-region': 'us-west-1', 'mcp-param-limit': '5' },
        { 'mcp-param-limit': '5' },
        { 'mcp-param-region': 'eu-north-1', 'mcp-param-limit': '6' },
      ]) {
        expectError(await post(body, headers), 400, -32020);
      }
      expect(tools.calls).toHaveLength(before);
      // Numbers compare as numbers; an absent argument must have no header.
      const noLimit = request('tools/call', {
        name: 'get_region_rows',
        arguments: { region: 'x', query: 'q' },
      });
      expect((await post(noLimit, { 'mcp-param-region': 'x' })).status).toBe(200);
      expectError(await post(noLimit, { 'mcp-param-region': 'x', 'mcp-param-limit': '1' }), 400, -32020);
      const decimal = await post(body, { 'mcp-param-region': 'eu-north-1', 'mcp-param-limit': '5.0' });
      expect(decimal.status).toBe(200);
    });
  });

  describe('-32021 missing client capability (HTTP 400)', () => {
    it('refuses a tool that needs a capability the request does not declare; runs it when declared', async () => {
      const tools = server.app.get(McpExtraTools);
      const before = tools.calls.length;
      const res = await post(request('tools/call', { name: 'get_widget', arguments: {} }));
      expectError(res, 400, -32021);
      expect(res.json.error.data).toEqual({
        requiredCapabilities: { extensions: { 'io.modelcontextprotocol/ui': {} } },
      });
      expect(tools.calls).toHaveLength(before);
      const declared = {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'get_widget',
          arguments: {},
          _meta: meta({ extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html'] } } }),
        },
      };
      const ran = await post(declared);
      expect(ran.status).toBe(200);
      expect(ran.json.result.content).toEqual([{ type: 'text', text: 'widget' }]);
    });
  });

  describe('-32601 unknown methods (HTTP 404)', () => {
    it.each(['ping', 'initialize', 'subscriptions/listen', 'logging/setLevel', 'tools/destroy'])(
      '%s',
      async (method) => {
        const res = await post(request(method));
        expectError(res, 404, -32601);
        expect(res.json.id).toBe(1);
      },
    );
  });

  describe('-32602 invalid params', () => {
    it('is 400 for a malformed _meta envelope', async () => {
      for (const bad of [
        { 'io.modelcontextprotocol/protocolVersion': MODERN },
        { 'io.modelcontextprotocol/protocolVersion': 7, 'io.modelcontextprotocol/clientCapabilities': {} },
        { ...meta(), 'io.modelcontextprotocol/clientInfo': 'raw' },
      ]) {
        const res = await post({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/list',
          params: { _meta: bad },
        } as never);
        expectError(res, 400, -32602);
        expect(res.json.error.message).toMatch(/^Invalid _meta: io\.modelcontextprotocol\//);
      }
    });

    it('is the "resource not found" of this revision (HTTP 200, data.uri)', async () => {
      const res = await post(request('resources/read', { uri: 'notes://item/missing' }));
      expectError(res, 200, -32602);
      expect(res.json.error).toEqual({
        code: -32602,
        message: 'Resource not found',
        data: { uri: 'notes://item/missing' },
      });
      const unknown = await post(request('resources/read', { uri: 'nothing://here' }));
      expect(unknown.json.error).toMatchObject({ code: -32602, data: { uri: 'nothing://here' } });
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CallToolResultSchema,
  InitializeResultSchema,
  JSONRPCErrorResponseSchema,
  ListToolsResultSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { addTrust, McpFixtureHooks } from './support/mcp-fixtures.js';
import { newActor } from './support/actors.js';
import { basic, call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

const VERSIONS = ['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'];

/** Raw HTTP against the MCP endpoints, legacy era: the transport rules and bad input (docs/mcp.md#protocol-details). */
describe.each(STORAGES)('MCP transport and protocol rules on $name', (storage) => {
  let server: TestServer;
  let id: string;
  let creatorAuth: string;
  let bearer: string;
  let url: string;

  /** One POST with a raw body; `auth` defaults to the creator's Basic credentials. */
  async function post(
    body: string | object,
    headers: Record<string, string | undefined> = {},
    target = url,
  ): Promise<{ status: number; headers: Headers; text: string; json: any }> {
    const h: Record<string, string> = { 'content-type': 'application/json', authorization: creatorAuth };
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) delete h[k];
      else h[k] = v;
    }
    return call(target, {
      method: 'POST',
      headers: h,
      raw: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  const rpc = (method: string, params?: unknown, rpcId: unknown = 1) => ({
    jsonrpc: '2.0',
    id: rpcId,
    method,
    ...(params !== undefined && { params }),
  });

  function expectError(res: { status: number; json: any }, status: number, code: number) {
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ jsonrpc: '2.0', error: { code } });
    expect(() =>
      JSONRPCErrorResponseSchema.parse(res.json.id === null ? { ...res.json, id: 0 } : res.json),
    ).not.toThrow();
  }

  beforeAll(async () => {
    server = await startFreshServer(
      storage,
      { bodyLimit: 64 * 1024, maxJsonDepth: 32, mcp: { allowedOrigins: ['http://localhost:6274'] } },
      { providers: [McpFixtureHooks] },
    );
    const actor = await newActor(server, 'raw@example.com');
    id = actor.id;
    creatorAuth = actor.auth.authorization;
    bearer = `Bearer ${(await addTrust(server, id, 'mcp_client')).secret}`;
    url = `${server.url}${id}/mcp`;
  });
  afterAll(() => server.close());

  describe('initialize and versions', () => {
    it.each([
      ['2024-11-05', '2024-11-05'],
      ['2025-06-18', '2025-06-18'],
      ['1999-01-01', '2025-11-25'],
      [undefined, '2025-11-25'],
    ])('echoes a supported version, else offers the latest (%s → %s)', async (requested, negotiated) => {
      const res = await post(rpc('initialize', requested ? { protocolVersion: requested } : {}), {
        authorization: undefined,
        'mcp-protocol-version': 'garbage', // ignored on initialize
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.json.result.protocolVersion).toBe(negotiated);
      expect(res.json.result.serverInfo).toEqual({ name: 'actingweb', version: '1.0' });
      expect(res.json.result.instructions).toBeUndefined();
      InitializeResultSchema.parse(res.json.result);
    });

    it('needs no credentials, but refuses wrong ones (401)', async () => {
      expect((await post(rpc('initialize', {}), { authorization: undefined })).status).toBe(200);
      const wrong = await post(rpc('initialize', {}), { authorization: 'Bearer not-a-token' });
      expectError(wrong, 401, -32001);
    });

    it('answers 400 -32600 without data for an unsupported MCP-Protocol-Version header', async () => {
      for (const body of [
        rpc('tools/list'),
        rpc('ping'),
        { jsonrpc: '2.0', method: 'notifications/initialized' },
      ]) {
        const res = await post(body, { 'mcp-protocol-version': '2099-01-01' });
        expect(res.status).toBe(400);
        expect(res.json.error.code).toBe(-32600);
        expect(res.json.error).not.toHaveProperty('data');
        expect(res.json.error.code < -32099 || res.json.error.code > -32020).toBe(true);
        for (const v of [...VERSIONS, '2026-07-28']) expect(res.json.error.message).toContain(v);
      }
    });

    it('refuses a request with the 2026-07-28 header but no _meta (400 -32602); a notification is accepted', async () => {
      const res = await post(rpc('tools/list'), { 'mcp-protocol-version': '2026-07-28' });
      expectError(res, 400, -32602);
      expect(res.json.error.message).toContain('io.modelcontextprotocol/protocolVersion');
      const note = await post(
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { 'mcp-protocol-version': '2026-07-28' },
      );
      expect(note.status).toBe(202);
    });

    it('assumes 2025-03-26 without the header: no outputSchema, no structuredContent', async () => {
      const list = await post(rpc('tools/list'), { 'mcp-protocol-version': undefined });
      const weather = ListToolsResultSchema.parse(list.json.result).tools.find(
        (t) => t.name === 'get_weather',
      )!;
      expect(weather.outputSchema).toBeUndefined();
      const result = await post(rpc('tools/call', { name: 'get_weather', arguments: {} }));
      expect(CallToolResultSchema.parse(result.json.result).structuredContent).toBeUndefined();
      const modern = await post(rpc('tools/call', { name: 'get_weather', arguments: {} }), {
        'mcp-protocol-version': '2025-06-18',
      });
      expect(modern.json.result.structuredContent).toEqual({ temp: 21.5 });
    });

    it('accepts the header in any case and without an Accept header', async () => {
      const res = await post(rpc('tools/list'), { 'MCP-Protocol-Version': '2024-11-05', accept: undefined });
      expect(res.status).toBe(200);
      ListToolsResultSchema.parse(res.json.result);
    });
  });

  describe('notifications, ping, responses', () => {
    it('answers notifications and client responses with 202 and no body', async () => {
      for (const body of [
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } },
        { jsonrpc: '2.0', id: 5, result: {} },
      ]) {
        const res = await post(body, { authorization: undefined });
        expect(res.status).toBe(202);
        expect(res.text).toBe('');
      }
    });

    it('answers ping without credentials', async () => {
      const res = await post(rpc('ping', undefined, 'p-1'), { authorization: undefined });
      expect(res.json).toEqual({ jsonrpc: '2.0', id: 'p-1', result: {} });
    });
  });

  describe('bad input: clear JSON-RPC errors, never a 500', () => {
    it.each([
      ['invalid JSON', 400, -32700, '{"jsonrpc":"2.0",', null],
      ['an empty body', 400, -32700, '', null],
      ['a JSON string', 400, -32600, '"tools/list"', null],
      ['a number', 400, -32600, '42', null],
      ['no jsonrpc member', 400, -32600, '{"id":1,"method":"ping"}', 1],
      ['jsonrpc 1.0', 400, -32600, '{"jsonrpc":"1.0","id":1,"method":"ping"}', 1],
      ['no method', 400, -32600, '{"jsonrpc":"2.0","id":1}', 1],
      ['a numeric method', 400, -32600, '{"jsonrpc":"2.0","id":1,"method":7}', 1],
      ['a null id', 400, -32600, '{"jsonrpc":"2.0","id":null,"method":"ping"}', null],
      ['an object id', 400, -32600, '{"jsonrpc":"2.0","id":{},"method":"ping"}', null],
      ['a boolean id', 400, -32600, '{"jsonrpc":"2.0","id":true,"method":"tools/list"}', null],
      ['a batch', 400, -32600, JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]), null],
      ['an empty batch', 400, -32600, '[]', null],
      [
        'a prototype-poisoning key',
        400,
        -32600,
        '{"jsonrpc":"2.0","id":1,"method":"ping","__proto__":{"x":1}}',
        null,
      ],
    ] as const)('%s → %i %i', async (_label, status, code, body, expectedId) => {
      const res = await post(body);
      expectError(res, status, code);
      // The id is echoed when it could be read, else null.
      expect(res.json.id).toBe(expectedId);
    });

    it('answers an unknown method with -32601 (HTTP 200), keeping the id', async () => {
      for (const method of ['tools/destroy', 'logging/setLevel', 'completion/complete', 'x'.repeat(5000)]) {
        const res = await post(rpc(method, {}, 'abc'));
        expectError(res, 200, -32601);
        expect(res.json.id).toBe('abc');
        expect(res.json.error.message.length).toBeLessThan(200);
      }
    });

    it.each([
      ['params as an array', rpc('tools/list', [1, 2])],
      ['tools/call without a name', rpc('tools/call', { arguments: {} })],
      ['tools/call with a numeric name', rpc('tools/call', { name: 5 })],
      ['tools/call with string arguments', rpc('tools/call', { name: 'search', arguments: 'q=1' })],
      ['tools/call of an unknown tool', rpc('tools/call', { name: 'nope', arguments: {} })],
      ['prompts/get without a name', rpc('prompts/get', {})],
      [
        'prompts/get with a non-string argument',
        rpc('prompts/get', { name: 'summarize_notes', arguments: { topic: 1 } }),
      ],
      ['prompts/get missing a required argument', rpc('prompts/get', { name: 'summarize_notes' })],
      ['resources/read without a uri', rpc('resources/read', {})],
    ])('%s → -32602', async (_label, body) => {
      expectError(await post(body), 200, -32602);
    });

    it('refuses bodies over the size limit with 413 and a JSON-RPC error', async () => {
      const huge = rpc('tools/call', { name: 'search', arguments: { query: 'x'.repeat(70 * 1024) } });
      const res = await post(huge);
      expectError(res, 413, -32600);
      expect(res.json.error.message).toMatch(/larger than 65536 bytes/);
    });

    it('takes large params under the limit, and checks them against the input schema', async () => {
      const res = await post(
        rpc('tools/call', { name: 'search', arguments: { query: 'y'.repeat(50 * 1024) } }),
      );
      // The schema caps query at 100 characters: -32602 naming the path, before the hook runs.
      expectError(res, 200, -32602);
      expect(res.json.error).toMatchObject({
        message: 'Invalid arguments for tool search: /query must NOT have more than 100 characters',
        data: { path: '/query' },
      });
    });

    it('refuses deeply nested params with -32600 (iteratively checked, no stack overflow)', async () => {
      for (const depth of [40, 20_000]) {
        const nested = '['.repeat(depth) + ']'.repeat(depth);
        const body = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"q":${nested}}}}`;
        const res = await post(body);
        expectError(res, 400, -32600);
        expect(res.json.error.message).toMatch(/nested deeper than 32/);
      }
    });

    it('treats a body without a JSON content type as JSON', async () => {
      for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
        const res = await post(rpc('ping'), { 'content-type': type });
        expect(res.json).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
      }
    });
  });

  describe('authentication', () => {
    it('answers 401 with a Bearer challenge naming the protected-resource metadata', async () => {
      const res = await post(rpc('tools/list'), { authorization: undefined });
      expectError(res, 401, -32001);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge).toMatch(/^Bearer realm="ActingWeb MCP"/);
      const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)![1];
      expect(metadataUrl).toBe(`${server.url}.well-known/oauth-protected-resource/${id}/mcp`);
      const metadata = await call(metadataUrl);
      expect(metadata.status).toBe(200);
      expect(metadata.json).toMatchObject({ resource: url, bearer_methods_supported: ['header'] });
      const rootChallenge = (
        await post(rpc('tools/list'), { authorization: undefined }, `${server.url}mcp`)
      ).headers.get('www-authenticate');
      expect(rootChallenge).toContain(
        `resource_metadata="${server.url}.well-known/oauth-protected-resource/mcp"`,
      );
      expect((await call(`${server.url}.well-known/oauth-protected-resource/mcp`)).json.resource).toBe(
        `${server.url}mcp`,
      );
    });

    it('answers 401 invalid_token for wrong credentials', async () => {
      for (const authorization of ['Bearer wrong', basic('raw@example.com', 'nope'), 'Digest x']) {
        const res = await post(rpc('tools/list'), { authorization });
        expectError(res, 401, -32001);
        expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });

    it('accepts the mcp_client Bearer secret at both endpoint shapes', async () => {
      for (const target of [url, `${server.url}mcp`]) {
        const res = await post(rpc('tools/list'), { authorization: bearer }, target);
        expect(res.status).toBe(200);
        expect(res.json.result.tools.map((t: { name: string }) => t.name)).toContain('search');
      }
    });

    it('answers 404 for an unknown actor', async () => {
      const res = await post(rpc('tools/list'), {}, `${server.url}${'f'.repeat(32)}/mcp`);
      expectError(res, 404, -32000);
    });
  });

  describe('HTTP methods, origins and discovery', () => {
    it('GET with Accept: text/event-stream is 405 (no SSE); plain GET is a discovery document', async () => {
      const sse = await call(url, { headers: { accept: 'text/event-stream' } });
      expect(sse.status).toBe(405);
      expect(sse.headers.get('allow')).toBe('POST');
      const doc = await call(url);
      expect(doc.status).toBe(200);
      expect(doc.json).toMatchObject({
        server_name: 'actingweb',
        capabilities: { tools: true, prompts: true, resources: true },
        transport: { endpoint: url, supported_versions: [...VERSIONS, '2026-07-28'] },
      });
    });

    it('DELETE is 405: there are no sessions', async () => {
      const res = await call(url, { method: 'DELETE', headers: { authorization: creatorAuth } });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, POST');
    });

    it('refuses foreign browser origins (403) and allows configured ones with CORS', async () => {
      expectError(await post(rpc('ping'), { origin: 'https://evil.example' }), 403, -32000);
      const own = await post(rpc('ping'), { origin: new URL(server.url).origin });
      expect(own.status).toBe(200);
      const inspector = await post(rpc('ping'), { origin: 'http://localhost:6274' });
      expect(inspector.status).toBe(200);
      expect(inspector.headers.get('access-control-allow-origin')).toBe('http://localhost:6274');
      expect(inspector.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
      const preflight = await call(url, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('MCP-Protocol-Version');
    });

    it('advertises the mcp option tag', async () => {
      expect((await call(`${server.url}${id}/meta/actingweb/supported`)).text.split(',')).toContain('mcp');
    });
  });
});

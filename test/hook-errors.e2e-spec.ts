import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import {
  ActionHook,
  BadRequestError,
  CallbackHook,
  ForbiddenError,
  MethodHook,
  PeerTimeoutError,
  PropertyHook,
  type CallbackHookContext,
  type PropertyHookContext,
} from '@actingweb/nestjs';
import { startFakePeer } from './support/fake-peer.js';
import { McpFixtureHooks } from './support/mcp-fixtures.js';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/** What each hook does when called: the same three failures for every kind of hook. */
function fail(how: string): never {
  if (how === 'bad_request') throw new BadRequestError('query is required');
  if (how === 'forbidden') throw new ForbiddenError('not for you');
  if (how === 'peer_timeout') throw new PeerTimeoutError('Peer https://peer.example did not answer in time');
  // A bug: reading a property of undefined throws a TypeError.
  return (undefined as unknown as { field: { deeper: never } }).field.deeper;
}

const FAILURES = ['bad_request', 'forbidden', 'type_error'] as const;

@Injectable()
class FailingHooks {
  @ActionHook('act_bad_request')
  @ActionHook('act_forbidden')
  @ActionHook('act_type_error')
  @ActionHook('act_peer_timeout')
  action({ name }: { name: string }): never {
    return fail(name.slice('act_'.length));
  }

  @MethodHook('meth_bad_request')
  @MethodHook('meth_forbidden')
  @MethodHook('meth_type_error')
  method({ name }: { name: string }): never {
    return fail(name.slice('meth_'.length));
  }

  /** Answers everything: a failed named hook must not be hidden behind it. */
  @ActionHook('*')
  @MethodHook('*')
  catchAll() {
    return { answeredBy: 'wildcard' };
  }

  @CallbackHook('resource_res_bad_request')
  @CallbackHook('resource_res_forbidden')
  @CallbackHook('resource_res_type_error')
  resource({ name }: CallbackHookContext): never {
    return fail(name.slice('resource_res_'.length));
  }

  @CallbackHook('cb_bad_request')
  @CallbackHook('cb_type_error')
  callback({ name }: CallbackHookContext): never {
    return fail(name.slice('cb_'.length));
  }

  @PropertyHook('guarded', { operations: ['put', 'get'] })
  property({ value, operation }: PropertyHookContext): unknown {
    if (operation === 'get') return value === 'crash-on-read' ? fail('type_error') : value;
    return typeof value === 'string' && (FAILURES as readonly string[]).includes(value) ? fail(value) : value;
  }
}

/** Every REST surface of a hook, and the error each failure must answer with. */
const SURFACES: Array<{ label: string; method: string; path: (how: string) => string; body?: unknown }> = [
  { label: 'POST /actions/<name>', method: 'POST', path: (how) => `actions/act_${how}`, body: {} },
  { label: 'PUT /actions/<name>', method: 'PUT', path: (how) => `actions/act_${how}`, body: {} },
  { label: 'GET /actions/<name>', method: 'GET', path: (how) => `actions/act_${how}` },
  { label: 'DELETE /actions/<name>', method: 'DELETE', path: (how) => `actions/act_${how}` },
  { label: 'GET /methods/<name>', method: 'GET', path: (how) => `methods/meth_${how}` },
  { label: 'POST /methods/<name>', method: 'POST', path: (how) => `methods/meth_${how}`, body: {} },
  { label: 'GET /resources/<name>', method: 'GET', path: (how) => `resources/res_${how}/sub` },
  { label: 'POST /resources/<name>', method: 'POST', path: (how) => `resources/res_${how}`, body: { a: 1 } },
  { label: 'PUT /properties/<name>', method: 'PUT', path: () => 'properties/guarded' },
];

const EXPECTED = {
  bad_request: { status: 400, message: 'query is required', level: 'warn' },
  forbidden: { status: 403, message: 'not for you', level: 'warn' },
  type_error: { status: 500, message: 'Internal server error', level: 'error' },
} as const;

/**
 * A hook's error is its answer, over REST as over MCP: an `ActingWebError`
 * keeps its status and message, anything else is a 500 carrying the request
 * id. The log says which hook failed: a refusal is one warn line, a bug is an
 * error with its stack and the request id.
 */
describe.each(STORAGES)('errors thrown by hooks on $name', (storage) => {
  let server: TestServer;
  let base: string;
  let creator: Record<string, string>;
  let warnings: string[];
  let errors: string[];

  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [FailingHooks, McpFixtureHooks] });
    const actor = await newActor(server, 'hooks@example.com');
    base = `${actor.url}/`;
    creator = actor.auth;
  });
  afterAll(() => server.close());

  beforeEach(() => {
    warnings = [];
    errors = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
    jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const cases = SURFACES.flatMap((surface) => FAILURES.map((how) => [surface.label, how, surface] as const));

  it.each(cases)('%s whose hook throws %s', async (_label, how, surface) => {
    const requestId = `hook-${how}-${Math.random().toString(36).slice(2, 10)}`;
    const isProperty = surface.path(how).startsWith('properties/');
    const res = await call(base + surface.path(how), {
      method: surface.method,
      headers: { ...creator, 'x-request-id': requestId },
      ...(isProperty
        ? { raw: how, headers: { ...creator, 'x-request-id': requestId, 'content-type': 'text/plain' } }
        : {}),
      ...(surface.body !== undefined && { body: surface.body }),
    });
    const expected = EXPECTED[how];
    expect(res.status).toBe(expected.status);
    expect(res.json).toEqual({
      statusCode: expected.status,
      error: expect.any(String),
      message: expected.message,
      ...(expected.status === 500 && { requestId }),
    });
    expect(res.text).not.toContain('Cannot read'); // the TypeError's text stays in the log

    const lines = expected.level === 'warn' ? warnings : errors;
    expect(expected.level === 'warn' ? errors : warnings).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`[req ${requestId}] Hook FailingHooks.`);
    if (expected.level === 'warn') {
      expect(lines[0]).toMatch(new RegExp(`: ${expected.status} \\w+Error: ${expected.message}$`));
    } else {
      expect(lines[0]).toMatch(
        /: TypeError: Cannot read properties of undefined \(reading 'field'\)\n\s+at /,
      );
    }
  });

  it('a property get hook that throws answers 500 with the request id (not a silent 404)', async () => {
    expect(
      (
        await call(`${base}properties/guarded`, {
          method: 'PUT',
          raw: 'crash-on-read',
          headers: { ...creator, 'content-type': 'text/plain' },
        })
      ).status,
    ).toBe(204);
    const res = await call(`${base}properties/guarded`, { headers: creator });
    expect(res.status).toBe(500);
    expect(res.json.requestId).toBe(res.headers.get('x-request-id'));
    expect(errors).toEqual([
      expect.stringContaining(`[req ${res.json.requestId}] Hook FailingHooks.property`),
    ]);
  });

  it('an application callback hook that throws answers with its error', async () => {
    const refused = await call(`${base}callbacks/cb_bad_request`, { method: 'POST', body: {} });
    expect(refused.status).toBe(400);
    expect(refused.json.message).toBe('query is required');
    const crashed = await call(`${base}callbacks/cb_type_error`, { method: 'POST', body: {} });
    expect(crashed.status).toBe(500);
    expect(crashed.json.requestId).toBe(crashed.headers.get('x-request-id'));
  });

  it('JSON-RPC on /methods answers a hook error with -32603 and the ActingWebError message', async () => {
    const rpc = (method: string) =>
      call(`${base}methods`, { method: 'POST', headers: creator, body: { jsonrpc: '2.0', method, id: 3 } });
    const refused = await rpc('meth_forbidden');
    expect(refused.status).toBe(200);
    expect(refused.json).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'not for you' } });
    const crashed = await rpc('meth_type_error');
    expect(crashed.json).toEqual({
      jsonrpc: '2.0',
      id: 3,
      error: { code: -32603, message: 'Internal error' },
    });
    expect(errors).toEqual([
      expect.stringMatching(/Hook FailingHooks\.method \(method:meth_type_error\): TypeError/),
    ]);
  });

  it('REST and MCP answer the same hook error with the same message', async () => {
    const rest = await call(`${base}actions/fail_tool`, { method: 'POST', headers: creator, body: {} });
    expect(rest.status).toBe(400);
    const mcp = await call(`${base}mcp`, {
      method: 'POST',
      headers: { ...creator, 'mcp-protocol-version': '2025-06-18' },
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fail_tool', arguments: {} } },
    });
    expect(mcp.json.result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: rest.json.message }],
    });
    expect(rest.json.message).toBe('the note is locked');

    const crash = await call(`${base}actions/crash_tool`, { method: 'POST', headers: creator, body: {} });
    expect(crash.status).toBe(500);
    expect(crash.text).not.toContain('secret internal detail');
  });

  it('an expected peer failure from a hook is one warn line without a stack', async () => {
    const res = await call(`${base}actions/act_peer_timeout`, { method: 'POST', headers: creator, body: {} });
    expect(res.status).toBe(408);
    expect(res.json.message).toBe('Peer https://peer.example did not answer in time');
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^\[req [^\]]+\] Hook FailingHooks\.action \(action:act_peer_timeout\): 408 PeerTimeoutError: Peer https:\/\/peer\.example did not answer in time$/,
      ),
    ]);
  });

  it('a peer that fails during a request is one warn line, not an error with a stack', async () => {
    const peer = await startFakePeer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    try {
      const res = await call(`${base}trust`, {
        method: 'POST',
        headers: creator,
        body: { url: peer.url, relationship: 'friend' },
      });
      expect([408, 502]).toContain(res.status);
      expect(errors).toEqual([]);
      const answered = warnings.filter((w) => / (408|502) Peer\w*Error: /.test(w));
      expect(answered).toHaveLength(1);
      expect(answered[0]).not.toContain('\n');
    } finally {
      await peer.close();
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { JsonRpcError } from '../common/json-rpc.js';
import { classifyEra, decodeHeaderValue, hasCapabilities, modernResult } from './mcp-eras.js';
import { paginate } from './mcp-pagination.js';

const claim = (version: unknown, extra: object = {}) => ({
  _meta: {
    'io.modelcontextprotocol/protocolVersion': version,
    'io.modelcontextprotocol/clientCapabilities': {},
    ...extra,
  },
});

function thrown(run: () => unknown): JsonRpcError {
  try {
    run();
  } catch (err) {
    if (err instanceof JsonRpcError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('classifyEra', () => {
  const request = (method: string, params: unknown) => ({ method, params, isRequest: true });

  it('reads the era from the body: a _meta claim is modern, none is legacy', () => {
    expect(classifyEra(request('tools/list', claim('2026-07-28')), {})).toMatchObject({
      era: 'modern',
      version: '2026-07-28',
    });
    expect(classifyEra(request('tools/list', {}), {})).toEqual({ era: 'legacy' });
    expect(classifyEra(request('tools/list', claim('2025-06-18')), {})).toEqual({ era: 'legacy' });
    expect(classifyEra(request('initialize', { protocolVersion: '2025-11-25' }), {})).toEqual({
      era: 'legacy',
    });
  });

  it('takes the client name from clientInfo', () => {
    const era = classifyEra(
      request(
        'tools/list',
        claim('2026-07-28', { 'io.modelcontextprotocol/clientInfo': { name: 'x', version: '1' } }),
      ),
      {},
    );
    expect(era).toMatchObject({ clientName: 'x', clientCapabilities: {} });
  });

  it('refuses disagreeing headers (-32020), unknown versions (-32022) and bad envelopes (-32602), all HTTP 400', () => {
    const mismatch = thrown(() =>
      classifyEra(request('tools/list', claim('2026-07-28')), { 'mcp-protocol-version': '2025-11-25' }),
    );
    expect([mismatch.code, mismatch.httpStatus]).toEqual([-32020, 400]);
    const unknown = thrown(() => classifyEra(request('tools/list', claim('2030-01-01')), {}));
    expect([unknown.code, unknown.httpStatus]).toEqual([-32022, 400]);
    expect(unknown.data).toEqual({
      supported: ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'],
      requested: '2030-01-01',
    });
    const bad = thrown(() =>
      classifyEra(
        request('tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } }),
        {},
      ),
    );
    expect([bad.code, bad.httpStatus]).toEqual([-32602, 400]);
    const headerOnly = thrown(() =>
      classifyEra(request('tools/list', {}), { 'mcp-protocol-version': '2026-07-28' }),
    );
    expect([headerOnly.code, headerOnly.httpStatus]).toEqual([-32602, 400]);
  });

  it('accepts a notification with the modern header as modern', () => {
    expect(
      classifyEra(
        { method: 'notifications/x', params: undefined, isRequest: false },
        { 'mcp-protocol-version': '2026-07-28' },
      ),
    ).toMatchObject({ era: 'modern' });
  });
});

describe('header values and capabilities', () => {
  it('decodes the base64 form and refuses what is neither form', () => {
    expect(decodeHeaderValue('us-west1')).toBe('us-west1');
    expect(decodeHeaderValue(`=?base64?${Buffer.from('Hello, 世界').toString('base64')}?=`)).toBe(
      'Hello, 世界',
    );
    expect(decodeHeaderValue('=?base64?not base64?=')).toBeUndefined();
    expect(decodeHeaderValue('caf\u00e9')).toBeUndefined();
  });

  it('checks required capabilities recursively; {} means "present"', () => {
    const required = { extensions: { 'io.modelcontextprotocol/ui': {} } };
    expect(
      hasCapabilities({ extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [] } } }, required),
    ).toBe(true);
    expect(hasCapabilities({ extensions: {} }, required)).toBe(false);
    expect(hasCapabilities({}, { elicitation: {} })).toBe(false);
    expect(hasCapabilities({ elicitation: {} }, { elicitation: {} })).toBe(true);
  });

  it('decorates modern results, keeping their own _meta', () => {
    expect(
      modernResult(
        { tools: [], _meta: { a: 1 } },
        { name: 's', version: '1' },
        { ttlMs: 5, scope: 'private' },
      ),
    ).toEqual({
      resultType: 'complete',
      tools: [],
      _meta: { a: 1, 'io.modelcontextprotocol/serverInfo': { name: 's', version: '1' } },
      ttlMs: 5,
      cacheScope: 'private',
    });
  });
});

describe('paginate', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  const id = (x: string) => x;

  it('pages in order with opaque cursors, and the same cursor gives the same page', () => {
    const first = paginate('tools', items, id, undefined, 2);
    expect(first.items).toEqual(['a', 'b']);
    const second = paginate('tools', items, id, first.nextCursor, 2);
    expect(second.items).toEqual(['c', 'd']);
    expect(paginate('tools', items, id, first.nextCursor, 2)).toEqual(second);
    expect(paginate('tools', items, id, second.nextCursor, 2)).toEqual({ items: ['e'] });
    expect(paginate('tools', items, id, undefined, 10)).toEqual({ items });
  });

  it('refuses cursors of another list, for hidden items, or made up (-32602)', () => {
    const cursor = paginate('tools', items, id, undefined, 2).nextCursor;
    for (const bad of [cursor, 'x', 7]) {
      const list = bad === cursor ? 'prompts' : 'tools';
      expect(thrown(() => paginate(list, items, id, bad, 2)).toObject()).toEqual({
        code: -32602,
        message: 'Invalid cursor',
      });
    }
    expect(() => paginate('tools', ['c', 'd'], id, cursor, 2)).toThrow('Invalid cursor');
  });
});

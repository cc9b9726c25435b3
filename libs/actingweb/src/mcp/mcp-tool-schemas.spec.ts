import { describe, expect, it } from '@jest/globals';
import { JsonRpcError } from '../common/json-rpc.js';
import type { HookRegistry } from '../hooks/hook-registry.service.js';
import type { McpToolEntry } from '../hooks/hook-registry.types.js';
import { McpToolSchemas } from './mcp-tool-schemas.js';

const tool = (
  inputSchema?: Record<string, unknown>,
  outputSchema?: Record<string, unknown>,
): McpToolEntry => ({
  name: 't',
  hookName: 't',
  description: 'd',
  inputSchema,
  outputSchema,
  label: 'Test.t',
});

function schemasOf(...tools: McpToolEntry[]): McpToolSchemas {
  const schemas = new McpToolSchemas({ mcpTools: () => tools } as unknown as HookRegistry);
  schemas.onApplicationBootstrap();
  return schemas;
}

describe('McpToolSchemas', () => {
  it('validates against JSON Schema 2020-12 by default, draft-07 when named', () => {
    const modern = tool({
      type: 'object',
      properties: { a: { type: 'integer' }, pair: { type: 'array', prefixItems: [{ type: 'integer' }] } },
      required: ['a'],
    });
    const draft07 = tool({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
    });
    const schemas = schemasOf(modern, draft07);
    expect(() => schemas.checkArguments(modern, { a: 1, pair: [1, 'x'] })).not.toThrow();
    // prefixItems is 2020-12: draft-07 would not look at it.
    expect(() => schemas.checkArguments(modern, { a: 1, pair: ['x'] })).toThrow('/pair/0 must be integer');
    const error = (() => {
      try {
        schemas.checkArguments(draft07, { a: 1 });
      } catch (e) {
        return e as JsonRpcError;
      }
    })();
    expect(error?.toObject()).toEqual({
      code: -32602,
      message: 'Invalid arguments for tool t: /a must be string',
      data: { path: '/a', problem: 'must be string' },
    });
  });

  it('treats format as an annotation and tolerates vendor keywords', () => {
    const t = tool({ type: 'object', properties: { e: { type: 'string', format: 'email', 'x-ui': 'big' } } });
    expect(() => schemasOf(t).checkArguments(t, { e: 'not an email' })).not.toThrow();
  });

  it('fails at startup, naming the tool, for invalid schemas, other dialects, remote $refs and bad x-mcp-header', () => {
    for (const [schema, message] of [
      [
        { type: 'object', properties: { a: { type: 'integr' } } },
        /t\) inputSchema is not a valid JSON Schema/,
      ],
      [{ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }, /draft-04.*is not supported/],
      [
        { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } },
        /not a valid JSON Schema/,
      ],
      [
        { type: 'object', properties: { a: { type: 'number', 'x-mcp-header': 'A' } } },
        /string, integer and boolean/,
      ],
      [{ type: 'object', properties: { a: { type: 'string', 'x-mcp-header': 'A B' } } }, /header name token/],
      [{ type: 'object', items: { type: 'string', 'x-mcp-header': 'A' } }, /reached through "properties"/],
      [
        {
          type: 'object',
          properties: {
            a: { type: 'string', 'x-mcp-header': 'A' },
            b: { type: 'string', 'x-mcp-header': 'a' },
          },
        },
        /repeats/,
      ],
    ] as const) {
      expect(() => schemasOf(tool(schema as Record<string, unknown>))).toThrow(message);
    }
  });

  it('finds x-mcp-header declarations through nested properties', () => {
    const t = tool({
      type: 'object',
      properties: {
        where: { type: 'object', properties: { region: { type: 'string', 'x-mcp-header': 'Region' } } },
      },
    });
    expect(schemasOf(t).headerParams(t)).toEqual([{ header: 'Region', path: ['where', 'region'] }]);
  });

  it('reports output that breaks the outputSchema', () => {
    const t = tool(undefined, {
      type: 'object',
      properties: { temp: { type: 'number' } },
      required: ['temp'],
    });
    const schemas = schemasOf(t);
    expect(schemas.outputProblem(t, { temp: 1 })).toBeUndefined();
    expect(schemas.outputProblem(t, {})).toBe('/temp is required');
  });
});

import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { jsonSchemaFromDto } from './dto-json-schema.js';
import { JsonRpcError } from '../common/json-rpc.js';
import {
  asText,
  clientTypeOf,
  formatPromptMessages,
  formatResourceContents,
  formatToolResult,
  matchUriTemplate,
  negotiateVersion,
  versionFromHeader,
} from './mcp-protocol.js';
import { parseMessage } from './mcp.routes.js';

describe('version negotiation and the MCP-Protocol-Version header', () => {
  it('echoes supported versions, else the latest', () => {
    expect(negotiateVersion('2024-11-05')).toBe('2024-11-05');
    expect(negotiateVersion('2025-03-26')).toBe('2025-03-26');
    expect(negotiateVersion('2026-07-28')).toBe('2025-11-25');
    expect(negotiateVersion(undefined)).toBe('2025-11-25');
    expect(negotiateVersion(42)).toBe('2025-11-25');
  });

  it('assumes 2025-03-26 without a header and refuses unknown ones with 400/-32600, no data', () => {
    expect(versionFromHeader(undefined)).toBe('2025-03-26');
    expect(versionFromHeader(' 2025-06-18 ')).toBe('2025-06-18');
    expect(versionFromHeader(['2024-11-05', 'x'])).toBe('2024-11-05');
    let error: unknown;
    try {
      versionFromHeader('2099-01-01');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonRpcError);
    expect((error as JsonRpcError).toObject()).toEqual({
      code: -32600,
      message:
        'Unsupported MCP-Protocol-Version: 2099-01-01. This server supports: 2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25, 2026-07-28',
    });
    expect((error as JsonRpcError).httpStatus).toBe(400);
  });
});

describe('formatToolResult', () => {
  const V_OLD = '2025-03-26';
  const V_NEW = '2025-11-25';

  it('passes MCP-shaped results through, structuredContent only from 2025-06-18', () => {
    const shaped = {
      content: [{ type: 'text', text: 'hi' }],
      structuredContent: { a: 1 },
      _meta: { m: 1 },
      other: 'dropped',
    };
    expect(formatToolResult(shaped, V_NEW, false)).toEqual({
      content: [{ type: 'text', text: 'hi' }],
      isError: false,
      _meta: { m: 1 },
      structuredContent: { a: 1 },
    });
    expect(formatToolResult(shaped, V_OLD, false)).not.toHaveProperty('structuredContent');
    expect(formatToolResult({ content: [], isError: true, structuredContent: [1] }, V_NEW, false)).toEqual({
      content: [],
      isError: true,
    });
  });

  it('serialises other values as JSON text (strings as they are)', () => {
    expect(formatToolResult({ a: 'æ' }, V_NEW, false)).toEqual({
      content: [{ type: 'text', text: '{"a":"æ"}' }],
      isError: false,
    });
    expect(formatToolResult('plain', V_NEW, false).content).toEqual([{ type: 'text', text: 'plain' }]);
    expect(formatToolResult(3, V_NEW, false).content).toEqual([{ type: 'text', text: '3' }]);
    expect(formatToolResult([1, 2], V_NEW, true)).toEqual({
      content: [{ type: 'text', text: '[1,2]' }],
      isError: false,
    });
    expect(formatToolResult(null, V_NEW, false)).toEqual({ content: [], isError: false });
  });

  it('adds structuredContent for a plain object when the tool has an outputSchema (2025-06-18+)', () => {
    expect(formatToolResult({ t: 1 }, V_NEW, true)).toMatchObject({ structuredContent: { t: 1 } });
    expect(formatToolResult({ t: 1 }, V_OLD, true)).not.toHaveProperty('structuredContent');
  });
});

describe('prompts, resources, text', () => {
  it('builds prompt messages', () => {
    const messages = [{ role: 'assistant', content: { type: 'text', text: 'x' } }];
    expect(formatPromptMessages({ messages })).toBe(messages);
    expect(formatPromptMessages({ prompt: 'Do it' })).toEqual([
      { role: 'user', content: { type: 'text', text: 'Do it' } },
    ]);
    expect(formatPromptMessages({ a: 1 })[0]).toEqual({
      role: 'user',
      content: { type: 'text', text: '{"a":1}' },
    });
  });

  it('builds resource contents', () => {
    expect(formatResourceContents({ contents: [] }, 'u://x', undefined)).toEqual({ contents: [] });
    expect(formatResourceContents('text', 'u://x', 'text/plain')).toEqual({
      contents: [{ uri: 'u://x', mimeType: 'text/plain', text: 'text' }],
    });
    expect(formatResourceContents({ a: 1 }, 'u://x', undefined)).toEqual({
      contents: [{ uri: 'u://x', mimeType: 'application/json', text: '{\n  "a": 1\n}' }],
    });
  });

  it('never throws on unserialisable values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(asText(cyclic)).toBe('[object Object]');
    expect(asText(10n)).toBe('10');
  });
});

describe('matchUriTemplate', () => {
  it.each([
    ['notes://{id}', 'notes://42', { id: '42' }],
    ['notes://{id}', 'notes://a/b', null],
    ['notes://{folder}/{id}', 'notes://work/7', { folder: 'work', id: '7' }],
    ['notes://recent', 'notes://recent', {}],
    ['a.b://{x}', 'aXb://1', null],
    ['files://{name}', 'files://my%20file', { name: 'my file' }],
  ])('%s vs %s', (template, uri, expected) => {
    const result = matchUriTemplate(template, uri);
    expect(result === null ? null : { ...result }).toEqual(expected);
  });
});

describe('clientTypeOf', () => {
  it.each([
    ['Claude-User/1.0', 'claude'],
    ['openai-mcp/1.0', 'chatgpt'],
    ['Cursor/0.4', 'cursor'],
    ['mcp-inspector/0.16', 'mcp_inspector'],
    ['node', 'universal'],
    [undefined, 'universal'],
  ])('%s → %s', (ua, type) => expect(clientTypeOf(ua)).toBe(type));
});

describe('parseMessage', () => {
  it('maps body problems to JSON-RPC errors', () => {
    const codeOf = (body: unknown) => {
      try {
        parseMessage(body, 8);
        return 0;
      } catch (e) {
        return (e as JsonRpcError).code;
      }
    };
    expect(codeOf(undefined)).toBe(-32700);
    expect(codeOf('  ')).toBe(-32700);
    expect(codeOf('{x')).toBe(-32700);
    expect(codeOf('{"__proto__":{}}')).toBe(-32600);
    expect(codeOf('[[[[[[[[[[1]]]]]]]]]]')).toBe(-32600);
    expect(parseMessage('{"a":[1]}', 8)).toEqual({ a: [1] });
  });
});

enum Color {
  Red = 'red',
  Blue = 'blue',
}
enum Level {
  Low,
  High,
}

class NoteDto {
  @IsString()
  @Length(1, 80)
  title!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  priority?: number;

  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(5)
  tags?: string[];

  @IsIn(['a', 'b'])
  kind!: string;

  @IsEnum(Color)
  color!: Color;

  @IsEnum(Level)
  level!: Level;

  @IsEmail()
  @IsOptional()
  owner?: string;

  @IsBoolean()
  pinned!: boolean;

  @IsNotEmpty()
  @Matches(/^[a-z]+$/)
  slug!: string;

  @IsOptional()
  untyped?: number;
}

describe('jsonSchemaFromDto', () => {
  it('derives an object schema from class-validator metadata', () => {
    expect(
      jsonSchemaFromDto(NoteDto, { description: 'A note', properties: { title: { description: 'Title' } } }),
    ).toEqual({
      type: 'object',
      description: 'A note',
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 80, description: 'Title' },
        priority: { type: 'integer', minimum: 0, maximum: 10 },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
        kind: { enum: ['a', 'b'] },
        color: { enum: ['red', 'blue'] },
        level: { enum: [0, 1] },
        owner: { type: 'string', format: 'email' },
        pinned: { type: 'boolean' },
        slug: { minLength: 1, pattern: '^[a-z]+$', type: 'string' },
        untyped: { type: 'number' },
      },
      required: ['title', 'kind', 'color', 'level', 'pinned', 'slug'],
    });
  });
});

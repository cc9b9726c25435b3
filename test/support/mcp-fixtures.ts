import { Injectable } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import {
  ActionHook,
  BadRequestError,
  jsonSchemaFromDto,
  McpPrompt,
  McpResource,
  McpTool,
  MethodHook,
  validateBody,
  type ActionHookContext,
  type MethodHookContext,
} from '@actingweb/nestjs';
import type { TestServer } from './test-app.js';
import { TrustRepository } from '../../libs/actingweb/src/storage/trust.repository.js';

export class SearchDto {
  @IsString()
  @MaxLength(100)
  query!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

/**
 * Tools, prompts and resources for the MCP e2e suites. Against the built-in
 * `mcp_client` trust type: `search`, `get_weather` and `list_notes` are
 * allowed tools, `admin_reset` is denied, `fail_tool`/`crash_tool` are not
 * mentioned (hidden from peers); `summarize_notes` is an allowed prompt,
 * `secret_prompt` is not; `notes://…` resources are readable, `private/diary` is not.
 */
@Injectable()
export class McpFixtureHooks {
  readonly calls: Array<{ name: string; data: unknown; caller: string }> = [];

  @ActionHook('search')
  @McpTool({ description: 'Search notes', title: 'Search', inputSchema: jsonSchemaFromDto(SearchDto) })
  async search(ctx: ActionHookContext) {
    const args = await validateBody(SearchDto, ctx.data);
    this.calls.push({ name: 'search', data: ctx.data, caller: ctx.caller.kind });
    return { actor: ctx.actor.id, hits: [`${args.query}-1`, `${args.query}-2`].slice(0, args.limit ?? 2) };
  }

  @ActionHook('get_weather')
  @McpTool({
    description: 'Current weather',
    outputSchema: { type: 'object', properties: { temp: { type: 'number' } }, required: ['temp'] },
    annotations: { readOnlyHint: true },
  })
  weather() {
    return { temp: 21.5 };
  }

  @McpTool({ name: 'list_notes', description: 'List notes (MCP-shaped result)' })
  listNotes() {
    return {
      content: [{ type: 'text', text: 'a, b' }],
      structuredContent: { notes: ['a', 'b'] },
    };
  }

  @McpTool({ name: 'admin_reset', description: 'Resets everything' })
  reset() {
    return 'reset done';
  }

  @ActionHook('fail_tool')
  @McpTool({ description: 'Fails on purpose' })
  fail(): never {
    throw new BadRequestError('the note is locked');
  }

  @ActionHook('crash_tool')
  @McpTool({ description: 'Crashes' })
  crash(): never {
    throw new Error('secret internal detail');
  }

  @McpTool({ name: 'get_claude_tip', description: 'Only for Claude', allowedClients: ['claude'] })
  claudeTip() {
    return 'tip';
  }

  @MethodHook('summarize_notes')
  @McpPrompt({
    description: 'Summarize notes on a topic',
    arguments: [{ name: 'topic', description: 'What to summarize', required: true }],
  })
  summarize(ctx: MethodHookContext) {
    return { prompt: `Summarize my notes about ${(ctx.data as { topic: string }).topic}` };
  }

  @McpPrompt({ name: 'secret_prompt' })
  secretPrompt() {
    return {
      messages: [{ role: 'user', content: { type: 'text', text: 'secret' } }],
    };
  }

  @McpResource({ uri: 'notes://recent', name: 'Recent notes', description: 'The latest notes' })
  recent(ctx: MethodHookContext) {
    return { actor: ctx.actor.id, notes: ['a', 'b'] };
  }

  @McpResource({ uriTemplate: 'notes://item/{id}', name: 'One note', mimeType: 'text/plain' })
  note(ctx: MethodHookContext) {
    const { id } = ctx.data as { id: string };
    return id === 'missing' ? null : `note ${id}`;
  }

  @McpResource({ uri: 'private/diary', name: 'Diary' })
  diary() {
    return { text: 'dear diary' };
  }
}

let counter = 0;

/** Inserts an approved trust with a known secret (what a registration flow would create). */
export async function addTrust(
  server: TestServer,
  actorId: string,
  relationship: string,
  options: { secret?: string; approved?: boolean; peerId?: string } = {},
): Promise<{ peerId: string; secret: string }> {
  counter += 1;
  const peerId = options.peerId ?? `peer${counter}${'0'.repeat(8)}`;
  const secret = options.secret ?? `secret-${relationship}-${counter}-${Math.random().toString(36).slice(2)}`;
  await server.app.get(TrustRepository).insert({
    actorId,
    peerId,
    baseuri: '',
    peerType: 'urn:actingweb:test:mcp-client',
    relationship,
    secret,
    description: 'test client',
    approved: options.approved ?? true,
    peerApproved: true,
    verified: true,
    verificationToken: null,
    establishedVia: 'test',
    createdAt: new Date().toISOString(),
  });
  return { peerId, secret };
}

/**
 * Tools for the 2026-07-28 and validation suites: each records the calls that
 * reach it, so a test can prove a refused call never ran the hook.
 */
@Injectable()
export class McpExtraTools {
  readonly calls: Array<{ name: string; data: unknown }> = [];

  @McpTool({
    name: 'get_counted',
    description: 'Counts to n',
    inputSchema: {
      type: 'object',
      properties: { n: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['n'],
      additionalProperties: false,
    },
  })
  counted(ctx: ActionHookContext) {
    this.calls.push({ name: 'get_counted', data: ctx.data });
    return { counted: (ctx.data as { n: number }).n };
  }

  @McpTool({
    name: 'get_region_rows',
    description: 'Rows of a region',
    inputSchema: {
      type: 'object',
      properties: {
        region: { type: 'string', 'x-mcp-header': 'Region' },
        limit: { type: 'integer', 'x-mcp-header': 'Limit' },
        query: { type: 'string' },
      },
      required: ['region', 'query'],
    },
  })
  regionRows(ctx: ActionHookContext) {
    this.calls.push({ name: 'get_region_rows', data: ctx.data });
    return { rows: [] };
  }

  @McpTool({
    name: 'get_widget',
    description: 'Renders a widget (needs the MCP Apps extension)',
    requiredClientCapabilities: { extensions: { 'io.modelcontextprotocol/ui': {} } },
  })
  widget() {
    this.calls.push({ name: 'get_widget', data: null });
    return 'widget';
  }

  @McpTool({
    name: 'get_greeting',
    description: 'Greets anyone',
    clientDescriptions: { claude: 'Greets Claude', chatgpt: 'Greets ChatGPT' },
  })
  greeting() {
    return 'hello';
  }

  @McpTool({
    name: 'get_bad_weather',
    description: 'Breaks its output schema',
    outputSchema: { type: 'object', properties: { temp: { type: 'number' } }, required: ['temp'] },
  })
  badWeather() {
    this.calls.push({ name: 'get_bad_weather', data: null });
    return { temp: 'hot' };
  }

  @McpTool({
    name: 'get_unstructured',
    description: 'Declares an output schema, returns text',
    outputSchema: { type: 'object', properties: { temp: { type: 'number' } } },
  })
  unstructured() {
    return 'just text';
  }
}

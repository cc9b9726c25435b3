import { Inject, Injectable, Logger } from '@nestjs/common';
import { JSONRPC_ERRORS, JsonRpcError, toJsonRpcError } from '../common/json-rpc.js';
import { logPrefix } from '../common/request-context.js';
import { AwConfig } from '../config/aw-config.js';
import { logFailure } from '../errors/failures.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { McpResourceEntry } from '../hooks/hook-registry.types.js';
import { PermissionGate } from '../permissions/permission-gate.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import {
  accessDenied,
  clip,
  optionalObject,
  requireName,
  type McpCallContext,
  type Params,
} from './mcp-context.js';
import { paginate } from './mcp-pagination.js';
import { formatPromptMessages, formatResourceContents, matchUriTemplate } from './mcp-protocol.js';

/** Server capabilities: every kind the endpoint can list (an empty list is a valid answer). */
export const MCP_CAPABILITIES = Object.freeze({
  tools: Object.freeze({ listChanged: false }),
  prompts: Object.freeze({ listChanged: false }),
  resources: Object.freeze({ subscribe: false, listChanged: false }),
});

/**
 * Prompts (`@McpPrompt` method hooks) and resources (`@McpResource` method
 * hooks), listed and used per caller. Tools are in `McpTools`.
 *
 * The creator and the trustee see and may use everything. A trust peer (e.g.
 * an `mcp_client` trust) only what its effective trust permissions
 * **explicitly allow** (`prompts`/`invoke`, `resources`/`read`), through the
 * `explicit` mode of the {@link PermissionGate}: rules that say nothing, and
 * failures to load them, hide the item (fail closed, as the Python reference
 * does for MCP). Permission is checked before the item is looked up, so a
 * denied caller cannot probe which names exist.
 */
@Injectable()
export class McpCatalog {
  private readonly logger = new Logger('ActingWebMcp');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(HookRegistry) private readonly registry: HookRegistry,
    @Inject(HookInvoker) private readonly invoker: HookInvoker,
    @Inject(PermissionGate) private readonly gate: PermissionGate,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  async listPrompts(ctx: McpCallContext, params: Params): Promise<Params> {
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    const visible = this.registry.mcpPrompts().filter((p) => check.allows('prompts', p.name, 'invoke'));
    const page = paginate('prompts', visible, (p) => p.name, params.cursor, this.config.mcp.pageSize);
    return {
      prompts: page.items.map((prompt) => ({
        name: prompt.name,
        ...(prompt.description !== undefined && { description: prompt.description }),
        ...(prompt.arguments.length > 0 && {
          arguments: prompt.arguments.map((a) => ({
            name: a.name,
            ...(a.description !== undefined && { description: a.description }),
            ...(a.required !== undefined && { required: a.required }),
          })),
        }),
      })),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  async getPrompt(ctx: McpCallContext, params: Params): Promise<Params> {
    const name = requireName(params.name, 'Missing prompt name');
    const args = optionalObject(params.arguments, 'Prompt arguments must be an object');
    for (const [key, value] of Object.entries(args)) {
      if (typeof value !== 'string') {
        throw new JsonRpcError(
          JSONRPC_ERRORS.INVALID_PARAMS,
          `Prompt argument ${clip(key)} must be a string`,
        );
      }
    }
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    if (!check.allows('prompts', name, 'invoke')) throw accessDenied('use prompt', name);
    const prompt = this.registry.mcpPrompts().find((p) => p.name === name);
    if (!prompt) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, `Unknown prompt: ${clip(name)}`);
    for (const arg of prompt.arguments) {
      if (arg.required && !(arg.name in args)) {
        throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, `Missing required argument: ${arg.name}`);
      }
    }
    const outcome = await this.invoker.runMethod({
      actor: this.handles.create(ctx.actor),
      name: prompt.hookName,
      data: args,
      caller: ctx.caller,
      httpMethod: 'POST',
    });
    if (outcome.error !== undefined) {
      logFailure(this.logger, logPrefix(), outcome.error);
      throw toJsonRpcError(outcome.error, 'hook', `Prompt ${name} failed`);
    }
    if (!outcome.handled) {
      throw new JsonRpcError(JSONRPC_ERRORS.INTERNAL_ERROR, `Prompt ${name} produced no result`);
    }
    return {
      ...(prompt.description !== undefined && { description: prompt.description }),
      messages: formatPromptMessages(outcome.result),
    };
  }

  /** Fixed URIs, plus templates listed verbatim (parity with the reference; docs/mcp.md). */
  async listResources(ctx: McpCallContext, params: Params): Promise<Params> {
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    const visible = this.registry
      .mcpResources()
      .filter((entry) => check.allows('resources', resourceKey(entry), 'read'));
    const page = paginate('resources', visible, resourceKey, params.cursor, this.config.mcp.pageSize);
    return {
      resources: page.items.map((entry) => ({ uri: resourceKey(entry), ...describeResource(entry) })),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  async listResourceTemplates(ctx: McpCallContext, params: Params): Promise<Params> {
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    const visible = this.registry
      .mcpResources()
      .filter(
        (entry) => entry.uriTemplate !== undefined && check.allows('resources', entry.uriTemplate, 'read'),
      );
    const page = paginate('resourceTemplates', visible, resourceKey, params.cursor, this.config.mcp.pageSize);
    return {
      resourceTemplates: page.items.map((entry) => ({
        uriTemplate: entry.uriTemplate,
        ...describeResource(entry),
      })),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  /**
   * Reads a resource: an exact `uri` entry first, else the first template that
   * matches. The method hook gets `{ ...templateVariables, uri }` as data; a
   * `null` answer, like no match, is "not found" (`-32002` in the legacy era,
   * `-32602` from 2026-07-28 on, both with `data.uri`).
   */
  async readResource(ctx: McpCallContext, params: Params): Promise<Params> {
    const uri = requireName(params.uri, 'Missing resource URI');
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    if (!check.allows('resources', uri, 'read')) throw accessDenied('read resource', uri);
    const resources = this.registry.mcpResources();
    let entry = resources.find((r) => r.uri === uri);
    let vars: Record<string, string> = {};
    if (!entry) {
      for (const candidate of resources) {
        const match =
          candidate.uriTemplate !== undefined ? matchUriTemplate(candidate.uriTemplate, uri) : null;
        if (match) {
          entry = candidate;
          vars = match;
          break;
        }
      }
    }
    if (!entry) throw resourceNotFound(uri, ctx.era);
    const outcome = await this.invoker.runMethod({
      actor: this.handles.create(ctx.actor),
      name: entry.hookName,
      data: { ...vars, uri },
      caller: ctx.caller,
      httpMethod: 'GET',
    });
    if (outcome.error !== undefined) {
      logFailure(this.logger, logPrefix(), outcome.error);
      throw toJsonRpcError(outcome.error, 'hook', 'Resource read failed');
    }
    if (!outcome.handled || outcome.result === null || outcome.result === undefined) {
      throw resourceNotFound(uri, ctx.era);
    }
    return formatResourceContents(outcome.result, uri, entry.mimeType) as Params;
  }
}

/** A resource's URI, or its template: its name in listings, permissions and cursors. */
function resourceKey(entry: McpResourceEntry): string {
  return entry.uri ?? entry.uriTemplate!;
}

function describeResource(entry: McpResourceEntry): Params {
  return {
    name: entry.name,
    ...(entry.description !== undefined && { description: entry.description }),
    mimeType: entry.mimeType ?? 'application/json',
  };
}

function resourceNotFound(uri: string, era: McpCallContext['era']): JsonRpcError {
  const code = era === 'modern' ? JSONRPC_ERRORS.INVALID_PARAMS : JSONRPC_ERRORS.RESOURCE_NOT_FOUND;
  return new JsonRpcError(code, 'Resource not found', 200, { uri: clip(uri) });
}

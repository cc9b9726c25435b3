import { Inject, Injectable, Logger } from '@nestjs/common';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { Caller } from '../common/caller.js';
import { errorMessage, logFailure, publicMessage } from '../errors/failures.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { McpResourceEntry, McpToolEntry } from '../hooks/hook-registry.types.js';
import { isPlainObject } from '../common/json.js';
import { logPrefix } from '../common/request-context.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { evaluatePermission } from '../permissions/permission-evaluator.js';
import { PermissionService } from '../permissions/permission.service.js';
import type { PermissionCategory } from '../common/permissions.types.js';
import { JSONRPC_ERRORS, JsonRpcError, toJsonRpcError } from '../common/json-rpc.js';
import {
  formatPromptMessages,
  formatResourceContents,
  formatToolResult,
  matchUriTemplate,
  supportsStructuredContent,
  toolErrorResult,
} from './mcp-protocol.js';

/** One MCP request after authentication. */
export interface McpCallContext {
  readonly actor: ActorRecord;
  readonly caller: Caller;
  /** The protocol version the request speaks. */
  readonly version: string;
  /** Client family for `allowedClients` (see `clientTypeOf`). */
  readonly clientType: string;
}

type Params = Record<string, unknown>;
type Allowed = (category: PermissionCategory, target: string, operation: string) => boolean;

const ALLOW_ALL: Allowed = () => true;
const DENY_ALL: Allowed = () => false;
const DEFAULT_INPUT_SCHEMA = Object.freeze({ type: 'object', properties: {} });

/**
 * Tools, prompts and resources from the hook registry (`@McpTool` on action
 * hooks, `@McpPrompt`/`@McpResource` on method hooks), filtered per caller.
 *
 * The creator and the trustee see and may use everything. A trust peer (e.g.
 * an `mcp_client` trust) sees and may use only what its effective trust
 * permissions **explicitly allow** (`tools`/`use`, `prompts`/`invoke`,
 * `resources`/`read`), evaluated by the same evaluator as REST; rules that say
 * nothing, and evaluation failures, hide the item (fail closed, as the Python
 * reference does for MCP). Permission is checked before the item is looked up,
 * so a denied caller cannot probe which names exist.
 */
@Injectable()
export class McpCatalog {
  private readonly logger = new Logger('ActingWebMcp');

  constructor(
    @Inject(HookRegistry) private readonly registry: HookRegistry,
    @Inject(HookInvoker) private readonly invoker: HookInvoker,
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** Server capabilities for `initialize`: only the kinds that have entries. */
  capabilities(): Record<string, unknown> {
    return {
      ...(this.registry.mcpTools().length > 0 && { tools: { listChanged: false } }),
      ...(this.registry.mcpPrompts().length > 0 && { prompts: { listChanged: false } }),
      ...(this.registry.mcpResources().length > 0 && { resources: { subscribe: false, listChanged: false } }),
    };
  }

  async listTools(ctx: McpCallContext): Promise<Params> {
    const allowed = await this.gate(ctx);
    const structured = supportsStructuredContent(ctx.version);
    const tools: Params[] = [];
    for (const tool of this.registry.mcpTools()) {
      if (tool.allowedClients && !tool.allowedClients.includes(ctx.clientType)) continue;
      if (!allowed('tools', tool.name, 'use')) continue;
      tools.push({
        name: tool.name,
        ...(tool.title !== undefined && { title: tool.title }),
        description: tool.description,
        inputSchema: objectSchema(tool.inputSchema) ?? DEFAULT_INPUT_SCHEMA,
        ...(structured && tool.outputSchema && { outputSchema: objectSchema(tool.outputSchema) }),
        ...(tool.annotations && { annotations: tool.annotations }),
      });
    }
    return { tools };
  }

  /** Runs the tool's action hook. Hook failures are `isError` results, not JSON-RPC errors. */
  async callTool(ctx: McpCallContext, params: Params): Promise<Params> {
    const name = requireName(params.name, 'Missing tool name');
    const args = optionalObject(params.arguments, 'Tool arguments must be an object');
    if (!(await this.gate(ctx))('tools', name, 'use')) throw accessDenied('use tool', name);
    const tool = this.registry.mcpTools().find((t) => t.name === name);
    if (!tool) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, `Unknown tool: ${clip(name)}`);
    const outcome = await this.invoker.runAction({
      actor: this.handles.create(ctx.actor),
      name: tool.hookName,
      data: args,
      caller: ctx.caller,
      httpMethod: 'POST',
    });
    if (outcome.error !== undefined) {
      logFailure(this.logger, logPrefix(), outcome.error);
      return toolErrorResult(publicMessage(outcome.error, `Tool ${name} failed`));
    }
    return formatToolResult(outcome.handled ? outcome.result : null, ctx.version, hasOutputSchema(tool));
  }

  async listPrompts(ctx: McpCallContext): Promise<Params> {
    const allowed = await this.gate(ctx);
    const prompts: Params[] = [];
    for (const prompt of this.registry.mcpPrompts()) {
      if (!allowed('prompts', prompt.name, 'invoke')) continue;
      prompts.push({
        name: prompt.name,
        ...(prompt.description !== undefined && { description: prompt.description }),
        ...(prompt.arguments.length > 0 && {
          arguments: prompt.arguments.map((a) => ({
            name: a.name,
            ...(a.description !== undefined && { description: a.description }),
            ...(a.required !== undefined && { required: a.required }),
          })),
        }),
      });
    }
    return { prompts };
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
    if (!(await this.gate(ctx))('prompts', name, 'invoke')) throw accessDenied('use prompt', name);
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

  /** Fixed URIs, plus templates listed verbatim (parity with the reference; `shared/docs/mcp.md` §5.3). */
  async listResources(ctx: McpCallContext): Promise<Params> {
    const allowed = await this.gate(ctx);
    const resources: Params[] = [];
    for (const entry of this.registry.mcpResources()) {
      const uri = entry.uri ?? entry.uriTemplate!;
      if (!allowed('resources', uri, 'read')) continue;
      resources.push({ uri, ...describeResource(entry) });
    }
    return { resources };
  }

  async listResourceTemplates(ctx: McpCallContext): Promise<Params> {
    const allowed = await this.gate(ctx);
    const resourceTemplates: Params[] = [];
    for (const entry of this.registry.mcpResources()) {
      if (entry.uriTemplate === undefined || !allowed('resources', entry.uriTemplate, 'read')) continue;
      resourceTemplates.push({ uriTemplate: entry.uriTemplate, ...describeResource(entry) });
    }
    return { resourceTemplates };
  }

  /**
   * Reads a resource: an exact `uri` entry first, else the first template that
   * matches. The method hook gets `{ ...templateVariables, uri }` as data.
   */
  async readResource(ctx: McpCallContext, params: Params): Promise<unknown> {
    const uri = requireName(params.uri, 'Missing resource URI');
    if (!(await this.gate(ctx))('resources', uri, 'read')) throw accessDenied('read resource', uri);
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
    if (!entry) throw resourceNotFound(uri);
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
    if (!outcome.handled) throw resourceNotFound(uri);
    return formatResourceContents(outcome.result, uri, entry.mimeType);
  }

  /**
   * The permission check for this request: everything for the creator and the
   * trustee; for a trust peer, its effective permissions loaded once and
   * evaluated per item (`allowed` only).
   */
  private async gate(ctx: McpCallContext): Promise<Allowed> {
    const { caller } = ctx;
    if (caller.kind === 'creator' || caller.kind === 'trustee') return ALLOW_ALL;
    if (caller.kind !== 'peer') return DENY_ALL;
    try {
      const { permissions } = await this.permissions.effective(
        ctx.actor.id,
        caller.peerId,
        caller.relationship,
      );
      return (category, target, operation) =>
        evaluatePermission(permissions, category, target, operation) === 'allowed';
    } catch (err) {
      this.logger.warn(
        `MCP permission check failed for ${ctx.actor.id}:${caller.peerId}, denying: ${errorMessage(err)}`,
      );
      return DENY_ALL;
    }
  }
}

function describeResource(entry: McpResourceEntry): Params {
  return {
    name: entry.name,
    ...(entry.description !== undefined && { description: entry.description }),
    mimeType: entry.mimeType ?? 'application/json',
  };
}

function hasOutputSchema(tool: McpToolEntry): boolean {
  return tool.outputSchema !== undefined;
}

/** Tool schemas must be `type: "object"` at the root (the SDKs reject the whole list otherwise). */
function objectSchema(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  return schema.type === 'object' ? schema : { ...schema, type: 'object' };
}

function requireName(value: unknown, message: string): string {
  if (typeof value !== 'string' || value === '')
    throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, message);
  return value;
}

function optionalObject(value: unknown, message: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, message);
  return value;
}

function accessDenied(what: string, name: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.ACCESS_DENIED, `Access denied: you may not ${what} '${clip(name)}'`);
}

function resourceNotFound(uri: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.RESOURCE_NOT_FOUND, 'Resource not found', 200, { uri: clip(uri) });
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

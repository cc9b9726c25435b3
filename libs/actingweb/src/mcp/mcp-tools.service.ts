import { Inject, Injectable, Logger } from '@nestjs/common';
import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';
import { logPrefix } from '../common/request-context.js';
import { AwConfig } from '../config/aw-config.js';
import { logFailure, publicMessage } from '../errors/failures.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { McpToolEntry } from '../hooks/hook-registry.types.js';
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
import { checkParamHeaders, hasCapabilities } from './mcp-eras.js';
import { paginate } from './mcp-pagination.js';
import { formatToolResult, supportsStructuredContent, toolErrorResult } from './mcp-protocol.js';
import { McpToolSchemas, objectSchema } from './mcp-tool-schemas.js';

const DEFAULT_INPUT_SCHEMA = Object.freeze({ type: 'object', properties: {} });

/**
 * MCP tools: action hooks marked `@McpTool`, listed and called per caller.
 *
 * The creator and the trustee see and may use every tool; a trust peer only
 * those its trust permissions explicitly allow (`tools`/`use`, the
 * `explicit` mode of the {@link PermissionGate}). Permission is checked
 * before the tool is looked up, so a denied caller cannot probe which names
 * exist. Arguments are validated against the tool's `inputSchema` before the
 * hook runs (`-32602` with the failing path); in development mode the
 * result is checked against its `outputSchema`.
 */
@Injectable()
export class McpTools {
  private readonly logger = new Logger('ActingWebMcp');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(HookRegistry) private readonly registry: HookRegistry,
    @Inject(HookInvoker) private readonly invoker: HookInvoker,
    @Inject(PermissionGate) private readonly gate: PermissionGate,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(McpToolSchemas) private readonly schemas: McpToolSchemas,
  ) {}

  /**
   * The tools this caller may use, in registration order, one page at a
   * time. `allowedClients` hides a tool from other client families; the
   * description is the client family's from `clientDescriptions`, if any.
   */
  async list(ctx: McpCallContext, params: Params): Promise<Params> {
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    const visible = this.registry
      .mcpTools()
      .filter(
        (tool) =>
          (!tool.allowedClients || tool.allowedClients.includes(ctx.clientType)) &&
          check.allows('tools', tool.name, 'use'),
      );
    const page = paginate('tools', visible, (tool) => tool.name, params.cursor, this.config.mcp.pageSize);
    const structured = supportsStructuredContent(ctx.version);
    return {
      tools: page.items.map((tool) => ({
        name: tool.name,
        ...(tool.title !== undefined && { title: tool.title }),
        description: tool.clientDescriptions?.[ctx.clientType] ?? tool.description,
        inputSchema: tool.inputSchema ? objectSchema(tool.inputSchema) : DEFAULT_INPUT_SCHEMA,
        ...(structured && tool.outputSchema && { outputSchema: objectSchema(tool.outputSchema) }),
        ...(tool.annotations && { annotations: tool.annotations }),
      })),
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
    };
  }

  /**
   * Runs the tool's action hook. In order: the caller's permission
   * (`-32003`), the tool (`-32602`), on 2026-07-28 the client capabilities it
   * needs (`-32021`) and its `Mcp-Param-*` headers (`-32020`), then the
   * arguments (`-32602`). Hook failures are `isError` results, not JSON-RPC errors.
   */
  async call(ctx: McpCallContext, params: Params): Promise<Params> {
    const name = requireName(params.name, 'Missing tool name');
    const args = optionalObject(params.arguments, 'Tool arguments must be an object');
    const check = await this.gate.for(ctx.actor, ctx.caller, 'explicit');
    if (!check.allows('tools', name, 'use')) throw accessDenied('use tool', name);
    const tool = this.registry.mcpTools().find((t) => t.name === name);
    if (!tool) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, `Unknown tool: ${clip(name)}`);
    if (ctx.era === 'modern') {
      const required = tool.requiredClientCapabilities;
      if (required && !hasCapabilities(ctx.clientCapabilities, required)) {
        throw new JsonRpcError(
          JSONRPC_ERRORS.MISSING_CLIENT_CAPABILITY,
          `Tool ${name} requires client capabilities this request does not declare`,
          400,
          { requiredCapabilities: required },
        );
      }
      checkParamHeaders(this.schemas.headerParams(tool), args, ctx.headers);
    }
    this.schemas.checkArguments(tool, args);
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
    const result = formatToolResult(
      outcome.handled ? outcome.result : null,
      ctx.version,
      tool.outputSchema !== undefined,
    );
    if (this.config.mcp.developmentMode) this.checkOutput(tool, result, ctx.version);
    return result;
  }

  /**
   * Development mode: a tool with an `outputSchema` must return matching
   * `structuredContent` (MCP "Output Schema"); otherwise the developer gets
   * `-32603` naming the failing path instead of a result clients reject.
   */
  private checkOutput(tool: McpToolEntry, result: Params, version: string): void {
    if (!tool.outputSchema || result.isError === true || !supportsStructuredContent(version)) return;
    const problem =
      result.structuredContent === undefined
        ? 'no structuredContent'
        : this.schemas.outputProblem(tool, result.structuredContent);
    if (problem === undefined) return;
    const message = `Tool ${tool.name} returned a result that does not match its outputSchema: ${problem}`;
    this.logger.error(`${logPrefix()}${message} (${tool.label}; checked in development mode)`);
    throw new JsonRpcError(JSONRPC_ERRORS.INTERNAL_ERROR, message);
  }
}

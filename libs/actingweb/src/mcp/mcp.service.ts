import { Inject, Injectable, Logger } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { isPlainObject } from '../common/json.js';
import { logPrefix } from '../common/request-context.js';
import { idOf, JSONRPC_ERRORS, JsonRpcError, jsonRpcError, jsonRpcResult } from '../common/json-rpc.js';
import { McpAuthenticator } from './mcp-auth.service.js';
import { McpCatalog, type McpCallContext } from './mcp-catalog.service.js';
import { MCP_SCOPE } from '../config/identity-options.js';
import { clientTypeOf, MCP_PROTOCOL_VERSIONS, negotiateVersion, versionFromHeader } from './mcp-protocol.js';

/** The HTTP facts an MCP message is handled with. */
export interface McpRequestInfo {
  /** The actor of `/{actorId}/mcp`; undefined at the root `/mcp`. */
  readonly actorId?: string;
  readonly authorization?: string;
  readonly protocolVersion?: string | string[];
  readonly userAgent?: string;
}

/** What to answer: status, optional JSON body, extra headers. */
export interface McpResponse {
  readonly status: number;
  readonly body?: Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
}

const MAX_NAME_IN_MESSAGE = 100;

/**
 * The stateless MCP JSON-RPC core (legacy era; `shared/docs/mcp.md` §1.4, §3.3, §5):
 * one JSON-RPC message in, one JSON answer (or 202) out. No sessions, no SSE.
 *
 * Order: envelope checks (400 `-32600`; batches are refused) → `initialize`
 * (no credentials needed, but checked when sent) → the `MCP-Protocol-Version`
 * header (400 `-32600` without `data` when unsupported) → notifications and
 * client responses (202, empty) → `ping` → authentication (401) → the method.
 */
@Injectable()
export class McpService {
  private readonly logger = new Logger('ActingWebMcp');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(McpAuthenticator) private readonly auth: McpAuthenticator,
    @Inject(McpCatalog) private readonly catalog: McpCatalog,
  ) {}

  async handle(message: unknown, info: McpRequestInfo): Promise<McpResponse> {
    try {
      return await this.dispatch(message, info);
    } catch (err) {
      const id = idOf(message);
      if (err instanceof JsonRpcError) {
        return { status: err.httpStatus, headers: err.headers, body: jsonRpcError(id, err.toObject()) };
      }
      this.logger.error(
        `${logPrefix()}MCP request failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return {
        status: 500,
        body: jsonRpcError(id, { code: JSONRPC_ERRORS.INTERNAL_ERROR, message: 'Internal error' }),
      };
    }
  }

  private async dispatch(message: unknown, info: McpRequestInfo): Promise<McpResponse> {
    if (Array.isArray(message)) {
      throw invalidRequest('Batch requests are not supported; send one JSON-RPC message per request');
    }
    if (!isPlainObject(message)) throw invalidRequest('Expected a JSON-RPC 2.0 object');
    if (message.jsonrpc !== '2.0') throw invalidRequest('jsonrpc must be "2.0"');
    const hasId = Object.hasOwn(message, 'id');
    if (hasId && idOf(message) === null) throw invalidRequest('id must be a string or a number');
    if (!Object.hasOwn(message, 'method')) {
      // A response to a server-initiated request (we send none): accepted and ignored.
      if (hasId && (Object.hasOwn(message, 'result') || Object.hasOwn(message, 'error'))) {
        versionFromHeader(info.protocolVersion);
        return { status: 202 };
      }
      throw invalidRequest('method is missing');
    }
    const method = message.method;
    if (typeof method !== 'string' || method === '')
      throw invalidRequest('method must be a non-empty string');
    const id = idOf(message);

    if (method === 'initialize' && hasId) return ok(id, await this.initialize(message.params, info));
    const version = versionFromHeader(info.protocolVersion);
    if (!hasId) return { status: 202 }; // notifications/initialized, notifications/cancelled, ...
    if (message.params !== undefined && !isPlainObject(message.params)) {
      throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, 'Invalid params: params must be an object');
    }
    const params = (message.params ?? {}) as Record<string, unknown>;
    if (method === 'ping') return ok(id, {});

    const actor = info.actorId !== undefined ? await this.auth.actorAt(info.actorId) : undefined;
    const principal = await this.auth.authenticate(actor, info.authorization);
    if (!principal) throw this.auth.authenticationRequired(info.actorId);
    const ctx: McpCallContext = {
      actor: principal.actor,
      caller: principal.caller,
      version,
      clientType: clientTypeOf(info.userAgent),
    };
    switch (method) {
      case 'tools/list':
        return ok(id, await this.catalog.listTools(ctx));
      case 'tools/call':
        return ok(id, await this.catalog.callTool(ctx, params));
      case 'prompts/list':
        return ok(id, await this.catalog.listPrompts(ctx));
      case 'prompts/get':
        return ok(id, await this.catalog.getPrompt(ctx, params));
      case 'resources/list':
        return ok(id, await this.catalog.listResources(ctx));
      case 'resources/templates/list':
        return ok(id, await this.catalog.listResourceTemplates(ctx));
      case 'resources/read':
        return ok(id, await this.catalog.readResource(ctx, params));
      default:
        throw new JsonRpcError(JSONRPC_ERRORS.METHOD_NOT_FOUND, `Method not found: ${clip(method)}`);
    }
  }

  /** Negotiates the version; credentials are optional here, but checked when present. */
  private async initialize(params: unknown, info: McpRequestInfo): Promise<Record<string, unknown>> {
    if (params !== undefined && !isPlainObject(params)) {
      throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, 'Invalid params: params must be an object');
    }
    const actor = info.actorId !== undefined ? await this.auth.actorAt(info.actorId) : undefined;
    if (info.authorization !== undefined) await this.auth.authenticate(actor, info.authorization);
    const { serverName, instructions } = this.config.mcp;
    return {
      protocolVersion: negotiateVersion(params?.protocolVersion),
      capabilities: this.catalog.capabilities(),
      serverInfo: { name: serverName, version: this.config.version },
      ...(instructions !== null && { instructions }),
    };
  }

  /** The `GET` discovery document (not an MCP message; for humans and probes). */
  async discovery(actorId: string | undefined): Promise<Record<string, unknown>> {
    if (actorId !== undefined) await this.auth.actorAt(actorId);
    const capabilities = this.catalog.capabilities();
    return {
      version: negotiateVersion(undefined),
      server_name: this.config.mcp.serverName,
      capabilities: {
        tools: 'tools' in capabilities,
        resources: 'resources' in capabilities,
        prompts: 'prompts' in capabilities,
      },
      transport: {
        type: 'streamable-http',
        endpoint: this.auth.endpointUrl(actorId),
        stateless: true,
        supported_versions: MCP_PROTOCOL_VERSIONS,
      },
      authentication: {
        required: true,
        schemes: actorId !== undefined ? ['Bearer', 'Basic'] : ['Bearer'],
        resource_metadata: this.auth.resourceMetadataUrl(actorId),
      },
    };
  }

  /** RFC 9728 protected-resource metadata for one MCP endpoint. */
  async resourceMetadata(actorId: string | undefined): Promise<Record<string, unknown>> {
    if (actorId !== undefined) await this.auth.actorAt(actorId);
    return {
      resource: this.auth.endpointUrl(actorId),
      // identity: the authorization server that issues tokens for this resource (RFC 9728 §2).
      ...(this.config.identity && {
        authorization_servers: [this.config.identity.issuer],
        scopes_supported: [MCP_SCOPE],
      }),
      bearer_methods_supported: ['header'],
      resource_name: this.config.mcp.serverName,
    };
  }
}

function ok(id: ReturnType<typeof idOf>, result: unknown): McpResponse {
  return { status: 200, body: jsonRpcResult(id, result) };
}

function invalidRequest(detail: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.INVALID_REQUEST, `Invalid Request: ${detail}`, 400);
}

function clip(text: string): string {
  return text.length > MAX_NAME_IN_MESSAGE ? `${text.slice(0, MAX_NAME_IN_MESSAGE)}…` : text;
}

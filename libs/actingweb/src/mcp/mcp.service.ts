import { Inject, Injectable, Logger } from '@nestjs/common';
import { isPlainObject } from '../common/json.js';
import {
  idOf,
  JSONRPC_ERRORS,
  JsonRpcError,
  jsonRpcError,
  jsonRpcResult,
  type JsonRpcId,
} from '../common/json-rpc.js';
import { logPrefix } from '../common/request-context.js';
import { AwConfig } from '../config/aw-config.js';
import { MCP_SCOPE } from '../config/identity-options.js';
import { McpAuthenticator, type McpPrincipal } from './mcp-auth.service.js';
import { MCP_CAPABILITIES, McpCatalog } from './mcp-catalog.service.js';
import type { McpCallContext, Params } from './mcp-context.js';
import {
  checkMirroredHeaders,
  classifyEra,
  header,
  modernResult,
  type McpEra,
  type McpHeaders,
  type McpMessage,
} from './mcp-eras.js';
import {
  clientTypeOf,
  MCP_MODERN_VERSIONS,
  MCP_PROTOCOL_VERSIONS,
  MCP_SUPPORTED_VERSIONS,
  negotiateVersion,
  versionFromHeader,
} from './mcp-protocol.js';
import { McpTools } from './mcp-tools.service.js';

/** The HTTP facts an MCP message is handled with. */
export interface McpRequestInfo {
  /** The actor of `/{actorId}/mcp`; undefined at the root `/mcp`. */
  readonly actorId?: string;
  /** The request headers (lower-cased names). */
  readonly headers: McpHeaders;
}

/** What to answer: status, optional JSON body, extra headers. */
export interface McpResponse {
  readonly status: number;
  readonly body?: Record<string, unknown>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A method both eras serve after authentication; `cacheable` results get `ttlMs`/`cacheScope` (2026-07-28). */
interface McpMethod {
  readonly run: (ctx: McpCallContext, params: Params) => Promise<Params>;
  readonly cacheable: boolean;
}

type Request = McpMessage & { readonly id: JsonRpcId };

const MAX_NAME_IN_MESSAGE = 100;

/**
 * The stateless MCP JSON-RPC core: one JSON-RPC message in, one JSON answer
 * (or 202) out, in the era the message speaks (docs/mcp.md#protocol-eras).
 * No sessions, no SSE.
 *
 * Envelope checks (400 `-32600`; batches are refused), then the era:
 * - legacy: `initialize` (no credentials needed, but checked when sent) →
 *   the `MCP-Protocol-Version` header (400 `-32600` without `data` when
 *   unsupported) → notifications and client responses (202) → `ping` →
 *   authentication (401) → the method (`-32601` for unknown ones);
 * - 2026-07-28: the `_meta` envelope and mirrored headers (`-32602`,
 *   `-32020`, `-32022`, HTTP 400) → notifications (202) → `server/discover`
 *   (no credentials needed) → unknown methods (HTTP 404, `-32601`) →
 *   authentication → the method; results carry `resultType`, `_meta` with
 *   this server, and on lists and reads `ttlMs` and `cacheScope: "private"`.
 */
@Injectable()
export class McpService {
  private readonly logger = new Logger('ActingWebMcp');
  private readonly methods: ReadonlyMap<string, McpMethod>;
  private readonly serverInfo: Readonly<{ name: string; version: string }>;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(McpAuthenticator) private readonly auth: McpAuthenticator,
    @Inject(McpTools) private readonly tools: McpTools,
    @Inject(McpCatalog) private readonly catalog: McpCatalog,
  ) {
    this.serverInfo = Object.freeze({ name: config.mcp.serverName, version: config.version });
    this.methods = new Map<string, McpMethod>([
      ['tools/list', { run: (ctx, p) => this.tools.list(ctx, p), cacheable: true }],
      ['tools/call', { run: (ctx, p) => this.tools.call(ctx, p), cacheable: false }],
      ['prompts/list', { run: (ctx, p) => this.catalog.listPrompts(ctx, p), cacheable: true }],
      ['prompts/get', { run: (ctx, p) => this.catalog.getPrompt(ctx, p), cacheable: false }],
      ['resources/list', { run: (ctx, p) => this.catalog.listResources(ctx, p), cacheable: true }],
      [
        'resources/templates/list',
        { run: (ctx, p) => this.catalog.listResourceTemplates(ctx, p), cacheable: true },
      ],
      ['resources/read', { run: (ctx, p) => this.catalog.readResource(ctx, p), cacheable: true }],
    ]);
  }

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
        versionFromHeader(info.headers['mcp-protocol-version']);
        return { status: 202 };
      }
      throw invalidRequest('method is missing');
    }
    const method = message.method;
    if (typeof method !== 'string' || method === '') {
      throw invalidRequest('method must be a non-empty string');
    }
    const request: Request = { method, params: message.params, isRequest: hasId, id: idOf(message) };
    const era = classifyEra(request, info.headers);
    return era.era === 'modern' ? this.modern(request, era, info) : this.legacy(request, info);
  }

  private async legacy(request: Request, info: McpRequestInfo): Promise<McpResponse> {
    const { method, id } = request;
    if (method === 'initialize' && request.isRequest) {
      return ok(id, await this.initialize(request.params, info));
    }
    const version = versionFromHeader(info.headers['mcp-protocol-version']);
    if (!request.isRequest) return { status: 202 }; // notifications/initialized, notifications/cancelled, ...
    const params = paramsOf(request);
    if (method === 'ping') return ok(id, {});
    const principal = await this.principal(info);
    const handler = this.methods.get(method);
    if (!handler) throw methodNotFound(method, 200);
    const ctx = this.context(principal, info, version, 'legacy', header(info.headers, 'user-agent'), {});
    return ok(id, await handler.run(ctx, params));
  }

  private async modern(
    request: Request,
    era: Extract<McpEra, { era: 'modern' }>,
    info: McpRequestInfo,
  ): Promise<McpResponse> {
    if (!request.isRequest) return { status: 202 }; // the revision defines none over HTTP; accepted and ignored
    checkMirroredHeaders(request, info.headers);
    const { method, id } = request;
    const params = paramsOf(request);
    if (method === 'server/discover') {
      await this.checkCredentialsIfSent(info);
      return ok(id, modernResult(this.discover(), this.serverInfo, this.cache('public')));
    }
    const handler = this.methods.get(method);
    if (!handler) throw methodNotFound(method, 404);
    const principal = await this.principal(info);
    const clientName = era.clientName ?? header(info.headers, 'user-agent');
    const ctx = this.context(principal, info, era.version, 'modern', clientName, era.clientCapabilities);
    const result = await handler.run(ctx, params);
    return ok(
      id,
      modernResult(result, this.serverInfo, handler.cacheable ? this.cache('private') : undefined),
    );
  }

  /** Negotiates the version; credentials are optional here, but checked when present. */
  private async initialize(params: unknown, info: McpRequestInfo): Promise<Params> {
    if (params !== undefined && !isPlainObject(params)) {
      throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, 'Invalid params: params must be an object');
    }
    await this.checkCredentialsIfSent(info);
    return {
      protocolVersion: negotiateVersion(params?.protocolVersion),
      capabilities: MCP_CAPABILITIES,
      serverInfo: this.serverInfo,
      ...(this.config.mcp.instructions !== null && { instructions: this.config.mcp.instructions }),
    };
  }

  /** `server/discover` (2026-07-28): versions, capabilities and instructions, the same for every caller. */
  private discover(): Params {
    return {
      supportedVersions: MCP_SUPPORTED_VERSIONS,
      capabilities: MCP_CAPABILITIES,
      ...(this.config.mcp.instructions !== null && { instructions: this.config.mcp.instructions }),
    };
  }

  /** The `GET` discovery document (not an MCP message; for humans and probes). */
  async discovery(actorId: string | undefined): Promise<Record<string, unknown>> {
    if (actorId !== undefined) await this.auth.actorAt(actorId);
    return {
      version: negotiateVersion(undefined),
      server_name: this.config.mcp.serverName,
      capabilities: { tools: true, resources: true, prompts: true },
      transport: {
        type: 'streamable-http',
        endpoint: this.auth.endpointUrl(actorId),
        stateless: true,
        supported_versions: [...MCP_PROTOCOL_VERSIONS, ...MCP_MODERN_VERSIONS],
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

  /** The authenticated principal, or 401 (404 for an unknown actor at `/{actorId}/mcp`). */
  private async principal(info: McpRequestInfo): Promise<McpPrincipal> {
    const actor = info.actorId !== undefined ? await this.auth.actorAt(info.actorId) : undefined;
    const principal = await this.auth.authenticate(actor, authorizationOf(info));
    if (!principal) throw this.auth.authenticationRequired(info.actorId);
    return principal;
  }

  /** `initialize` and `server/discover` need no credentials, but wrong ones are refused. */
  private async checkCredentialsIfSent(info: McpRequestInfo): Promise<void> {
    const actor = info.actorId !== undefined ? await this.auth.actorAt(info.actorId) : undefined;
    const authorization = authorizationOf(info);
    if (authorization !== undefined) await this.auth.authenticate(actor, authorization);
  }

  private context(
    principal: McpPrincipal,
    info: McpRequestInfo,
    version: string,
    era: McpCallContext['era'],
    clientName: string | undefined,
    clientCapabilities: Readonly<Record<string, unknown>>,
  ): McpCallContext {
    return {
      actor: principal.actor,
      caller: principal.caller,
      version,
      era,
      clientType: clientTypeOf(clientName),
      clientCapabilities,
      headers: info.headers,
    };
  }

  private cache(scope: 'public' | 'private'): { ttlMs: number; scope: 'public' | 'private' } {
    return { ttlMs: this.config.mcp.cacheTtlMs, scope };
  }
}

function authorizationOf(info: McpRequestInfo): string | undefined {
  const value = info.headers.authorization;
  return Array.isArray(value) ? value[0] : value;
}

function paramsOf(request: Request): Params {
  if (request.params !== undefined && !isPlainObject(request.params)) {
    throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, 'Invalid params: params must be an object');
  }
  return (request.params ?? {}) as Params;
}

function ok(id: JsonRpcId, result: unknown): McpResponse {
  return { status: 200, body: jsonRpcResult(id, result) };
}

function invalidRequest(detail: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.INVALID_REQUEST, `Invalid Request: ${detail}`, 400);
}

/** Unknown methods: HTTP 200 in the legacy era, 404 from 2026-07-28 on (so a legacy 404 is not mistaken for it). */
function methodNotFound(method: string, status: number): JsonRpcError {
  const name = method.length > MAX_NAME_IN_MESSAGE ? `${method.slice(0, MAX_NAME_IN_MESSAGE)}…` : method;
  return new JsonRpcError(JSONRPC_ERRORS.METHOD_NOT_FOUND, `Method not found: ${name}`, status);
}

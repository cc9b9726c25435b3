import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { parseJsonBody } from '../http/body-parsing.js';
import { InFlightHandlers } from '../http/in-flight.js';
import { logPrefix } from '../common/request-context.js';
import { JSONRPC_ERRORS, JsonRpcError, jsonRpcError, toJsonRpcError } from '../common/json-rpc.js';
import { McpService, type McpResponse } from './mcp.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const CORS_ALLOW_HEADERS =
  'Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Method, Mcp-Name, Mcp-Session-Id, Last-Event-ID';
const CORS_EXPOSE_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version';

type Req = FastifyRequest<{ Params: { actorId?: string } }>;

/**
 * The MCP HTTP endpoints (streamable HTTP, stateless, JSON only, both protocol
 * eras): a Fastify plugin, registered directly on Fastify in its own scope at
 * module init when `mcp.enabled` (otherwise the routes do not exist: 404).
 * Not a Nest controller, like every route of the library: docs/architecture.md#mcp-routes-a-fastify-plugin.
 * The browser answers (`Origin` check, CORS headers, preflights) are made
 * here, as Nest's guards, interceptors and global prefix do not apply (with
 * `app.enableCors()`, Nest's CORS hook runs first, on every route).
 *
 * | Route | Answer |
 * | --- | --- |
 * | `POST /mcp`, `POST /{actorId}/mcp` | one JSON-RPC message → JSON, or 202 for notifications |
 * | `GET` same | 405 (`Allow: POST`) for `Accept: text/event-stream` (no SSE); otherwise a discovery JSON |
 * | `DELETE` same | 405: there are no sessions to end |
 * | `OPTIONS` same | CORS preflight for allowed origins |
 * | `GET /.well-known/oauth-protected-resource[/{actorId}]/mcp` | RFC 9728 metadata |
 *
 * Own scope, own rules: the body is read as text and parsed here, so bad JSON
 * is a JSON-RPC `-32700` (not the generic 400 of the other routes), and every
 * error, including 413 from the body limit, is a JSON-RPC error object. No
 * Nest guard or pipe runs, which keeps `tools/call` overhead small.
 */
@Injectable()
export class McpRoutes implements OnModuleInit {
  private readonly logger = new Logger('ActingWebMcp');
  private readonly ownOrigin: string;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(McpService) private readonly mcp: McpService,
    @Inject(InFlightHandlers) private readonly inFlight: InFlightHandlers,
  ) {
    this.ownOrigin = config.root ? new URL(config.root).origin : '';
  }

  onModuleInit(): void {
    if (!this.config.mcp.enabled) return;
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return; // HttpPlumbingService reports the wrong adapter
    const fastify = adapter.getInstance<FastifyInstance>();
    if ((fastify as { awMcp?: boolean }).awMcp) return;
    (fastify as { awMcp?: boolean }).awMcp = true;
    void fastify.register(async (scope) => this.install(scope));
  }

  private install(scope: FastifyInstance): void {
    const { bodyLimit } = this.config;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500)
        this.logger.error(`${logPrefix()}MCP transport error: ${error.stack ?? error.message}`);
      const code = status >= 500 ? JSONRPC_ERRORS.INTERNAL_ERROR : JSONRPC_ERRORS.INVALID_REQUEST;
      const message =
        status === 413
          ? `Request body is larger than ${bodyLimit} bytes`
          : status >= 500
            ? 'Internal error'
            : error.message;
      void reply
        .code(status)
        .type(JSON_TYPE)
        .send(JSON.stringify(jsonRpcError(null, { code, message })));
    });

    for (const url of ['/mcp', '/:actorId/mcp']) {
      scope.post(url, (req: Req, reply) => this.post(req, reply));
      scope.get(url, (req: Req, reply) => this.get(req, reply));
      scope.delete(url, async (req: Req, reply) => this.methodNotAllowed(req, reply, 'GET, POST'));
      scope.options(url, async (req: Req, reply) => this.preflight(req, reply));
    }
    for (const url of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource/:actorId/mcp',
    ]) {
      scope.get(url, (req: Req, reply) => this.metadata(req, reply));
    }
  }

  private async post(req: Req, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.checkOrigin(req, reply)) return reply;
    let message: unknown;
    try {
      message = parseMessage(req.body, this.config.maxJsonDepth);
    } catch (err) {
      if (!(err instanceof JsonRpcError)) throw err;
      return send(reply, { status: err.httpStatus, body: jsonRpcError(null, err.toObject()) });
    }
    this.inFlight.enter();
    try {
      const response = await this.mcp.handle(message, { actorId: req.params.actorId, headers: req.headers });
      return send(reply, response);
    } finally {
      this.inFlight.leave();
    }
  }

  /** No SSE stream: 405 for SSE clients (the SDK then simply does without); a discovery JSON for others. */
  private async get(req: Req, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.checkOrigin(req, reply)) return reply;
    if ((req.headers.accept ?? '').includes('text/event-stream')) {
      return this.methodNotAllowed(req, reply, 'POST');
    }
    return this.answer(reply, () => this.mcp.discovery(req.params.actorId));
  }

  private async metadata(req: Req, reply: FastifyReply): Promise<FastifyReply> {
    reply.header('access-control-allow-origin', '*');
    return this.answer(reply, () => this.mcp.resourceMetadata(req.params.actorId));
  }

  private methodNotAllowed(req: Req, reply: FastifyReply, allow: string): FastifyReply {
    if (!this.checkOrigin(req, reply)) return reply;
    return send(reply, {
      status: 405,
      headers: { allow },
      body: jsonRpcError(null, {
        code: JSONRPC_ERRORS.SERVER_ERROR,
        message: `Method not allowed: this MCP server is stateless and answers POST with JSON (no SSE stream, no sessions)`,
      }),
    });
  }

  private preflight(req: Req, reply: FastifyReply): FastifyReply {
    if (!this.checkOrigin(req, reply)) return reply;
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
      .header('access-control-allow-headers', CORS_ALLOW_HEADERS)
      .header('access-control-max-age', '86400')
      .send();
  }

  private async answer(
    reply: FastifyReply,
    build: () => Promise<Record<string, unknown>>,
  ): Promise<FastifyReply> {
    try {
      return send(reply, { status: 200, body: await build() });
    } catch (err) {
      if (!(err instanceof JsonRpcError)) throw err;
      return send(reply, { status: err.httpStatus, body: jsonRpcError(null, err.toObject()) });
    }
  }

  /**
   * DNS-rebinding protection (MCP 2025-11-25): a request with an `Origin` other
   * than this server's own or a configured one gets 403. Allowed cross-origin
   * requests get CORS headers. Requests without `Origin` (non-browser clients) pass.
   */
  private checkOrigin(req: Req, reply: FastifyReply): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || origin === this.ownOrigin) return true;
    const allowed = this.config.mcp.allowedOrigins;
    if (allowed.includes('*') || allowed.includes(origin)) {
      reply
        .header('access-control-allow-origin', origin)
        .header('vary', 'Origin')
        .header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
      return true;
    }
    send(reply, {
      status: 403,
      body: jsonRpcError(null, {
        code: JSONRPC_ERRORS.SERVER_ERROR,
        message: `Origin not allowed: ${origin.slice(0, 200)}`,
      }),
    });
    return false;
  }
}

/**
 * The body as one JSON value: empty or malformed → `-32700`; prototype
 * poisoning keys or nesting deeper than `maxJsonDepth` → `-32600`. Both 400.
 */
export function parseMessage(body: unknown, maxDepth: number): unknown {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new JsonRpcError(JSONRPC_ERRORS.PARSE_ERROR, 'Parse error: the body is empty', 400);
  }
  try {
    return parseJsonBody(body, maxDepth);
  } catch (err) {
    throw toJsonRpcError(err, 'message');
  }
}

function send(reply: FastifyReply, response: McpResponse): FastifyReply {
  reply.code(response.status);
  if (response.headers) reply.headers(response.headers);
  if (response.body === undefined) return reply.send();
  return reply.type(JSON_TYPE).send(JSON.stringify(response.body));
}

import { ActingWebError } from '../errors/actingweb.errors.js';
import { isPlainObject } from './json.js';

/**
 * JSON-RPC 2.0 envelopes and error codes shared by `/mcp` and `POST /methods`,
 * and the one mapping of failures to JSON-RPC errors ({@link toJsonRpcError}).
 */

/** A request id: MCP allows strings and numbers; `null` only in error responses to unreadable requests. */
export type JsonRpcId = string | number | null;

/** Standard JSON-RPC codes, plus the implementation-defined ones we use (`-32000..-32019`, and MCP's). */
export const JSONRPC_ERRORS = Object.freeze({
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Implementation-defined server error (unknown actor, refused origin). */
  SERVER_ERROR: -32000,
  /** No usable credentials (sent with HTTP 401). */
  AUTH_REQUIRED: -32001,
  /** MCP 2025-11-25: resource not found. */
  RESOURCE_NOT_FOUND: -32002,
  /** Access denied by trust permissions (the Python reference's code). */
  ACCESS_DENIED: -32003,
  /** MCP 2026-07-28: the mirrored HTTP headers disagree with the body, or are missing (HTTP 400). */
  HEADER_MISMATCH: -32020,
  /** MCP 2026-07-28: the request needs a client capability its `_meta` does not declare (HTTP 400). */
  MISSING_CLIENT_CAPABILITY: -32021,
  /** MCP 2026-07-28: the request's protocol version is not served; `data.supported` lists those that are (HTTP 400). */
  UNSUPPORTED_PROTOCOL_VERSION: -32022,
});

/** The `error` member of a JSON-RPC response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * A JSON-RPC error to answer with. `httpStatus` is the HTTP status of the
 * response carrying it (200 for most method-level errors), `headers` extra
 * response headers (e.g. `WWW-Authenticate`).
 */
export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 200,
    readonly data?: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'JsonRpcError';
  }

  toObject(): JsonRpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export function jsonRpcResult(id: JsonRpcId, result: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', id, result };
}

export function jsonRpcError(id: JsonRpcId, error: JsonRpcErrorObject): Record<string, unknown> {
  return { jsonrpc: '2.0', id, error };
}

/** The id of a request object if it is a valid one (string or number), else `null`. */
export function idOf(message: unknown): JsonRpcId {
  if (!isPlainObject(message)) return null;
  const id = message.id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

/**
 * Where a failure happened while answering a JSON-RPC request; it decides the
 * code (see {@link toJsonRpcError}).
 * - `message`: reading the request itself (the body, the envelope);
 * - `auth`: the caller's credentials (a refusal keeps its message, e.g. a pending trust);
 * - `check`: the checks before anything runs (the name, the caller's permissions);
 * - `hook`: the application's hook threw.
 */
export type JsonRpcFailureStage = 'message' | 'auth' | 'check' | 'hook';

/**
 * The JSON-RPC error a failure answers with, the same for `/mcp` and
 * `POST /methods`. A `JsonRpcError` answers as it is; otherwise:
 *
 * | Stage | Failure | Code, message | HTTP |
 * | --- | --- | --- | --- |
 * | `message` | `BadRequestError` `invalid_json` | -32700 Parse error | 400 |
 * | `message` | another 4xx `ActingWebError` | -32600 Invalid Request: its message | 400 |
 * | `message` | `RangeError` (nesting) | -32600 Invalid Request | 400 |
 * | `auth` | 401 / 403 `ActingWebError` | -32001 / -32003 with its message | 401 / 403 |
 * | `check` | 403 `ActingWebError` | -32003 Access denied | 403 |
 * | `check` | 404 `ActingWebError` | -32601 Method not found | 200 |
 * | `hook` | `ActingWebError` | -32603 with its message (thrown on purpose) | 200 |
 * | `hook` | anything else | -32603 with `fallback` (reveals nothing) | 200 |
 * | `message`, `auth`, `check` | anything else | -32603 Internal error | 500 |
 */
export function toJsonRpcError(
  error: unknown,
  stage: JsonRpcFailureStage,
  fallback = 'Internal error',
): JsonRpcError {
  if (error instanceof JsonRpcError) return error;
  const known = error instanceof ActingWebError ? error : undefined;
  switch (stage) {
    case 'message':
      if (known?.code === 'invalid_json') {
        return new JsonRpcError(JSONRPC_ERRORS.PARSE_ERROR, 'Parse error: the body is not valid JSON', 400);
      }
      if (known && known.statusCode < 500) {
        return new JsonRpcError(JSONRPC_ERRORS.INVALID_REQUEST, `Invalid Request: ${known.message}`, 400);
      }
      if (error instanceof RangeError) {
        return new JsonRpcError(
          JSONRPC_ERRORS.INVALID_REQUEST,
          'Invalid Request: the body is nested too deeply',
          400,
        );
      }
      break;
    case 'auth':
      if (known?.statusCode === 401)
        return new JsonRpcError(JSONRPC_ERRORS.AUTH_REQUIRED, known.message, 401);
      if (known?.statusCode === 403)
        return new JsonRpcError(JSONRPC_ERRORS.ACCESS_DENIED, known.message, 403);
      break;
    case 'check':
      if (known?.statusCode === 403)
        return new JsonRpcError(JSONRPC_ERRORS.ACCESS_DENIED, 'Access denied', 403);
      if (known?.statusCode === 404)
        return new JsonRpcError(JSONRPC_ERRORS.METHOD_NOT_FOUND, 'Method not found');
      break;
    case 'hook':
      return new JsonRpcError(JSONRPC_ERRORS.INTERNAL_ERROR, known ? known.message : fallback);
  }
  return new JsonRpcError(JSONRPC_ERRORS.INTERNAL_ERROR, 'Internal error', 500);
}

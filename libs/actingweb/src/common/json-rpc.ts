/**
 * JSON-RPC 2.0 envelopes and error codes shared by `/mcp` and `POST /methods`.
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
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return null;
  const id = (message as { id?: unknown }).id;
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
}

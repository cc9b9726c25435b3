import type { Caller } from '../common/caller.js';
import { isPlainObject } from '../common/json.js';
import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import type { McpHeaders } from './mcp-eras.js';

/** One authenticated MCP request, as the tools and the catalog see it. */
export interface McpCallContext {
  readonly actor: ActorRecord;
  readonly caller: Caller;
  /** The protocol version the request speaks. */
  readonly version: string;
  readonly era: 'legacy' | 'modern';
  /** Client family for `allowedClients` and `clientDescriptions` (see `clientTypeOf`). */
  readonly clientType: string;
  /** The client capabilities a modern request declares (legacy requests declare none). */
  readonly clientCapabilities: Readonly<Record<string, unknown>>;
  /** The request headers (`Mcp-Param-*` of modern `tools/call`). */
  readonly headers: McpHeaders;
}

export type Params = Record<string, unknown>;

export function requireName(value: unknown, message: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, message);
  }
  return value;
}

export function optionalObject(value: unknown, message: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, message);
  return value;
}

/** `-32003`: the caller's trust permissions do not allow it (whether the item exists or not). */
export function accessDenied(what: string, name: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.ACCESS_DENIED, `Access denied: you may not ${what} '${clip(name)}'`);
}

export function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

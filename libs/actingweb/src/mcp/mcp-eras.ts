/**
 * The two eras one MCP endpoint serves (docs/mcp.md#protocol-eras):
 *
 * - **legacy** (2024-11-05 … 2025-11-25): an `initialize` handshake, then the
 *   version in the `MCP-Protocol-Version` header;
 * - **modern** (2026-07-28, stateless): no handshake; every request carries
 *   its version, client info and capabilities in `params._meta`, and the
 *   HTTP headers `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` mirror
 *   the body (MCP 2026-07-28 "Versioning", "Streamable HTTP").
 *
 * The era is read from the body (a `_meta` protocol-version claim), never
 * from the method name; the header is a cross-check. Pure functions: they
 * throw `JsonRpcError`s with the HTTP status the revision prescribes.
 */
import { isPlainObject } from '../common/json.js';
import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';
import { MCP_MODERN_VERSIONS, MCP_PROTOCOL_VERSIONS, MCP_SUPPORTED_VERSIONS } from './mcp-protocol.js';

export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_SERVER_INFO = 'io.modelcontextprotocol/serverInfo';

/** Request headers as Node gives them (lower-cased names). */
export type McpHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A JSON-RPC request or notification after the envelope checks. */
export interface McpMessage {
  readonly method: string;
  readonly params: unknown;
  /** false for a notification. */
  readonly isRequest: boolean;
}

/** Which rules a message is served by. */
export type McpEra =
  | { readonly era: 'legacy' }
  | {
      readonly era: 'modern';
      readonly version: string;
      /** `clientInfo.name` from `_meta`, when sent. */
      readonly clientName?: string;
      /** `clientCapabilities` from `_meta` (empty for a notification). */
      readonly clientCapabilities: Readonly<Record<string, unknown>>;
    };

const LEGACY: McpEra = Object.freeze({ era: 'legacy' });

/** The body field `Mcp-Name` mirrors, per method. */
const NAME_SOURCE: Readonly<Record<string, 'name' | 'uri'>> = Object.freeze({
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
});

/** The first value of a header, without surrounding whitespace. */
export function header(headers: McpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

/**
 * The era of a message, or the error that refuses it:
 * - `initialize` is the legacy handshake (with a modern header: `-32020`);
 * - a `_meta` protocol-version claim is validated (`-32602`, HTTP 400), must
 *   agree with the `MCP-Protocol-Version` and `Mcp-Method` headers
 *   (`-32020`), and names a legacy version (legacy rules), the modern one,
 *   or one we do not serve (`-32022` with `data.supported`);
 * - without a claim, a request whose header names the modern version lacks
 *   its `_meta` (`-32602`, HTTP 400); a notification with that header is
 *   modern; anything else is legacy.
 */
export function classifyEra(message: McpMessage, headers: McpHeaders): McpEra {
  const headerVersion = header(headers, 'mcp-protocol-version');
  const headerIsModern = headerVersion !== undefined && MCP_MODERN_VERSIONS.includes(headerVersion);
  const meta = claimOf(message.params);
  if (message.isRequest && message.method === 'initialize' && !isModernClaim(meta)) {
    if (headerIsModern) {
      throw headerMismatch(
        `initialize (the legacy handshake) sent with MCP-Protocol-Version ${headerVersion}`,
      );
    }
    return LEGACY;
  }
  if (meta !== undefined) {
    const problem = envelopeProblem(meta, message.isRequest);
    if (problem !== undefined) {
      throw new JsonRpcError(
        JSONRPC_ERRORS.INVALID_PARAMS,
        `Invalid _meta: ${problem.key} ${problem.problem}`,
        400,
        {
          envelope: problem,
        },
      );
    }
    const version = meta[META_PROTOCOL_VERSION] as string;
    if (headerVersion !== undefined && headerVersion !== version) {
      throw headerMismatch(
        `MCP-Protocol-Version header ${clip(headerVersion)} does not match body version ${clip(version)}`,
      );
    }
    checkMethodHeader(message, headers);
    if (MCP_PROTOCOL_VERSIONS.includes(version)) return LEGACY;
    if (!MCP_MODERN_VERSIONS.includes(version)) throw unsupportedVersion(version);
    const info = meta[META_CLIENT_INFO];
    return {
      era: 'modern',
      version,
      clientName: isPlainObject(info) && typeof info.name === 'string' ? info.name : undefined,
      clientCapabilities: (meta[META_CLIENT_CAPABILITIES] ?? {}) as Record<string, unknown>,
    };
  }
  if (!headerIsModern) return LEGACY;
  if (message.isRequest) {
    throw new JsonRpcError(
      JSONRPC_ERRORS.INVALID_PARAMS,
      `Invalid params: MCP-Protocol-Version ${headerVersion} requests carry params._meta with ` +
        `${META_PROTOCOL_VERSION} and ${META_CLIENT_CAPABILITIES}`,
      400,
      { envelope: { missing: [META_PROTOCOL_VERSION, META_CLIENT_CAPABILITIES] } },
    );
  }
  checkMethodHeader(message, headers);
  return { era: 'modern', version: headerVersion, clientCapabilities: {} };
}

/**
 * The mirrored standard headers of a modern request: `MCP-Protocol-Version`
 * and `Mcp-Method` are required; `Mcp-Name` is required for `tools/call`,
 * `prompts/get` and `resources/read` and must equal `params.name` /
 * `params.uri` after decoding. Any failure is `-32020` (HTTP 400).
 */
export function checkMirroredHeaders(message: McpMessage, headers: McpHeaders): void {
  if (header(headers, 'mcp-protocol-version') === undefined) {
    throw headerMismatch('the MCP-Protocol-Version header is missing');
  }
  if (header(headers, 'mcp-method') === undefined) throw headerMismatch('the Mcp-Method header is missing');
  const field = Object.hasOwn(NAME_SOURCE, message.method) ? NAME_SOURCE[message.method] : undefined;
  if (field === undefined) return;
  const params = isPlainObject(message.params) ? message.params : {};
  const bodyValue = typeof params[field] === 'string' ? params[field] : undefined;
  const raw = header(headers, 'mcp-name');
  if (raw === undefined) {
    if (bodyValue !== undefined)
      throw headerMismatch(`the Mcp-Name header is missing (params.${field} is set)`);
    return;
  }
  const decoded = decodeHeaderValue(raw);
  if (decoded === undefined) throw headerMismatch('the Mcp-Name header is not a valid header value');
  if (bodyValue !== undefined && decoded !== bodyValue) {
    throw headerMismatch(
      `Mcp-Name header value '${clip(decoded)}' does not match body value '${clip(bodyValue)}'`,
    );
  }
}

/** A tool argument mirrored into an `Mcp-Param-{header}` header (`x-mcp-header` in its input schema). */
export interface HeaderParam {
  /** The `x-mcp-header` value, as declared. */
  readonly header: string;
  /** Property names from the arguments root to the value. */
  readonly path: readonly string[];
}

/**
 * The `Mcp-Param-*` headers of a modern `tools/call` against the tool's
 * `x-mcp-header` declarations: present exactly when the argument has a
 * (non-null) value, and equal to it after decoding (numbers compared as
 * numbers). Any failure is `-32020` (HTTP 400).
 */
export function checkParamHeaders(
  params: readonly HeaderParam[],
  args: Record<string, unknown>,
  headers: McpHeaders,
): void {
  for (const param of params) {
    let value: unknown = args;
    for (const key of param.path) value = isPlainObject(value) ? value[key] : undefined;
    const raw = header(headers, `mcp-param-${param.header.toLowerCase()}`);
    const name = `Mcp-Param-${param.header}`;
    if (value === undefined || value === null) {
      if (raw !== undefined) throw headerMismatch(`${name} is sent but the argument has no value`);
      continue;
    }
    if (raw === undefined) throw headerMismatch(`the ${name} header is missing`);
    const decoded = decodeHeaderValue(raw);
    if (decoded === undefined) throw headerMismatch(`the ${name} header is not a valid header value`);
    const equal =
      typeof value === 'number'
        ? decoded.trim() !== '' && Number(decoded) === value
        : typeof value === 'string'
          ? decoded === value
          : typeof value === 'boolean' && decoded === String(value);
    if (!equal) throw headerMismatch(`${name} header value '${clip(decoded)}' does not match the argument`);
  }
}

/**
 * A header value as sent: plain visible ASCII, or `=?base64?…?=` (UTF-8)
 * for anything else. Undefined when it is neither.
 */
export function decodeHeaderValue(raw: string): string | undefined {
  if (!/^[\t\x20-\x7e]*$/.test(raw)) return undefined;
  if (!(raw.startsWith('=?base64?') && raw.endsWith('?=') && raw.length >= 11)) return raw;
  const encoded = raw.slice(9, -2);
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * A modern-era result: `resultType`, this server in `_meta`, and, for
 * cacheable results, `ttlMs` and `cacheScope` (`private` for what is filtered
 * per caller).
 */
export function modernResult(
  result: Record<string, unknown>,
  serverInfo: Readonly<{ name: string; version: string }>,
  cache?: { ttlMs: number; scope: 'public' | 'private' },
): Record<string, unknown> {
  const meta = isPlainObject(result._meta) ? result._meta : {};
  return {
    resultType: 'complete',
    ...result,
    _meta: { ...meta, [META_SERVER_INFO]: serverInfo },
    ...(cache && { ttlMs: cache.ttlMs, cacheScope: cache.scope }),
  };
}

/** Whether `declared` (a request's client capabilities) covers everything in `required`. */
export function hasCapabilities(declared: unknown, required: Readonly<Record<string, unknown>>): boolean {
  if (!isPlainObject(declared)) return false;
  return Object.entries(required).every(([key, need]) => {
    if (!Object.hasOwn(declared, key)) return false;
    return !isPlainObject(need) || Object.keys(need).length === 0 || hasCapabilities(declared[key], need);
  });
}

export function unsupportedVersion(requested: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.UNSUPPORTED_PROTOCOL_VERSION, 'Unsupported protocol version', 400, {
    supported: MCP_SUPPORTED_VERSIONS,
    requested: clip(requested),
  });
}

export function headerMismatch(detail: string): JsonRpcError {
  return new JsonRpcError(JSONRPC_ERRORS.HEADER_MISMATCH, `Header mismatch: ${detail}`, 400);
}

function checkMethodHeader(message: McpMessage, headers: McpHeaders): void {
  const methodHeader = header(headers, 'mcp-method');
  if (methodHeader !== undefined && methodHeader !== message.method) {
    throw headerMismatch(
      `Mcp-Method header value '${clip(methodHeader)}' does not match body method '${clip(message.method)}'`,
    );
  }
}

/** `params._meta` when it claims a protocol version (the modern envelope), else undefined. */
function claimOf(params: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(params) || !isPlainObject(params._meta)) return undefined;
  return Object.hasOwn(params._meta, META_PROTOCOL_VERSION) ? params._meta : undefined;
}

function isModernClaim(meta: Record<string, unknown> | undefined): boolean {
  const version = meta?.[META_PROTOCOL_VERSION];
  return (
    typeof version === 'string' && MCP_MODERN_VERSIONS.includes(version) && !envelopeProblem(meta!, true)
  );
}

/** What is wrong with a claimed envelope: required keys and their types (MCP 2026-07-28 "_meta"). */
function envelopeProblem(
  meta: Record<string, unknown>,
  isRequest: boolean,
): { key: string; problem: string } | undefined {
  const version = meta[META_PROTOCOL_VERSION];
  if (typeof version !== 'string' || version === '') {
    return { key: META_PROTOCOL_VERSION, problem: 'must be a protocol version string' };
  }
  if (!isRequest) return undefined;
  if (!Object.hasOwn(meta, META_CLIENT_CAPABILITIES))
    return { key: META_CLIENT_CAPABILITIES, problem: 'is missing' };
  if (!isPlainObject(meta[META_CLIENT_CAPABILITIES])) {
    return { key: META_CLIENT_CAPABILITIES, problem: 'must be an object' };
  }
  const info = meta[META_CLIENT_INFO];
  if (
    info !== undefined &&
    !(isPlainObject(info) && typeof info.name === 'string' && typeof info.version === 'string')
  ) {
    return { key: META_CLIENT_INFO, problem: 'must be an object with a name and a version' };
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

/**
 * Pure MCP protocol rules: the versions we serve, legacy-era negotiation and
 * the `MCP-Protocol-Version` header, result formatting and URI templates
 * (docs/mcp.md). The 2026-07-28 request rules are in `mcp-eras.ts`.
 */
import { isPlainObject } from '../common/json.js';
import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';

/** Legacy-era versions (an `initialize` handshake), oldest first. */
export const MCP_PROTOCOL_VERSIONS: readonly string[] = Object.freeze([
  '2024-11-05',
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
]);
/** The newest legacy version: what `initialize` offers when it cannot echo. */
export const MCP_LATEST_VERSION = '2025-11-25';
/** Modern-era versions (stateless: every request carries its version in `_meta`). */
export const MCP_MODERN_VERSIONS: readonly string[] = Object.freeze(['2026-07-28']);
/** Every version served, newest first (`server/discover`, `-32022`'s `data.supported`). */
export const MCP_SUPPORTED_VERSIONS: readonly string[] = Object.freeze([
  ...MCP_MODERN_VERSIONS,
  ...[...MCP_PROTOCOL_VERSIONS].reverse(),
]);
/** Assumed when a request after `initialize` carries no `MCP-Protocol-Version` header (transport spec). */
export const MCP_HEADERLESS_VERSION = '2025-03-26';
/** `structuredContent` and `outputSchema` exist from this version on (ISO dates compare as strings). */
export const MCP_STRUCTURED_CONTENT_VERSION = '2025-06-18';

/** `initialize`: echo the client's version when we support it, else offer the latest. */
export function negotiateVersion(requested: unknown): string {
  return typeof requested === 'string' && MCP_PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : MCP_LATEST_VERSION;
}

/**
 * The version a (non-initialize) request speaks, from its header. An
 * unsupported value is a 400 with `-32600` and **no `data`**: the exact shape
 * dual-era clients read as "legacy server, fall back to initialize".
 */
export function versionFromHeader(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return MCP_HEADERLESS_VERSION;
  const trimmed = value.trim();
  if (MCP_PROTOCOL_VERSIONS.includes(trimmed)) return trimmed;
  throw new JsonRpcError(
    JSONRPC_ERRORS.INVALID_REQUEST,
    `Unsupported MCP-Protocol-Version: ${truncate(trimmed, 64)}. This server supports: ${[...MCP_PROTOCOL_VERSIONS, ...MCP_MODERN_VERSIONS].join(', ')}`,
    400,
  );
}

export function supportsStructuredContent(version: string): boolean {
  return version >= MCP_STRUCTURED_CONTENT_VERSION;
}

/** Non-MCP-shaped values as text: strings as they are, everything else as JSON. */
export function asText(value: unknown, indent?: number): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'null';
  try {
    return JSON.stringify(value, null, indent) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A tool hook's return value as a `CallToolResult`:
 * - a plain object with a `content` array is MCP-shaped: `content`, `isError`,
 *   `_meta` and (from 2025-06-18) an object `structuredContent` pass through;
 * - anything else becomes one text block (JSON for objects); when the tool
 *   declares an `outputSchema` and the value is a plain object, it is also the
 *   `structuredContent` (from 2025-06-18), so spec-conforming clients accept it;
 * - `null`/`undefined` (the hook had nothing to say) is an empty content list.
 */
export function formatToolResult(
  value: unknown,
  version: string,
  hasOutputSchema: boolean,
): Record<string, unknown> {
  const structured = supportsStructuredContent(version);
  if (isPlainObject(value) && Array.isArray(value.content)) {
    const out: Record<string, unknown> = { content: value.content, isError: value.isError === true };
    if (isPlainObject(value._meta)) out._meta = value._meta;
    if (structured && isPlainObject(value.structuredContent)) out.structuredContent = value.structuredContent;
    return out;
  }
  if (value === null || value === undefined) return { content: [], isError: false };
  const out: Record<string, unknown> = { content: [{ type: 'text', text: asText(value) }], isError: false };
  if (structured && hasOutputSchema && isPlainObject(value)) out.structuredContent = value;
  return out;
}

/** A failed tool call: an `isError` result, not a transport error (MCP 2025-11-25). */
export function toolErrorResult(message: string): Record<string, unknown> {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * A prompt hook's return value as `GetPromptResult.messages`: a plain object
 * with a `messages` array passes through; `{ prompt }` or any other value
 * becomes one user text message.
 */
export function formatPromptMessages(value: unknown): unknown[] {
  if (isPlainObject(value) && Array.isArray(value.messages)) return value.messages;
  const text = isPlainObject(value) && 'prompt' in value ? asText(value.prompt) : asText(value);
  return [{ role: 'user', content: { type: 'text', text } }];
}

/**
 * A resource hook's return value as `ReadResourceResult`: a plain object with
 * a `contents` array passes through; otherwise one text entry with the
 * requested URI and the declared MIME type (default `application/json`).
 */
export function formatResourceContents(value: unknown, uri: string, mimeType: string | undefined): unknown {
  if (isPlainObject(value) && Array.isArray(value.contents)) return { contents: value.contents };
  const type = mimeType ?? 'application/json';
  return { contents: [{ uri, mimeType: type, text: asText(value, 2) }] };
}

const templateCache = new Map<string, { regex: RegExp; names: string[] }>();

/**
 * Matches a concrete URI against a template such as `notes://{path}`: each
 * `{name}` matches one or more characters other than `/`, the rest literally,
 * the whole URI anchored. Returns the variables, or null.
 */
export function matchUriTemplate(template: string, uri: string): Record<string, string> | null {
  let compiled = templateCache.get(template);
  if (!compiled) {
    const names: string[] = [];
    let source = '';
    let last = 0;
    for (const m of template.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
      source += escapeRegex(template.slice(last, m.index)) + '([^/]+)';
      names.push(m[1]);
      last = m.index + m[0].length;
    }
    source += escapeRegex(template.slice(last));
    compiled = { regex: new RegExp(`^${source}$`), names };
    if (templateCache.size < 1000) templateCache.set(template, compiled);
  }
  const match = compiled.regex.exec(uri);
  if (!match) return null;
  const vars: Record<string, string> = Object.create(null);
  compiled.names.forEach((name, i) => {
    let value = match[i + 1];
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value
    }
    vars[name] = value;
  });
  return vars;
}

/**
 * The client family, for `@McpTool({ allowedClients, clientDescriptions })`,
 * from a client name (`clientInfo.name` of a 2026-07-28 request) or the
 * User-Agent. Same buckets as the Python reference.
 */
export function clientTypeOf(clientName: string | undefined): string {
  const ua = (clientName ?? '').toLowerCase();
  if (/openai|chatgpt|gpt/.test(ua)) return 'chatgpt';
  if (/claude|anthropic/.test(ua)) return 'claude';
  if (ua.includes('cursor')) return 'cursor';
  if (ua.includes('mcp-inspector')) return 'mcp_inspector';
  return 'universal';
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

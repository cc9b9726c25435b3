import type { McpOptions } from './actingweb-options.interface.js';

/** {@link McpOptions} with defaults applied. @publicApi */
export interface ResolvedMcpOptions {
  readonly enabled: boolean;
  /** `serverInfo.name` of `initialize` (and `server/discover`). */
  readonly serverName: string;
  /** `instructions` of `initialize`, or null to leave it out. */
  readonly instructions: string | null;
  /** Browser origins allowed besides the server's own; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  /** Items per page of the list methods. */
  readonly pageSize: number;
  /** `ttlMs` of cacheable 2026-07-28 results. */
  readonly cacheTtlMs: number;
  /** Tool results are checked against their `outputSchema`. */
  readonly developmentMode: boolean;
}

export const DEFAULT_MCP_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 10_000;

/** Development mode unless told otherwise: `NODE_ENV` is `development` or `test`. */
export function developmentModeFromEnv(nodeEnv: string | undefined): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}

/** Validates the `mcp` option block; problems are appended to `problems`. */
export function resolveMcpOptions(input: McpOptions | undefined, problems: string[]): ResolvedMcpOptions {
  const o = (input ?? {}) as Partial<McpOptions>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    problems.push('mcp must be an object such as { enabled: true }');
    return resolveMcpOptions({}, problems);
  }
  const enabled = o.enabled ?? true;
  if (typeof enabled !== 'boolean') problems.push('mcp.enabled must be true or false');
  const serverName = o.serverName ?? 'actingweb';
  if (typeof serverName !== 'string' || serverName.trim() === '' || serverName.length > 200) {
    problems.push('mcp.serverName must be a non-empty string of at most 200 characters');
  }
  const instructions = o.instructions ?? null;
  if (instructions !== null && typeof instructions !== 'string')
    problems.push('mcp.instructions must be a string');
  const origins = o.allowedOrigins ?? [];
  const validOrigin = (v: unknown) => {
    if (v === '*') return true;
    if (typeof v !== 'string') return false;
    try {
      return new URL(v).origin === v;
    } catch {
      return false;
    }
  };
  if (!Array.isArray(origins) || !origins.every(validOrigin)) {
    problems.push('mcp.allowedOrigins must be a list of origins such as "http://localhost:6274" (or "*")');
  }
  const pageSize = o.pageSize ?? DEFAULT_MCP_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    problems.push(`mcp.pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const cacheTtlMs = o.cacheTtlMs ?? 0;
  if (!Number.isSafeInteger(cacheTtlMs) || cacheTtlMs < 0) {
    problems.push('mcp.cacheTtlMs must be an integer number of milliseconds, 0 or more');
  }
  const developmentMode = o.developmentMode ?? developmentModeFromEnv(process.env.NODE_ENV);
  if (typeof developmentMode !== 'boolean') problems.push('mcp.developmentMode must be true or false');
  return Object.freeze({
    enabled: enabled === true,
    serverName: String(serverName),
    instructions: typeof instructions === 'string' ? instructions : null,
    allowedOrigins: Object.freeze(Array.isArray(origins) ? origins.map(String) : []),
    pageSize:
      Number.isInteger(pageSize) && pageSize >= 1 ? Math.min(pageSize, MAX_PAGE_SIZE) : DEFAULT_MCP_PAGE_SIZE,
    cacheTtlMs: Number.isSafeInteger(cacheTtlMs) && cacheTtlMs >= 0 ? cacheTtlMs : 0,
    developmentMode: developmentMode === true,
  });
}

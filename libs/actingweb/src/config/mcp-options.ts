import type { McpOptions } from './actingweb-options.interface.js';

/** {@link McpOptions} with defaults applied. @publicApi */
export interface ResolvedMcpOptions {
  readonly enabled: boolean;
  /** `serverInfo.name` of `initialize`. */
  readonly serverName: string;
  /** `instructions` of `initialize`, or null to leave it out. */
  readonly instructions: string | null;
  /** Browser origins allowed besides the server's own; `*` allows any. */
  readonly allowedOrigins: readonly string[];
}

/** Validates the `mcp` option block; problems are appended to `problems`. */
export function resolveMcpOptions(input: McpOptions | undefined, problems: string[]): ResolvedMcpOptions {
  const o = (input ?? {}) as Partial<McpOptions>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    problems.push('mcp must be an object such as { enabled: true }');
    return freeze(true, 'actingweb', null, []);
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
  return freeze(
    enabled === true,
    String(serverName),
    typeof instructions === 'string' ? instructions : null,
    Array.isArray(origins) ? origins.map(String) : [],
  );
}

function freeze(
  enabled: boolean,
  serverName: string,
  instructions: string | null,
  allowedOrigins: string[],
): ResolvedMcpOptions {
  return Object.freeze({ enabled, serverName, instructions, allowedOrigins: Object.freeze(allowedOrigins) });
}

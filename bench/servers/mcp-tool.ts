/*
 * The trivial async tool of the MCP benchmark. Both servers run this same
 * function: ActingWeb through `@ActionHook` + `@McpTool` and `tools/call`,
 * the baseline from a plain Fastify route.
 */

/** Allowed by the built-in `mcp_client` trust type (tools `get_*`). */
export const TOOL_NAME = 'get_echo';

export async function echoTool(args: unknown): Promise<{ echoed: unknown }> {
  const text = (args as { text?: unknown } | null | undefined)?.text;
  return { echoed: text ?? null };
}

/** The `tools/call` request body both servers get. */
export const TOOL_CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: TOOL_NAME, arguments: { text: 'hello' } },
});

/** The `CallToolResult` of that request, as ActingWeb formats it (JSON text of the return value). */
export function toolResult(value: unknown): Record<string, unknown> {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], isError: false };
}

/** The same call in the 2026-07-28 era: the `_meta` envelope; the headers below mirror it. */
export const MODERN_TOOL_CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: {
    name: TOOL_NAME,
    arguments: { text: 'hello' },
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
});

export const MODERN_HEADERS = {
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': TOOL_NAME,
};

/** The modern `CallToolResult`: the legacy one plus `resultType` and this server in `_meta`. */
export function modernToolResult(value: unknown): Record<string, unknown> {
  return {
    resultType: 'complete',
    ...toolResult(value),
    _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'actingweb', version: '1.0' } },
  };
}

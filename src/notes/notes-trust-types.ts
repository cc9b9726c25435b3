import type { TrustTypeDefinition } from '@actingweb/nestjs';

/**
 * What an AI assistant connected with an `mcp_client` trust may do with the
 * notes. This replaces the built-in `mcp_client` type (docs/trust.md). MCP
 * fails closed: tools, prompts and resources not allowed here are neither
 * listed nor callable. So an assistant may add and search notes, and read
 * them, but not archive them (`archive_done`), which only the creator can.
 */
export const NOTES_TRUST_TYPES: TrustTypeDefinition[] = [
  {
    name: 'mcp_client',
    displayName: 'AI assistant',
    description: 'Adds, searches and reads notes; cannot archive them',
    permissions: {
      tools: { allowed: ['add_note', 'search_notes'] },
      prompts: { allowed: ['summarize_notes'] },
      resources: { patterns: ['notes://*'], operations: ['read'] },
    },
  },
];

import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';

/** The lists a cursor can belong to. */
export type McpList = 'tools' | 'prompts' | 'resources' | 'resourceTemplates';

/** One page of a list, and the cursor of the next one when there is more. */
export interface McpPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

const MAX_CURSOR_LENGTH = 2048;

/**
 * One page of `items` (already filtered for the caller, in their stable
 * registry order). The cursor is opaque to clients: it names the list and the
 * last item of the previous page, so the same cursor gives the same page as
 * long as that item is still in the caller's list. A cursor that is not a
 * string, belongs to another list or names an item the caller cannot see
 * (anymore) is `-32602 Invalid cursor`; the client starts again from the
 * beginning (MCP "Pagination").
 */
export function paginate<T>(
  list: McpList,
  items: readonly T[],
  keyOf: (item: T) => string,
  cursor: unknown,
  pageSize: number,
): McpPage<T> {
  let start = 0;
  if (cursor !== undefined && cursor !== null) {
    const key = decodeCursor(list, cursor);
    const index = key === undefined ? -1 : items.findIndex((item) => keyOf(item) === key);
    if (index < 0) throw new JsonRpcError(JSONRPC_ERRORS.INVALID_PARAMS, 'Invalid cursor');
    start = index + 1;
  }
  const page = items.slice(start, start + pageSize);
  if (start + pageSize >= items.length) return { items: page };
  return { items: page, nextCursor: encodeCursor(list, keyOf(page[page.length - 1])) };
}

function encodeCursor(list: McpList, key: string): string {
  return Buffer.from(JSON.stringify([list, key]), 'utf8').toString('base64url');
}

function decodeCursor(list: McpList, cursor: unknown): string | undefined {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(value) && value.length === 2 && value[0] === list && typeof value[1] === 'string'
      ? value[1]
      : undefined;
  } catch {
    return undefined;
  }
}

import { Injectable } from '@nestjs/common';
import {
  ActionHook,
  BadRequestError,
  McpTool,
  MethodHook,
  type ActionHookContext,
  type MethodHookContext,
} from '@actingweb/nestjs';
import { searchNotes } from './note.js';
import { archiveDone, readNotes } from './notes-store.js';

const QUERY_SCHEMA = {
  type: 'object',
  properties: { query: { type: 'string', description: 'Words to look for' } },
  required: ['query'],
};

/** The notes' REST operations: a read-only method and an action with a side effect. */
@Injectable()
export class NotesHooks {
  /**
   * `POST /<actor>/methods/search {"query": "milk"}`, or `GET .../methods/search?query=milk`.
   * Methods read; they change nothing.
   */
  @MethodHook('search', { description: 'Find notes containing some words', inputSchema: QUERY_SCHEMA })
  async search({ actor, data }: MethodHookContext) {
    const query = (data as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || query.trim() === '')
      throw new BadRequestError('Send the words to look for as "query"');
    return { query, matches: searchNotes(await readNotes(actor), query) };
  }

  /**
   * `POST /<actor>/actions/archive_done`, and the MCP tool `archive_done`.
   * Actions change things: this one moves finished notes to `archived_notes`.
   */
  @ActionHook('archive_done', { description: 'Move the notes marked done to archived_notes' })
  @McpTool({
    description: 'Move the notes marked done to the archive',
    annotations: { destructiveHint: false, idempotentHint: true },
  })
  async archiveDone({ actor }: ActionHookContext) {
    const archived = await archiveDone(actor);
    return { archived, remaining: (await readNotes(actor)).length };
  }
}

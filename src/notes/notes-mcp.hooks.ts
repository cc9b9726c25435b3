import { Injectable } from '@nestjs/common';
import {
  McpPrompt,
  McpResource,
  McpTool,
  MethodHook,
  type ActionHookContext,
  type MethodHookContext,
} from '@actingweb/nestjs';
import { MAX_NOTE_LENGTH, NOTES, searchNotes, type Note } from './note.js';
import { readNotes } from './notes-store.js';

const NOTE_SCHEMA = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    done: { type: 'boolean' },
    createdAt: { type: 'string' },
  },
  required: ['text', 'done', 'createdAt'],
};

/**
 * What an AI assistant gets at `/<actor>/mcp`: tools, a prompt and a resource.
 * Each is also a plain hook (tools are actions, prompts and resources are
 * methods), so REST clients reach them too. Which of them an assistant may
 * use is the `mcp_client` trust type's business (notes-trust-types.ts).
 */
@Injectable()
export class NotesMcpHooks {
  /** Tool `add_note` (and `POST /<actor>/actions/add_note`). The property hook checks the note. */
  @McpTool({
    name: 'add_note',
    description: 'Add a note',
    inputSchema: {
      type: 'object',
      properties: { text: { type: 'string', minLength: 1, maxLength: MAX_NOTE_LENGTH } },
      required: ['text'],
    },
    outputSchema: { type: 'object', properties: { index: { type: 'integer' }, note: NOTE_SCHEMA } },
  })
  async addNote({ actor, data }: ActionHookContext) {
    const notes = actor.propertyList(NOTES);
    const index = await notes.append({ text: (data as { text: string }).text });
    return { index, note: (await notes.get(index)) as Note };
  }

  /** Tool `search_notes`: the MCP twin of the `search` method. */
  @McpTool({
    name: 'search_notes',
    description: 'Find notes containing some words',
    inputSchema: {
      type: 'object',
      properties: { query: { type: 'string', minLength: 1 } },
      required: ['query'],
    },
    outputSchema: { type: 'object', properties: { matches: { type: 'array', items: NOTE_SCHEMA } } },
    annotations: { readOnlyHint: true },
  })
  async searchNotes({ actor, data }: ActionHookContext) {
    return { matches: searchNotes(await readNotes(actor), (data as { query: string }).query) };
  }

  /** Prompt `summarize_notes`: a ready-made request for the model, with the notes in it. */
  @McpPrompt({
    name: 'summarize_notes',
    description: 'Summarize my open notes',
    arguments: [{ name: 'focus', description: 'What the summary should focus on' }],
  })
  async summarize({ actor, data }: MethodHookContext) {
    const focus = (data as { focus?: string } | undefined)?.focus;
    const open = (await readNotes(actor)).filter((note) => !note.done);
    const lines = open.map((note) => `- ${note.text}`).join('\n') || '(no open notes)';
    return { prompt: `Summarize these notes${focus ? `, focusing on ${focus}` : ''}:\n${lines}` };
  }

  /** Resource `notes://all`: every note, as JSON (and `GET /<actor>/methods/all_notes`). */
  @MethodHook('all_notes')
  @McpResource({ uri: 'notes://all', name: 'All notes', description: 'Every note, oldest first' })
  async allNotes({ actor }: MethodHookContext) {
    return readNotes(actor);
  }
}

import { NotesLifecycleHooks } from './notes-lifecycle.hooks.js';
import { NotesMcpHooks } from './notes-mcp.hooks.js';
import { NotesPropertyHooks } from './notes-property.hooks.js';
import { NotesHooks } from './notes.hooks.js';
import { PeerNotesHooks } from './peer-notes.hooks.js';

export { NOTES_TRUST_TYPES } from './notes-trust-types.js';

/** The notes app's hook providers; the module finds their decorated methods at startup. */
export const NOTES_HOOKS = [
  NotesPropertyHooks,
  NotesHooks,
  NotesMcpHooks,
  NotesLifecycleHooks,
  PeerNotesHooks,
];

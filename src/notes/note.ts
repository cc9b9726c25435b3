import { BadRequestError } from '@actingweb/nestjs';

/** One item of the `notes` list property, as the property hook stores it. */
export interface Note {
  readonly text: string;
  readonly done: boolean;
  /** ISO 8601, set when the note is first written. */
  readonly createdAt: string;
}

/** The list property the app keeps notes in (`/<actor>/properties/notes`). */
export const NOTES = 'notes';
/** Where `archive_done` moves finished notes to. */
export const ARCHIVED_NOTES = 'archived_notes';
export const MAX_NOTE_LENGTH = 500;

/**
 * Turns what a client wrote into a {@link Note}: a string or `{ text, done? }`,
 * text trimmed and required, at most {@link MAX_NOTE_LENGTH} characters.
 * A `createdAt` that is already a valid date is kept (a note written back
 * keeps its age); otherwise the note is stamped `now`. Unknown keys are dropped.
 * Throws `BadRequestError`, which HTTP answers as 400 with this message.
 */
export function toNote(value: unknown, now = new Date()): Note {
  const input = typeof value === 'string' ? { text: value } : value;
  if (!isObject(input) || typeof input.text !== 'string')
    throw new BadRequestError('A note is a string or an object with a "text" string');
  const text = input.text.trim();
  if (text === '') throw new BadRequestError('A note needs some text');
  if (text.length > MAX_NOTE_LENGTH)
    throw new BadRequestError(`A note is at most ${MAX_NOTE_LENGTH} characters (got ${text.length})`);
  if (input.done !== undefined && typeof input.done !== 'boolean')
    throw new BadRequestError('"done" is true or false');
  const createdAt =
    typeof input.createdAt === 'string' && !Number.isNaN(Date.parse(input.createdAt))
      ? input.createdAt
      : now.toISOString();
  return { text, done: input.done ?? false, createdAt };
}

/** The notes whose text contains `query`, ignoring case. */
export function searchNotes(notes: readonly Note[], query: string): Note[] {
  const needle = query.trim().toLowerCase();
  return notes.filter((note) => note.text.toLowerCase().includes(needle));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

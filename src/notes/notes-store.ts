import type { ActorHandle } from '@actingweb/nestjs';
import { ARCHIVED_NOTES, NOTES, type Note } from './note.js';

/*
 * Reading and moving notes with the actor handle. The list methods run the
 * property hooks and record the same changes as HTTP, so subscribers of the
 * actor's notes see every change made here.
 */

/** The actor's notes, oldest first (`[]` before the first one). */
export async function readNotes(actor: ActorHandle): Promise<Note[]> {
  return (await actor.propertyList(NOTES).items()) as Note[];
}

/** Moves the notes marked done to the `archived_notes` list; returns how many moved. */
export async function archiveDone(actor: ActorHandle): Promise<number> {
  const notes = actor.propertyList(NOTES);
  const archive = actor.propertyList(ARCHIVED_NOTES);
  let archived = 0;
  for (const note of await readNotes(actor)) {
    if (!note.done) continue;
    // Removed by value, not by index: a note added meanwhile does not shift the wrong one out.
    if (await notes.remove(note)) {
      await archive.append(note);
      archived++;
    }
  }
  return archived;
}

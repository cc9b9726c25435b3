import { Injectable } from '@nestjs/common';
import { BadRequestError, PropertyHook, type PropertyHookContext } from '@actingweb/nestjs';
import { NOTES, toNote } from './note.js';

/**
 * Every write of a note goes through here, whoever writes it: a client over
 * HTTP (`POST /<actor>/properties/notes`, `PUT .../notes/<index>`), a trusted
 * peer, an MCP tool or the app's own code (`actor.propertyList('notes')`).
 * What the hook returns is what gets stored.
 */
@Injectable()
export class NotesPropertyHooks {
  /** A sync hook: no I/O, it only checks and normalises the note. */
  @PropertyHook(NOTES, { operations: ['put', 'post'] })
  normalise({ path, value }: PropertyHookContext): unknown {
    // `path` is below the list: [] to append, ['3'] for item 3, ['3', 'text'] inside it.
    // Writes that are not one note, such as a list descriptor (`{"_type": "list"}`) in
    // `POST /properties`, are refused too: the first note creates the list.
    if (path.length > 1) throw new BadRequestError('Write whole notes: PUT /properties/notes/<index>');
    return toNote(value);
  }
}

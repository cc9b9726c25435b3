import { describe, expect, it } from '@jest/globals';
import { BadRequestError } from '@actingweb/nestjs';
import { searchNotes, toNote } from './note.js';

const NOW = new Date('2026-01-02T03:04:05.000Z');

describe('toNote', () => {
  it('takes a string or { text, done? }, trims the text and stamps the note', () => {
    expect(toNote('  milk ', NOW)).toEqual({ text: 'milk', done: false, createdAt: NOW.toISOString() });
    expect(toNote({ text: 'milk', done: true, extra: 1 }, NOW)).toEqual({
      text: 'milk',
      done: true,
      createdAt: NOW.toISOString(),
    });
  });

  it('keeps a valid createdAt and replaces one that is not a date', () => {
    const createdAt = '2025-05-05T05:05:05.000Z';
    expect(toNote({ text: 'a', createdAt }, NOW).createdAt).toBe(createdAt);
    expect(toNote({ text: 'a', createdAt: 'yesterday' }, NOW).createdAt).toBe(NOW.toISOString());
  });

  it('refuses what is not a note with a BadRequestError', () => {
    for (const bad of [undefined, null, 42, ['milk'], { text: 7 }, { text: ' ' }, { text: 'a', done: 1 }])
      expect(() => toNote(bad, NOW)).toThrow(BadRequestError);
    expect(() => toNote('x'.repeat(501), NOW)).toThrow('A note is at most 500 characters (got 501)');
    expect(toNote('x'.repeat(500), NOW).text).toHaveLength(500);
  });
});

describe('searchNotes', () => {
  it('matches words anywhere in the text, ignoring case', () => {
    const notes = [toNote('Buy milk', NOW), toNote('call Bob', NOW)];
    expect(searchNotes(notes, ' MILK ')).toEqual([notes[0]]);
    expect(searchNotes(notes, 'tea')).toEqual([]);
  });
});

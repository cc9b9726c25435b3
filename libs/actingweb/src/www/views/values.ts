/** How the console shows and edits JSON values. */

/** Longest preview of a value in a table cell. */
const PREVIEW_LENGTH = 300;

/** A short, one-look rendering: strings as they are, anything else as compact JSON. */
export function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  return text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH)}…` : text;
}

/** A value in an edit box, and the format it round-trips with: a string as text, anything else as JSON. */
export function editable(value: unknown): { text: string; format: 'text' | 'json' } {
  return typeof value === 'string'
    ? { text: value, format: 'text' }
    : { text: JSON.stringify(value, null, 2) ?? '', format: 'json' };
}

/** The "store as" radio buttons, `checked` the given format. */
export function formatChoices(checked: string): { value: string; label: string; checked: boolean }[] {
  return [
    { value: 'text', label: 'Text', checked: checked !== 'json' },
    { value: 'json', label: 'JSON (number, true/false, object, list)', checked: checked === 'json' },
  ];
}

/** An ISO 8601 time as `2026-05-01 14:03` (UTC). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

import type { FastifyRequest } from 'fastify';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { validateSegment } from '../../properties/property-path.js';
import type { ConsoleForm } from './console-form.js';

/** Strict JSON text parsing (the routes pass the HTTP layer's, with the configured depth limit). */
export type JsonParser = (text: string) => unknown;

/**
 * A value from a form: `value` as text, or parsed with `parseJson` when
 * `format` (default: the form's field) is `json` (400 when it does not parse).
 */
export function formValue(
  form: ConsoleForm,
  parseJson: JsonParser,
  format = form.text('format', 10),
): unknown {
  const text = form.text('value');
  if (format !== 'json') return text;
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    const reason = err instanceof BadRequestError && err.code !== 'invalid_json' ? `: ${err.message}` : '';
    throw new BadRequestError(
      `The value is not valid JSON${reason}. Write text as "text" or choose Text.`,
      'invalid_json',
    );
  }
  if (value === undefined) throw new BadRequestError('Enter a JSON value', 'missing_value');
  return value;
}

/** The `:name` of a property route, checked like a property name of `/properties`. */
export function propertyName(req: FastifyRequest): string {
  const name = (req.params as { name?: string }).name ?? '';
  validateSegment(name, true);
  return name;
}

/** A path inside a property, `a/b` (from `?path=` or a form field); each key checked. */
export function propertyPath(text: unknown, maxDepth: number): string[] {
  if (typeof text !== 'string' || text === '') return [];
  const segments = text.split('/');
  if (segments.length > maxDepth)
    throw new BadRequestError(`The path is deeper than ${maxDepth} levels`, 'invalid_path');
  for (const segment of segments) validateSegment(segment, false);
  return segments;
}

/** Characters no id or name in a path can have (and PostgreSQL text cannot store: NUL). */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A route parameter naming a peer or a subscription: 1–255 characters, no control characters (else 400). */
export function pathParam(req: FastifyRequest, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name] ?? '';
  if (value === '' || value.length > 255 || CONTROL_CHARACTERS.test(value))
    throw new BadRequestError('This address names nothing that can exist', 'invalid_path');
  return value;
}

/** The `:index` of a list item route. */
export function itemIndex(req: FastifyRequest): number {
  const raw = (req.params as { index?: string }).index ?? '';
  if (!/^\d{1,9}$/.test(raw))
    throw new BadRequestError('The item number must be a whole number', 'invalid_index');
  return Number(raw);
}

/** A positive page number from `?page=`; anything else is page 1. */
export function pageNumber(req: FastifyRequest): number {
  const raw = (req.query as { page?: unknown }).page;
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) && Number(raw) > 0 ? Number(raw) : 1;
}

/** A query string value (first one), or ''. */
export function queryText(req: FastifyRequest, name: string): string {
  const value = (req.query as Record<string, unknown>)[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** The named fields of a form, to put back into it when it comes back with an error. */
export function kept(form: ConsoleForm, names: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) if (form.has(name)) fields[name] = form.text(name);
  return fields;
}

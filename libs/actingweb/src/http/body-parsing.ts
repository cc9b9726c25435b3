import secureJson from 'secure-json-parse';
import { BadRequestError } from '../errors/actingweb.errors.js';

/**
 * Body parsing rules shared by every ActingWeb route:
 * - `application/json` must be valid JSON (400 otherwise);
 * - forms become a plain object of strings;
 * - `text/plain` stays text;
 * - any other or missing content type is sniffed: a body that looks like a JSON
 *   object or array and parses is JSON, anything else is text (protocol clients
 *   often send no content type at all, `shared/docs/protocol.md` §0).
 * Every parsed value is checked for prototype-poisoning keys and nesting depth,
 * so nothing downstream can be polluted or overflow the stack.
 */

/** Parses JSON text strictly; throws BadRequestError on bad syntax, `__proto__` or `constructor.prototype`. */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    if (err instanceof Error && /forbidden/.test(err.message)) {
      throw new BadRequestError(
        'Body contains a forbidden key (__proto__ or constructor.prototype)',
        'forbidden_key',
      );
    }
    throw new BadRequestError('Body is not valid JSON', 'invalid_json');
  }
  assertDepth(value, maxDepth);
  return value;
}

/**
 * `a=1&b=2` → `{ a: '1', b: '2' }` with a null prototype; repeated keys keep the last value.
 * `curl -d '{"creator":"x"}'` labels JSON as a form, so a form body that is a JSON
 * object or array is read as JSON.
 */
export function parseFormBody(text: string, maxDepth: number): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const sniffed = parseSniffedBody(trimmed, maxDepth);
    if (typeof sniffed !== 'string') return sniffed;
  }
  const result: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new BadRequestError(`Form field name "${key}" is not allowed`, 'forbidden_key');
    }
    result[key] = value;
  }
  return result;
}

/** Bodies without a usable content type: JSON if it clearly is, otherwise text. */
export function parseSniffedBody(text: string, maxDepth: number): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const first = trimmed[0];
  if (first === '{' || first === '[') {
    try {
      return parseJsonBody(trimmed, maxDepth);
    } catch (err) {
      // Looks like JSON and is well-formed but forbidden: reject; malformed: keep it as text.
      if (err instanceof BadRequestError && err.code === 'invalid_json') return text;
      throw err;
    }
  }
  return text;
}

/** Iterative depth check (a recursive one would itself overflow on hostile input). */
export function assertDepth(value: unknown, maxDepth: number): void {
  if (value === null || typeof value !== 'object') return;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (depth > maxDepth)
      throw new BadRequestError(`Body is nested deeper than ${maxDepth} levels`, 'too_deep');
    const children = Array.isArray(current) ? current : Object.values(current as object);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

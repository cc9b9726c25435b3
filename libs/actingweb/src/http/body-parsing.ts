import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import secureJson from 'secure-json-parse';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors/actingweb.errors.js';

/**
 * Body parsing rules shared by every ActingWeb route:
 * - `application/json` must be valid JSON (400 otherwise);
 * - forms become a plain object of strings;
 * - `text/plain` stays text;
 * - any other or missing content type is sniffed: a body that looks like a JSON
 *   object or array and parses is JSON, anything else is text (protocol clients
 *   often send no content type at all, Python peers among them).
 * Every parsed value is checked for prototype-poisoning keys and nesting depth,
 * so nothing downstream can be polluted or overflow the stack. Bodies sent with
 * `Content-Encoding: gzip`, `deflate` or `br` are decoded first (RFC 9110 §8.4).
 */

type Decoder = (body: Buffer, options: ZlibOptions) => Buffer;

/** "deflate" is the zlib format (RFC 9110 §8.4.1.2); some clients send raw deflate, which we accept too. */
const inflateEither: Decoder = (body, options) => {
  try {
    return inflateSync(body, options);
  } catch (err) {
    if ((err as { code?: string }).code !== 'Z_DATA_ERROR') throw err;
    return inflateRawSync(body, options);
  }
};

const DECODERS: Readonly<Record<string, Decoder>> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateEither,
  br: brotliDecompressSync,
};

/** More codings than this on one body is refused (each one is a full decompression). */
const MAX_CODINGS = 2;

/**
 * Undoes the codings named in a `Content-Encoding` header, last applied first.
 * The decoded size is bounded by `limit` (413 beyond it, so a small
 * compressed body cannot expand into a large one); corrupt data → 400; a
 * coding we do not know → 415.
 */
export function decodeContent(body: Buffer, header: string, limit: number): Buffer {
  const codings = header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (codings.length > MAX_CODINGS) {
    throw new UnsupportedMediaTypeError(
      `At most ${MAX_CODINGS} content codings are decoded`,
      'unsupported_encoding',
    );
  }
  let decoded = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const decode = DECODERS[codings[i]];
    if (!decode) {
      throw new UnsupportedMediaTypeError(
        `Content-Encoding ${codings[i].slice(0, 40)} is not supported (gzip, deflate, br)`,
        'unsupported_encoding',
      );
    }
    if (decoded.length === 0) continue;
    try {
      decoded = decode(decoded, { maxOutputLength: limit });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new PayloadTooLargeError(limit);
      throw new BadRequestError(`Body is not valid ${codings[i]} data`, 'invalid_encoding');
    }
  }
  return decoded;
}

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

import { BadRequestError } from '../errors/actingweb.errors.js';

/** Segments that would reach into JavaScript object internals; never valid in a property path. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Longest property name or path segment accepted. */
export const MAX_SEGMENT_LENGTH = 255;

/**
 * Splits and validates a property path taken from the raw (still encoded) URL,
 * e.g. `location/latitude/minutes`. Rejected with 400: empty segments, `.` and
 * `..`, encoded slashes or backslashes (a segment must never contain `/`),
 * control characters, JavaScript-internal names, over-long segments, and paths
 * deeper than `maxDepth`. Names starting with `list:` are reserved.
 */
export function parsePropertyPath(rawPath: string, maxDepth: number): string[] {
  if (rawPath === '') return [];
  const rawSegments = rawPath.split('/');
  if (rawSegments.length > maxDepth)
    throw new BadRequestError(`Property path is deeper than ${maxDepth} levels`, 'invalid_path');
  return rawSegments.map((raw, i) => {
    if (/%2f|%5c/i.test(raw))
      throw new BadRequestError('Property path segments must not contain encoded slashes', 'invalid_path');
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new BadRequestError('Property path is not valid percent-encoding', 'invalid_path');
    }
    validateSegment(segment, i === 0);
    return segment;
  });
}

/** Checks one property name or path segment (also used for names in POST bodies). */
export function validateSegment(segment: string, isName: boolean): void {
  if (segment === '') throw new BadRequestError('Property path has an empty segment', 'invalid_path');
  if (segment === '.' || segment === '..')
    throw new BadRequestError('Property path must not contain . or ..', 'invalid_path');
  if (FORBIDDEN.has(segment))
    throw new BadRequestError(`"${segment}" is not allowed in a property path`, 'invalid_path');
  if (segment.length > MAX_SEGMENT_LENGTH) {
    throw new BadRequestError(
      `Property path segments are at most ${MAX_SEGMENT_LENGTH} characters`,
      'invalid_path',
    );
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\]/.test(segment))
    throw new BadRequestError('Property path segment contains a forbidden character', 'invalid_path');
  if (isName && segment.startsWith('list:'))
    throw new BadRequestError('Property names starting with "list:" are reserved', 'invalid_path');
}

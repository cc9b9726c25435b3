import { BadRequestError } from '../errors/actingweb.errors.js';
import { propertySegmentProblem } from '../common/property-name.js';

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

/** Checks one property name or path segment (also used for names in POST bodies); 400 when invalid. */
export function validateSegment(segment: string, isName: boolean): void {
  const problem = propertySegmentProblem(segment, isName);
  if (problem !== null) throw new BadRequestError(problem, 'invalid_path');
}

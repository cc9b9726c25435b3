/** Segments that would reach into JavaScript object internals; never valid in a property path. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Longest property name or path segment accepted. */
export const MAX_SEGMENT_LENGTH = 255;

/**
 * What is wrong with one property name (`isName`) or path segment, or null
 * when it is fine: empty, `.`/`..`, a JavaScript-internal name, longer than
 * {@link MAX_SEGMENT_LENGTH}, a control character, `/` or `\`; names starting
 * with `list:` are reserved. Shared by the request paths and the options that
 * name properties.
 */
export function propertySegmentProblem(segment: string, isName: boolean): string | null {
  if (segment === '') return 'Property path has an empty segment';
  if (segment === '.' || segment === '..') return 'Property path must not contain . or ..';
  if (FORBIDDEN.has(segment)) return `"${segment}" is not allowed in a property path`;
  if (segment.length > MAX_SEGMENT_LENGTH)
    return `Property path segments are at most ${MAX_SEGMENT_LENGTH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\]/.test(segment)) return 'Property path segment contains a forbidden character';
  if (isName && segment.startsWith('list:')) return 'Property names starting with "list:" are reserved';
  return null;
}

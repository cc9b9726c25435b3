/**
 * JSON value helpers shared by every feature. Values here are what a JSON
 * body, a stored property or a hook result holds.
 */

/** Python's `None`: both `null` and `undefined`. */
export function isNone(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/**
 * A JSON object: a `{}` literal or `Object.create(null)` (what form bodies
 * parse to), not an array, a class instance (`Date`, a DTO) or null.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Structural JSON equality (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

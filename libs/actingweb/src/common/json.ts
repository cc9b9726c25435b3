/** Python's `None`: both `null` and `undefined`. */
export function isNone(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** A JSON-like object (`{}` literal or `Object.create(null)`), not an array, class instance or null. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Pure operations on JSON values addressed by a path of object keys. Only plain
 * objects are traversed (arrays and scalars are leaves), keys are read with
 * `Object.hasOwn`, and inputs are never mutated: every write returns a copy of
 * the changed branch. Path segments are validated before they get here, so no
 * key can be `__proto__` or `constructor`.
 */

import { isPlainObject } from './json.js';

export type JsonObject = { [key: string]: unknown };

/** The value at `path`, or `undefined` when a key is missing or a non-object is in the way. */
export function getAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * Sets `path` to `newValue` inside `root`, creating objects for missing levels;
 * siblings are kept. A non-object on the way is replaced by an object (the
 * nested PUT of the protocol deep-merges `{b: {c: value}}` into `a`; ActingWeb spec, "/properties (MUST)").
 */
export function setAt(root: unknown, path: readonly string[], newValue: unknown): unknown {
  if (path.length === 0) return newValue;
  const [key, ...rest] = path;
  const base: JsonObject = isPlainObject(root) ? { ...root } : {};
  base[key] = setAt(Object.hasOwn(base, key) ? base[key] : undefined, rest, newValue);
  return base;
}

/** Removes the key at `path`; returns `{ found: false }` when it does not exist. */
export function deleteAt(root: unknown, path: readonly string[]): { found: boolean; value: unknown } {
  if (path.length === 0) return { found: true, value: undefined };
  if (!isPlainObject(root) || !Object.hasOwn(root, path[0])) return { found: false, value: root };
  const [key, ...rest] = path;
  const copy: JsonObject = { ...root };
  if (rest.length === 0) {
    delete copy[key];
    return { found: true, value: copy };
  }
  const inner = deleteAt(copy[key], rest);
  if (!inner.found) return { found: false, value: root };
  copy[key] = inner.value;
  return { found: true, value: copy };
}

import { BadRequestError } from '../errors/actingweb.errors.js';
import { isPlainObject } from './json.js';
import {
  PERMISSION_CATEGORIES,
  type ListRule,
  type PatternRule,
  type PermissionCategory,
  type Permissions,
} from './permissions.types.js';

/**
 * Validation of permission overrides from the wire (`PUT .../permissions`
 * bodies) and of application trust types' permissions (module options).
 * Pure; shared by config and the permissions feature.
 */

/** Any rule as stored: both forms are accepted in every category, as the reference does. */
type AnyRule = PatternRule & ListRule;

/** Operations an override may list under `operations`. @publicApi */
export const PERMISSION_OPERATIONS: readonly string[] = Object.freeze([
  'read',
  'write',
  'delete',
  'subscribe',
]);

/** Largest number of entries in one list of an override. */
export const MAX_PATTERNS_PER_LIST = 200;
/** Longest pattern accepted in an override. */
export const MAX_PATTERN_LENGTH = 256;

const PATTERN_KEYS = ['patterns', 'operations', 'excluded_patterns'] as const;
const LIST_KEYS = ['allowed', 'denied'] as const;
type RuleKey = (typeof PATTERN_KEYS)[number] | (typeof LIST_KEYS)[number];
const PATTERN_CATEGORIES: ReadonlySet<PermissionCategory> = new Set<PermissionCategory>([
  'properties',
  'resources',
]);

function invalid(message: string): never {
  throw new BadRequestError(`Invalid permissions: ${message}`, 'invalid_permissions');
}

function stringList(value: unknown, path: string, operations = false): string[] {
  if (!Array.isArray(value)) invalid(`${path} must be an array of strings`);
  if (value.length > MAX_PATTERNS_PER_LIST) {
    invalid(`${path} has ${value.length} entries; at most ${MAX_PATTERNS_PER_LIST} are allowed`);
  }
  const out: string[] = [];
  value.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string') invalid(`${path}[${i}] must be a string (got ${describe(entry)})`);
    if (operations) {
      if (!PERMISSION_OPERATIONS.includes(entry)) {
        invalid(
          `${path}[${i}] must be one of ${PERMISSION_OPERATIONS.join(', ')} (got ${JSON.stringify(entry)})`,
        );
      }
    } else {
      if (entry === '') invalid(`${path}[${i}] must not be empty`);
      if (entry.length > MAX_PATTERN_LENGTH) {
        invalid(
          `${path}[${i}] is ${entry.length} characters long; at most ${MAX_PATTERN_LENGTH} are allowed`,
        );
      }
    }
    if (!out.includes(entry)) out.push(entry);
  });
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function normalizeRule(category: PermissionCategory, value: unknown): AnyRule {
  const patternForm = PATTERN_CATEGORIES.has(category);
  if (category === 'properties' && Array.isArray(value)) {
    // Shorthand of the reference's override store: a list of patterns, read only.
    return { patterns: stringList(value, 'properties'), operations: ['read'] };
  }
  const keys: readonly RuleKey[] = patternForm ? PATTERN_KEYS : LIST_KEYS;
  if (!isPlainObject(value)) {
    invalid(
      `${category} must be an object with ${keys.join(', ')}` +
        (category === 'properties' ? ' (or a list of patterns)' : '') +
        ` (got ${describe(value)})`,
    );
  }
  const rule: AnyRule = {};
  for (const key of Object.keys(value)) {
    if (!(keys as readonly string[]).includes(key)) {
      invalid(`unknown key "${key}" in ${category} (expected ${keys.join(', ')})`);
    }
    const entry = value[key];
    if (entry === null || entry === undefined) continue;
    rule[key as RuleKey] = stringList(entry, `${category}.${key}`, key === 'operations');
  }
  return rule;
}

/**
 * Validates an override (a `PUT .../permissions` body, or an app trust type's
 * permissions) and returns a fresh, normalized {@link Permissions}.
 * `properties` may be the shorthand `["a/*", "b"]`, read as
 * `{patterns: [...], operations: ["read"]}`. A null category is left out.
 * Unknown categories or keys, non-string entries, unknown operations, more
 * than 200 entries in a list and patterns over 256 characters are rejected
 * with a {@link BadRequestError} naming the problem.
 *
 * @publicApi
 */
export function normalizeOverride(input: unknown): Permissions {
  if (!isPlainObject(input))
    invalid(`expected a JSON object of permission categories (got ${describe(input)})`);
  const out: Record<string, AnyRule> = {};
  for (const key of Object.keys(input)) {
    if (!(PERMISSION_CATEGORIES as readonly string[]).includes(key)) {
      invalid(`unknown permission category "${key}" (expected ${PERMISSION_CATEGORIES.join(', ')})`);
    }
    const value = input[key];
    if (value === null || value === undefined) continue;
    out[key] = normalizeRule(key as PermissionCategory, value);
  }
  return out as Permissions;
}

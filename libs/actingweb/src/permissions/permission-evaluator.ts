import {
  PERMISSION_CATEGORIES,
  type ListRule,
  type PatternRule,
  type PermissionCategory,
  type PermissionDecision,
  type Permissions,
} from '../common/permissions.types.js';

/**
 * The Python reference's unified permission evaluator (docs/trust.md#how-a-decision-is-made)
 * as pure functions: rule evaluation, glob matching, merging an override into a
 * trust type's base permissions. Overrides from the wire are validated by
 * `normalizeOverride` (common/permission-override.ts) before they get here.
 */

/** Any rule as stored: the evaluator accepts both forms in every category, as the reference does. */
type AnyRule = PatternRule & ListRule;

const PATTERN_KEYS = ['patterns', 'operations', 'excluded_patterns'] as const;
const LIST_KEYS = ['allowed', 'denied'] as const;
const ALL_KEYS = [...PATTERN_KEYS, ...LIST_KEYS] as const;
type RuleKey = (typeof ALL_KEYS)[number];
const UNION_KEYS: ReadonlySet<RuleKey> = new Set<RuleKey>(['patterns', 'excluded_patterns']);

// ---------------------------------------------------------------------------
// Glob matching

const REGEX_CACHE_LIMIT = 1024;
const regexCache = new Map<string, RegExp>();
const REGEX_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

/** Anchored regex for a glob: `*` is any run of characters (including `/` and newlines), `?` one character. */
function globToRegex(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) {
    // Refresh: the Map's insertion order then evicts the least recently used first.
    regexCache.delete(pattern);
    regexCache.set(pattern, cached);
    return cached;
  }
  let source = '^';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += REGEX_SYNTAX.has(ch) ? `\\${ch}` : ch;
  }
  // `s`: `.` also matches line breaks, so `private/*` cannot be dodged with a newline.
  // `u`: `?` is one code point, not one UTF-16 unit.
  const regex = new RegExp(`${source}$`, 'su');
  if (regexCache.size >= REGEX_CACHE_LIMIT) {
    const oldest = regexCache.keys().next().value;
    if (oldest !== undefined) regexCache.delete(oldest);
  }
  regexCache.set(pattern, regex);
  return regex;
}

/** How many compiled globs are cached (for tests and diagnostics). */
export function globCacheSize(): number {
  return regexCache.size;
}

/**
 * Whether `target` matches one pattern: `*` matches anything; an exact string
 * matches itself; a pattern ending in `://` matches every target it prefixes;
 * otherwise a glob anchored at both ends (`*` any run, `?` one character).
 *
 * @publicApi
 */
export function matchesPattern(target: string, pattern: string): boolean {
  if (pattern === '*' || pattern === target) return true;
  if (pattern.endsWith('://') && target.startsWith(pattern)) return true;
  return globToRegex(pattern).test(target);
}

/** Whether `target` matches any of `patterns` (a missing or malformed list matches nothing). */
export function matchesAnyPattern(target: string, patterns: unknown): boolean {
  if (!Array.isArray(patterns)) return false;
  for (const pattern of patterns) {
    if (typeof pattern === 'string' && matchesPattern(target, pattern)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Evaluation

/**
 * Evaluates one rule (in the reference's order): a `denied` match denies; an
 * `allowed` match allows; with `patterns` and `operations`, an operation not
 * listed denies, a pattern match allows unless an exclusion also matches, and
 * no match denies except for the empty target (a listing), which is
 * `not_found`. Nothing applicable: `not_found`.
 *
 * @publicApi
 */
export function evaluateRule(
  rule: PatternRule | ListRule | undefined,
  target: string,
  operation: string,
): PermissionDecision {
  if (!rule || typeof rule !== 'object') return 'not_found';
  const r = rule as AnyRule;
  if (matchesAnyPattern(target, r.denied)) return 'denied';
  if (matchesAnyPattern(target, r.allowed)) return 'allowed';
  if (Array.isArray(r.patterns) && Array.isArray(r.operations)) {
    if (!r.operations.includes(operation)) return 'denied';
    if (matchesAnyPattern(target, r.patterns)) {
      return isExcluded(target, r.excluded_patterns) ? 'denied' : 'allowed';
    }
    return target === '' ? 'not_found' : 'denied';
  }
  return 'not_found';
}

/**
 * An exclusion such as `private/*` also covers `private` itself: reading the
 * parent would reveal everything below it (the reference leaks it; we don't).
 */
function isExcluded(target: string, excluded: readonly string[] | undefined): boolean {
  if (!excluded || excluded.length === 0) return false;
  if (matchesAnyPattern(target, excluded)) return true;
  return excluded.some((pattern) => pattern.endsWith('/*') && matchesPattern(target, pattern.slice(0, -2)));
}

/**
 * Decides `operation` on `target` in `category` under an effective permission
 * set. Operations by category: properties read/write/delete, resources
 * read/write/subscribe, methods `call`, actions `execute`, tools `use`,
 * prompts `invoke`. A category that is not configured gives `not_found`.
 *
 * @publicApi
 */
export function evaluatePermission(
  perms: Permissions,
  category: PermissionCategory,
  target: string,
  operation: string,
): PermissionDecision {
  if (!perms || typeof perms !== 'object' || !Object.hasOwn(perms, category)) return 'not_found';
  return evaluateRule(perms[category], target, operation);
}

/**
 * A trust whose relationship has no configured trust type gets least
 * privilege: only what its override grants explicitly. Where a configured
 * type would leave the route's access rules in charge (`not_found`), such a
 * trust is denied.
 *
 * @publicApi
 */
export function leastPrivilege(decision: PermissionDecision, typed: boolean): PermissionDecision {
  return !typed && decision === 'not_found' ? 'denied' : decision;
}

/**
 * May a peer subscribe to `path` (below the target, `''` for the whole
 * target) in `category`? Subscribing needs read permission on the path, with
 * two refinements: a pattern granting read below the path (`public/*`) also
 * grants subscribing to the path itself (`public`): its diffs are filtered
 * per change, so the peer only ever receives what it may read. And the whole
 * target needs a pattern that covers everything (`*`): `public/*` is no grant
 * on all of `properties`.
 *
 * @publicApi
 */
export function evaluateSubscription(
  perms: Permissions,
  category: PermissionCategory,
  path: string,
): PermissionDecision {
  const decision = evaluatePermission(perms, category, path, 'read');
  const rule = (perms?.[category] ?? undefined) as AnyRule | undefined;
  if (decision === 'not_found') {
    return path === '' && rule && Array.isArray(rule.patterns) ? 'denied' : 'not_found';
  }
  if (decision === 'denied' && path !== '' && rule && grantsReadBelow(rule, path)) return 'allowed';
  return decision;
}

/** A pattern of `rule` grants `read` on something strictly below `path`, and nothing denies `path` itself. */
function grantsReadBelow(rule: AnyRule, path: string): boolean {
  if (!Array.isArray(rule.patterns) || !Array.isArray(rule.operations) || !rule.operations.includes('read'))
    return false;
  if (matchesAnyPattern(path, rule.denied) || isExcluded(path, rule.excluded_patterns)) return false;
  const below = path + '/';
  return rule.patterns.some(
    (pattern) => typeof pattern === 'string' && literalPrefix(pattern).startsWith(below),
  );
}

/** The part of a glob before its first wildcard. */
function literalPrefix(pattern: string): string {
  const wildcard = pattern.search(/[*?]/);
  return wildcard === -1 ? pattern : pattern.slice(0, wildcard);
}

// ---------------------------------------------------------------------------
// Merging

function cloneRule(rule: AnyRule): AnyRule {
  const out: AnyRule = {};
  for (const key of ALL_KEYS) {
    const value = rule[key];
    if (Array.isArray(value)) out[key] = [...value];
  }
  return out;
}

/** A deep copy holding only the known categories and keys. @publicApi */
export function clonePermissions(perms: Permissions | null | undefined): Permissions {
  const out: Permissions = {};
  if (!perms) return out;
  for (const category of PERMISSION_CATEGORIES) {
    const rule = perms[category] as AnyRule | null | undefined;
    if (rule && typeof rule === 'object')
      (out as Record<PermissionCategory, AnyRule>)[category] = cloneRule(rule);
  }
  return out;
}

/**
 * Merges an override into base permissions (the reference's `merge_base=True`). Per
 * category the rule is merged key by key: `patterns` and `excluded_patterns`
 * are unioned (base first, no duplicates), so an override can only add
 * patterns and exclusions; `operations`, `allowed` and `denied` are replaced.
 * A null or missing category keeps the base; a new one is added. Returns
 * fresh objects: neither input is modified or shared.
 *
 * @publicApi
 */
export function mergePermissions(
  base: Permissions | null | undefined,
  override: Permissions | null | undefined,
): Permissions {
  const merged = clonePermissions(base) as Record<PermissionCategory, AnyRule | undefined>;
  if (!override) return merged;
  for (const category of PERMISSION_CATEGORIES) {
    const over = override[category] as AnyRule | null | undefined;
    if (!over || typeof over !== 'object') continue;
    const current = merged[category];
    if (!current) {
      merged[category] = cloneRule(over);
      continue;
    }
    for (const key of ALL_KEYS) {
      const value = over[key];
      if (!Array.isArray(value)) continue;
      current[key] = UNION_KEYS.has(key) ? unique([...(current[key] ?? []), ...value]) : [...value];
    }
  }
  return merged;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

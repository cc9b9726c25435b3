/**
 * Per-relationship permission model (ActingWeb spec, "Types of Relationships";
 * docs/trust.md#permissions). Field names are the wire names.
 */

/** The six permission categories, in wire order. @publicApi */
export type PermissionCategory = 'properties' | 'resources' | 'methods' | 'actions' | 'tools' | 'prompts';

/** Every category, in the order responses list them. @publicApi */
export const PERMISSION_CATEGORIES: readonly PermissionCategory[] = Object.freeze([
  'properties',
  'methods',
  'actions',
  'tools',
  'resources',
  'prompts',
]);

/**
 * Glob patterns plus the operations they allow (`properties`, `resources`).
 * A target matching `excluded_patterns` is denied even when it matches `patterns`.
 *
 * @publicApi
 */
export interface PatternRule {
  patterns?: string[];
  /** `read`, `write`, `delete`, `subscribe`. */
  operations?: string[];
  excluded_patterns?: string[];
}

/** Name globs allowed and denied (`methods`, `actions`, `tools`, `prompts`). Deny wins. @publicApi */
export interface ListRule {
  allowed?: string[];
  denied?: string[];
}

/** A full permission set, or an override of some categories. @publicApi */
export interface Permissions {
  properties?: PatternRule;
  resources?: PatternRule;
  methods?: ListRule;
  actions?: ListRule;
  tools?: ListRule;
  prompts?: ListRule;
}

/**
 * Outcome of one check. `not_found` means no rule applies: callers decide what
 * that means (legacy ACL fallback, included in listings, allowed for hooks).
 *
 * @publicApi
 */
export type PermissionDecision = 'allowed' | 'denied' | 'not_found';

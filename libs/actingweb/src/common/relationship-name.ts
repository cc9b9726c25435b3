import { BadRequestError } from '../errors/actingweb.errors.js';

/** What a relationship name may look like: a URL path segment token (the spec leaves names open, "Types of Relationships"). */
const RELATIONSHIP_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Role names of the access rules that stand for who the caller is, not for a
 * relationship. A trust may never carry one: a peer whose relationship were
 * `creator` would pass every rule written for the creator.
 */
export const RESERVED_ROLE_NAMES: ReadonlySet<string> = new Set([
  'anyone',
  'any',
  'creator',
  'trustee',
  'owner',
]);

/** Whether `name` can name a relationship: a token of `[A-Za-z0-9._-]`, 1–64 characters, not only dots, not a reserved role. */
export function isRelationshipName(name: string): boolean {
  return RELATIONSHIP_NAME.test(name) && !/^\.+$/.test(name) && !RESERVED_ROLE_NAMES.has(name.toLowerCase());
}

/** Throws a 400 unless `name` can name a relationship (see {@link isRelationshipName}). */
export function assertRelationshipName(name: string): void {
  if (!isRelationshipName(name)) {
    throw new BadRequestError(
      'relationship must be 1-64 characters of A-Z, a-z, 0-9, ".", "_" or "-", and not a reserved role name',
      'invalid_relationship',
    );
  }
}

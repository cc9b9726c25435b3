import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { BadRequestError, ForbiddenError } from '../errors/actingweb.errors.js';
import { TrustPermissionRepository } from '../storage/trust-permission.repository.js';
import { TrustTypeRegistry } from './trust-type-registry.service.js';
import {
  clonePermissions,
  evaluatePermission,
  evaluateSubscription,
  leastPrivilege,
  mergePermissions,
} from './permission-evaluator.js';
import { normalizeOverride } from '../common/permission-override.js';
import {
  PERMISSION_CATEGORIES,
  type PermissionCategory,
  type PermissionDecision,
  type Permissions,
} from '../common/permissions.types.js';

/** The permissions in force for one trust. @publicApi */
export interface EffectivePermissions {
  /** The trust type's base permissions merged with the override. */
  permissions: Permissions;
  source: 'custom_override' | 'trust_type_default';
  trustType: string;
  /**
   * Whether `trustType` is a configured trust type. A trust of any other
   * relationship gets least privilege: only what its override grants.
   */
  typed: boolean;
  /** The stored override alone, or null. */
  override: Permissions | null;
  isCustom: boolean;
  updatedAt?: string;
  createdBy?: string;
  notes?: string;
}

/**
 * Keys of a `GET .../permissions` response that a client may send back in a
 * PUT (read, modify, write). They describe the record and are ignored.
 */
const READ_ONLY_KEYS: ReadonlySet<string> = new Set([
  'actor_id',
  'peer_id',
  'trust_type',
  'created_by',
  'updated_at',
  'is_custom',
  'source',
]);
const MAX_NOTES_LENGTH = 4096;

/**
 * Per-relationship permissions (ActingWeb spec, "Types of Relationships" and
 * "Permission Query Endpoint"; docs/trust.md#permissions): the trust type's base permissions
 * merged with the relationship's stored override, and decisions against them.
 * Reads the database on every call (no in-process cache), so several
 * instances sharing a database always agree.
 *
 * @publicApi
 */
@Injectable()
export class PermissionService {
  private readonly logger = new Logger('PermissionService');

  constructor(
    @Inject(TrustTypeRegistry) private readonly registry: TrustTypeRegistry,
    @Inject(TrustPermissionRepository) private readonly overrides: TrustPermissionRepository,
  ) {}

  /**
   * Effective permissions of `peerId` at `actorId`. `relationship` is the
   * trust's current relationship and selects the base permissions (an unknown
   * type has none, so only the override, if any, applies).
   */
  async effective(actorId: string, peerId: string, relationship: string): Promise<EffectivePermissions> {
    const stored = await this.overrides.get(actorId, peerId);
    const type = this.registry.get(relationship);
    const base = type?.permissions ?? {};
    if (!stored) {
      return {
        permissions: mergePermissions(base, null),
        source: 'trust_type_default',
        trustType: relationship,
        typed: type !== undefined,
        override: null,
        isCustom: false,
      };
    }
    return {
      permissions: mergePermissions(base, stored.permissions),
      source: 'custom_override',
      trustType: relationship,
      typed: type !== undefined,
      override: clonePermissions(stored.permissions),
      isCustom: true,
      updatedAt: stored.updatedAt,
      createdBy: stored.createdBy,
      notes: stored.notes,
    };
  }

  /**
   * Decides `operation` on `target` in `category` for a trust peer. A failure
   * while loading or evaluating denies (fail closed), as in the reference. A
   * relationship without a configured trust type gets `denied` where a typed
   * one would get `not_found` (least privilege).
   */
  async decide(
    actorId: string,
    peerId: string,
    relationship: string,
    category: PermissionCategory,
    target: string,
    operation: string,
  ): Promise<PermissionDecision> {
    try {
      const { permissions, typed } = await this.effective(actorId, peerId, relationship);
      return leastPrivilege(evaluatePermission(permissions, category, target, operation), typed);
    } catch (err) {
      this.logger.warn(`Permission check failed for ${actorId}:${peerId}, denying: ${errorText(err)}`);
      return 'denied';
    }
  }

  /**
   * Whether a trust peer may subscribe to `path` of a target in `category`
   * (`''` for the whole target); see {@link evaluateSubscription}. Fails closed.
   */
  async maySubscribe(
    actorId: string,
    peerId: string,
    relationship: string,
    category: PermissionCategory,
    path: string,
  ): Promise<boolean> {
    try {
      const { permissions, typed } = await this.effective(actorId, peerId, relationship);
      return leastPrivilege(evaluateSubscription(permissions, category, path), typed) !== 'denied';
    } catch (err) {
      this.logger.warn(`Subscription check failed for ${actorId}:${peerId}, denying: ${errorText(err)}`);
      return false;
    }
  }

  /**
   * Whether the creator's override of a trust whose relationship has no
   * configured trust type grants anything in `category`. The access rules
   * know no such relationship, so for it the override is what opens the
   * category's routes; the per-request checks then allow only what it grants.
   */
  async overrideOpensCategory(
    actorId: string,
    peerId: string,
    relationship: string,
    category: PermissionCategory,
  ): Promise<boolean> {
    if (this.registry.has(relationship)) return false;
    try {
      const stored = await this.overrides.get(actorId, peerId);
      return Boolean(stored?.permissions[category]);
    } catch (err) {
      this.logger.warn(`Override lookup failed for ${actorId}:${peerId}, denying: ${errorText(err)}`);
      return false;
    }
  }

  /**
   * The per-trust refinement of the access rules for one request: a trust peer
   * whose effective permissions deny `operation` on `target` gets 403. `allowed`
   * and `not_found` (nothing configured) leave the route's access rules in
   * charge, as in the reference. Creator, trustee and application callers
   * are not subject to trust permissions.
   */
  async assertPeerMay(
    actorId: string,
    caller: Caller,
    category: PermissionCategory,
    target: string,
    operation: string,
  ): Promise<void> {
    if (caller.kind !== 'peer') return;
    const decision = await this.decide(
      actorId,
      caller.peerId,
      caller.relationship,
      category,
      target,
      operation,
    );
    if (decision === 'denied') {
      throw new ForbiddenError(
        `The ${caller.relationship} relationship does not allow ${operation} on ${category} ${target}`,
        'permission_denied',
      );
    }
  }

  /**
   * The property names a trust peer may see in a listing: those whose `read`
   * decision is not `denied` (`not_found` is kept, as in the reference, for a
   * relationship with a configured trust type). One
   * load of the effective permissions for the whole list; a failure returns
   * nothing (fail closed).
   */
  async filterReadableProperties(
    actorId: string,
    peerId: string,
    relationship: string,
    names: string[],
  ): Promise<string[]> {
    try {
      const { permissions, typed } = await this.effective(actorId, peerId, relationship);
      return names.filter(
        (name) =>
          leastPrivilege(evaluatePermission(permissions, 'properties', name, 'read'), typed) !== 'denied',
      );
    } catch (err) {
      this.logger.warn(`Property filtering failed for ${actorId}:${peerId}, hiding all: ${errorText(err)}`);
      return [];
    }
  }

  /**
   * Stores an override from a `PUT .../permissions` body. The body holds
   * override categories (validated by `normalizeOverride`) and optionally
   * `notes`; fields echoed from a GET response (`actor_id`, `trust_type`,
   * `source`, ...) are ignored. When an override exists, the categories in
   * the body replace those categories, a null category removes it, and the
   * others are kept (as the reference's `update_permissions`); `createdBy`
   * is kept from the first write. The trust must exist.
   */
  async setOverride(
    actorId: string,
    peerId: string,
    relationship: string,
    body: unknown,
    createdBy: string,
  ): Promise<'created' | 'updated'> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      normalizeOverride(body); // throws the standard message
    }
    const input = body as Record<string, unknown>;
    const categories: Record<string, unknown> = {};
    let notes: string | undefined;
    const cleared: PermissionCategory[] = [];
    for (const key of Object.keys(input)) {
      const value = input[key];
      if (READ_ONLY_KEYS.has(key)) continue;
      if (key === 'notes') {
        if (value !== null && typeof value !== 'string') {
          throw new BadRequestError('Invalid permissions: notes must be a string', 'invalid_permissions');
        }
        if (typeof value === 'string' && value.length > MAX_NOTES_LENGTH) {
          throw new BadRequestError(
            `Invalid permissions: notes is longer than ${MAX_NOTES_LENGTH} characters`,
            'invalid_permissions',
          );
        }
        notes = value ?? '';
        continue;
      }
      categories[key] = value;
      if (value === null && (PERMISSION_CATEGORIES as readonly string[]).includes(key)) {
        cleared.push(key as PermissionCategory);
      }
    }
    const update = normalizeOverride(categories);

    const existing = await this.overrides.get(actorId, peerId);
    const permissions = clonePermissions(existing?.permissions) as Record<PermissionCategory, unknown>;
    for (const category of cleared) delete permissions[category];
    for (const category of PERMISSION_CATEGORIES) {
      if (update[category]) permissions[category] = update[category];
    }
    return this.overrides.put(actorId, peerId, {
      trustType: relationship,
      permissions: permissions as Permissions,
      createdBy: existing?.createdBy || createdBy,
      notes: notes ?? existing?.notes ?? '',
    });
  }

  /** Removes the override, returning the peer to its type's defaults. False when there was none. */
  deleteOverride(actorId: string, peerId: string): Promise<boolean> {
    return this.overrides.delete(actorId, peerId);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

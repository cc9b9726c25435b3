import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import type { PermissionCategory, PermissionDecision, Permissions } from '../common/permissions.types.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import { errorMessage } from '../errors/failures.js';
import { evaluatePermission, evaluateSubscription, leastPrivilege } from './permission-evaluator.js';
import { PermissionService } from './permission.service.js';

/**
 * How a check reads the trust permissions:
 * - `rules`: REST routes (properties, methods, actions, resources,
 *   subscriptions). The access rules already let the caller in; a trust peer
 *   is refused only what its permissions deny, and nothing configured leaves
 *   the rules in charge (for a relationship without a configured trust type:
 *   least privilege, only what its override grants). Callers other than peers
 *   are not subject to trust permissions.
 * - `explicit`: MCP. The creator and the trustee may do everything; a trust
 *   peer only what its permissions explicitly allow; anyone else nothing.
 */
export type PermissionMode = 'rules' | 'explicit';

/** The route a request addresses, as the access rules name it (`trust/<type>/<id>`) and its method. */
export interface RouteAccess {
  readonly pathKey: string;
  readonly method: string;
}

/**
 * One caller's permissions at one actor, loaded once for a request.
 * Operations by category: properties read/write/delete, resources
 * read/write/delete/subscribe, methods `call`, actions `execute`, tools `use`,
 * prompts `invoke`.
 */
export interface PermissionCheck {
  /** Whether `operation` on `target` is allowed. */
  allows(category: PermissionCategory, target: string, operation: string): boolean;
  /** 403 (`permission_denied`) unless `operation` on `target` is allowed. */
  assert(category: PermissionCategory, target: string, operation: string): void;
  /** The items whose name may be used for `operation` (one load for the whole list). */
  filter<T>(
    category: PermissionCategory,
    items: readonly T[],
    operation: string,
    nameOf?: (item: T) => string,
  ): T[];
  /** Whether the caller may subscribe to `path` (`''` for the whole category); see `evaluateSubscription`. */
  maySubscribe(category: PermissionCategory, path: string): boolean;
}

/**
 * The one permission gate: every feature asks it whether a caller may do
 * something at an actor, in one of two modes ({@link PermissionMode}), and the
 * "unapproved peer" rule lives here ({@link PermissionGate.assertApproved}).
 * Failures while loading permissions deny (fail closed), as in the reference.
 *
 * ```ts
 * const check = await this.gate.for(actor, caller, 'rules');
 * check.assert('properties', 'notes/today', 'write'); // 403 for a peer its permissions deny
 * const names = check.filter('methods', registry.names(), 'call');
 * ```
 */
@Injectable()
export class PermissionGate {
  private readonly logger = new Logger('PermissionGate');

  constructor(@Inject(PermissionService) private readonly permissions: PermissionService) {}

  /**
   * An unapproved trust peer may only read or delete its own trust record and
   * send the approval notice (a trust is usable once both sides approved it,
   * docs/trust.md); everything else, and without `access` (MCP) everything,
   * is 403 `trust_not_approved`.
   */
  static assertApproved(caller: Caller, access?: RouteAccess): void {
    if (caller.kind !== 'peer' || caller.approved) return;
    if (access && PermissionGate.unapprovedPeerMayAccess(access)) return;
    throw new ForbiddenError('Trust relationship is not approved yet', 'trust_not_approved');
  }

  /** The routes an unapproved peer may use: its own trust record (read, approve, delete). */
  static unapprovedPeerMayAccess(access: RouteAccess): boolean {
    return access.pathKey === 'trust/<type>/<id>' && ['GET', 'DELETE', 'POST'].includes(access.method);
  }

  /**
   * The check of a caller that needs no lookup (everyone but an approved trust
   * peer), without a promise; undefined when {@link for} must load permissions.
   */
  static immediate(caller: Caller, mode: PermissionMode = 'rules'): PermissionCheck | undefined {
    if (caller.kind !== 'peer') {
      const unrestricted = mode === 'rules' || caller.kind === 'creator' || caller.kind === 'trustee';
      return unrestricted ? ALLOW_ALL : denyAll(caller);
    }
    return caller.approved ? undefined : denyAll(caller);
  }

  /** The permissions of `caller` at `actor`, loaded once (only trust peers cost a lookup). */
  async for(
    actor: { readonly id: string },
    caller: Caller,
    mode: PermissionMode = 'rules',
  ): Promise<PermissionCheck> {
    if (caller.kind !== 'peer' || !caller.approved) return PermissionGate.immediate(caller, mode)!;
    try {
      const { permissions, typed } = await this.permissions.effective(
        actor.id,
        caller.peerId,
        caller.relationship,
      );
      return new PeerCheck(permissions, typed, mode, caller.relationship);
    } catch (err) {
      this.logger.warn(
        `Permission check failed for ${actor.id}:${caller.peerId}, denying: ${errorMessage(err)}`,
      );
      return denyAll(caller);
    }
  }
}

/** A trust peer's decisions under its effective permissions. */
class PeerCheck implements PermissionCheck {
  constructor(
    private readonly permissions: Permissions,
    private readonly typed: boolean,
    private readonly mode: PermissionMode,
    private readonly relationship: string,
  ) {}

  allows(category: PermissionCategory, target: string, operation: string): boolean {
    return this.permits(evaluatePermission(this.permissions, category, target, operation));
  }

  assert(category: PermissionCategory, target: string, operation: string): void {
    if (!this.allows(category, target, operation)) {
      throw new ForbiddenError(
        `The ${this.relationship} relationship does not allow ${operation} on ${category} ${target}`,
        'permission_denied',
      );
    }
  }

  filter<T>(
    category: PermissionCategory,
    items: readonly T[],
    operation: string,
    nameOf: (item: T) => string = String,
  ): T[] {
    return items.filter((item) => this.allows(category, nameOf(item), operation));
  }

  maySubscribe(category: PermissionCategory, path: string): boolean {
    return this.permits(evaluateSubscription(this.permissions, category, path));
  }

  private permits(decision: PermissionDecision): boolean {
    if (this.mode === 'explicit') return decision === 'allowed';
    return leastPrivilege(decision, this.typed) !== 'denied';
  }
}

const ALLOW_ALL: PermissionCheck = Object.freeze({
  allows: () => true,
  assert: () => undefined,
  filter: <T>(_category: PermissionCategory, items: readonly T[]) => [...items],
  maySubscribe: () => true,
});

/** Nothing allowed; `assert` says why in the words of the checks it stands for. */
function denyAll(caller: Caller): PermissionCheck {
  const who = caller.kind === 'peer' ? `The ${caller.relationship} relationship` : 'This caller';
  return {
    allows: () => false,
    assert: (category, target, operation) => {
      throw new ForbiddenError(
        `${who} does not allow ${operation} on ${category} ${target}`,
        'permission_denied',
      );
    },
    filter: () => [],
    maySubscribe: () => false,
  };
}

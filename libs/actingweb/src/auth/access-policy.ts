import type { AccessRule } from './access-rules.js';
import type { Caller } from '../common/caller.js';
import { RESERVED_ROLE_NAMES } from '../common/relationship-name.js';

/** What is being accessed: the route's path key, the HTTP method and the peer id named in the path, if any. */
export interface AccessRequest {
  readonly pathKey: string;
  readonly method: string;
  readonly pathPeerId?: string;
}

/**
 * Evaluates access rules for a caller. Pure and synchronous; one instance per
 * rule table. Permission checks per trust (issue "trust") refine, never widen,
 * what these rules allow.
 */
export class AccessPolicy {
  constructor(private readonly rules: readonly AccessRule[]) {}

  /** True when the first rule matching path, method and role is an allow rule. */
  allows(caller: Caller, request: AccessRequest): boolean {
    const roles = rolesOf(caller, request.pathPeerId);
    for (const rule of this.rules) {
      if (!pathMatches(rule, request.pathKey)) continue;
      if (rule.methods && !rule.methods.includes(request.method)) continue;
      if (rule.roles.some((r) => r === 'anyone' || roles.includes(r))) return rule.allow !== false;
    }
    return false;
  }
}

function rolesOf(caller: Caller, pathPeerId: string | undefined): string[] {
  switch (caller.kind) {
    case 'creator':
      return ['creator'];
    case 'trustee':
      return ['trustee'];
    case 'peer': {
      // A relationship named like a pseudo-role (`creator`, `owner`, ...) grants nothing by its name.
      const relationship = RESERVED_ROLE_NAMES.has(caller.relationship.toLowerCase())
        ? []
        : [caller.relationship];
      return pathPeerId !== undefined && caller.peerId === pathPeerId
        ? [...relationship, 'owner']
        : relationship;
    }
    default:
      return [];
  }
}

function pathMatches(rule: AccessRule, key: string): boolean {
  if (rule.exact) return key === rule.path;
  return key === rule.path || key.startsWith(rule.path + '/');
}

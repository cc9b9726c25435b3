import { Inject, Injectable } from '@nestjs/common';
import { ANONYMOUS, type Caller } from '../common/caller.js';
import type { PermissionCategory } from '../common/permissions.types.js';
import { AwConfig } from '../config/aw-config.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors/actingweb.errors.js';
import { PermissionGate } from '../permissions/permission-gate.js';
import { PermissionService } from '../permissions/permission.service.js';
import { ActorRepository, type ActorRecord } from '../storage/actor.repository.js';
import type { AccessMetadata } from './actor-route.js';
import { AccessPolicy } from './access-policy.js';
import { AccessRules } from './access-rules.js';
import { CredentialResolver } from './credential-resolver.service.js';

/** Routes whose every request is checked against trust permissions, by category. */
const PERMISSION_ROUTES: Readonly<Record<string, PermissionCategory>> = {
  properties: 'properties',
  resources: 'resources',
  methods: 'methods',
  actions: 'actions',
};

/** The request facts the check needs. */
export interface ActorAccessRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly authorization: string | undefined;
}

/**
 * Who may call an actor route (the check `ActorRouter` runs first): unknown actor
 * → 404; no credentials where the rules want some → 401 with
 * `WWW-Authenticate`; wrong credentials → 403; authenticated but not allowed
 * (or an unapproved peer outside its own trust record) → 403. A peer whose
 * relationship has no configured trust type (so no access rule names it)
 * reaches a permission-checked route only when the creator's override for its
 * trust grants something in that category (`docs/trust.md`).
 */
@Injectable()
export class ActorAccess {
  private readonly policy: AccessPolicy;

  constructor(
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(CredentialResolver) private readonly credentials: CredentialResolver,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(AccessRules) rules: AccessRules,
    @Inject(PermissionService) private readonly permissions: PermissionService,
  ) {
    this.policy = new AccessPolicy(rules.rules);
  }

  /** The actor and the caller of a request the rules let in; throws the answer otherwise. */
  async check(
    meta: AccessMetadata,
    request: ActorAccessRequest,
  ): Promise<{ actor: ActorRecord; caller: Caller }> {
    const actor = await this.actors.findById(request.params.actorId ?? '');
    if (!actor) throw new NotFoundError('Actor not found', 'actor_not_found');

    const access = {
      pathKey: meta.pathKey,
      method: request.method,
      pathPeerId: meta.peerParam ? request.params[meta.peerParam] : undefined,
    };
    let caller: Caller;
    try {
      const resolved = this.credentials.resolve(actor, request.authorization);
      caller = resolved instanceof Promise ? await resolved : resolved;
    } catch (err) {
      // Public routes (meta, trust requests) stay readable with someone else's token.
      if (!(err instanceof ForbiddenError) || !this.policy.allows(ANONYMOUS, access)) throw err;
      caller = ANONYMOUS;
    }

    if (
      !this.policy.allows(caller, access) &&
      !(await this.openedByOverride(actor.id, caller, access.pathKey))
    ) {
      if (caller.kind === 'anonymous') {
        throw new UnauthorizedError('Authentication required', `Basic realm="${this.config.authRealm}"`);
      }
      throw new ForbiddenError('Not allowed');
    }
    PermissionGate.assertApproved(caller, access);
    return { actor, caller };
  }

  private async openedByOverride(actorId: string, caller: Caller, pathKey: string): Promise<boolean> {
    const category = PERMISSION_ROUTES[pathKey];
    if (caller.kind !== 'peer' || !caller.approved || !category) return false;
    return this.permissions.overrideOpensCategory(actorId, caller.peerId, caller.relationship, category);
  }
}

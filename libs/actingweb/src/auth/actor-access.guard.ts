import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AwConfig } from '../config/aw-config.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors/actingweb.errors.js';
import { ActorRepository } from '../storage/actor.repository.js';
import { PermissionService } from '../permissions/permission.service.js';
import type { PermissionCategory } from '../common/permissions.types.js';
import { ACCESS_METADATA, type AccessMetadata, type AwRequest } from './access.decorators.js';
import { AccessPolicy } from './access-policy.js';
import { ACCESS_RULES } from './access-rules.token.js';
import type { AccessRule } from './access-rules.js';
import { ANONYMOUS, type Caller } from '../common/caller.js';
import { CredentialResolver } from './credential-resolver.service.js';

/** Routes whose every request is checked against trust permissions, by category. */
const PERMISSION_ROUTES: Readonly<Record<string, PermissionCategory>> = {
  properties: 'properties',
  resources: 'resources',
  methods: 'methods',
  actions: 'actions',
};

/**
 * The one gate in front of every actor route: unknown actor → 404; no
 * credentials where the rules want some → 401 with `WWW-Authenticate`; wrong
 * credentials → 403; authenticated but not allowed (or an unapproved peer
 * outside its own trust record) → 403. A peer whose relationship has no
 * configured trust type (so no access rule names it) reaches a
 * permission-checked route only when the creator's override for its trust
 * grants something in that category (`docs/trust.md`).
 * Only a caller who passes all of that learns that the body could not be read
 * (400, 415).
 */
@Injectable()
export class ActorAccessGuard implements CanActivate {
  private readonly policy: AccessPolicy;
  /** Route metadata per handler, read once (Reflector lookups showed up in profiles). */
  private readonly metadata = new Map<unknown, AccessMetadata | null>();

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(CredentialResolver) private readonly credentials: CredentialResolver,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ACCESS_RULES) rules: readonly AccessRule[],
    @Inject(PermissionService) private readonly permissions: PermissionService,
  ) {
    this.policy = new AccessPolicy(rules);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    let meta = this.metadata.get(handler);
    if (meta === undefined) {
      meta = this.reflector.get<AccessMetadata | undefined>(ACCESS_METADATA, handler) ?? null;
      this.metadata.set(handler, meta);
    }
    if (!meta) return true;
    const request = context.switchToHttp().getRequest<AwRequest>();
    const params = request.params as Record<string, string>;

    const actor = await this.actors.findById(params.actorId ?? '');
    if (!actor) throw new NotFoundError('Actor not found', 'actor_not_found');

    const access = {
      pathKey: meta.pathKey,
      method: request.method,
      pathPeerId: meta.peerParam ? params[meta.peerParam] : undefined,
    };
    let caller: Caller;
    try {
      const resolved = this.credentials.resolve(actor, request.headers.authorization);
      caller = resolved instanceof Promise ? await resolved : resolved;
    } catch (err) {
      // Public routes (meta, trust requests) stay readable with someone else's token (checklist 25).
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
    if (caller.kind === 'peer' && !caller.approved && !AccessPolicy.unapprovedPeerMayAccess(access)) {
      throw new ForbiddenError('Trust relationship is not approved yet', 'trust_not_approved');
    }
    if (request.awBodyError) throw request.awBodyError;
    request.aw = { actor, caller };
    return true;
  }

  private async openedByOverride(actorId: string, caller: Caller, pathKey: string): Promise<boolean> {
    const category = PERMISSION_ROUTES[pathKey];
    if (caller.kind !== 'peer' || !caller.approved || !category) return false;
    return this.permissions.overrideOpensCategory(actorId, caller.peerId, caller.relationship, category);
  }
}

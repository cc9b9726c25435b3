import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ActorService } from '../../actors/actor.service.js';
import { AccessPolicy } from '../../auth/access-policy.js';
import { AccessRules } from '../../auth/access-rules.js';
import { ActorAccess } from '../../auth/actor-access.service.js';
import type { Caller } from '../../common/caller.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { IdentityHttp } from '../../identity/http/identity-http.js';

/** The access-table path key of every console page (`DEFAULT_ACCESS_RULES`: the creator only). */
export const CONSOLE_PATH_KEY = 'www';

const CREATOR: Caller = Object.freeze({ kind: 'creator' });

/** How the owner came in: a sign-in session, or credentials on the request (Basic `creator:passphrase`). */
export type ConsoleEntry =
  | { readonly via: 'session'; readonly loginName: string }
  | { readonly via: 'credentials'; readonly caller: Caller };

/** Nobody is signed in and no credentials came with the request (the answer: sign in). */
export class SignInRequiredError extends UnauthorizedError {
  constructor(readonly actorId: string) {
    super('Sign in as the owner of this actor to use its console');
  }
}

/** Signed in, but as the owner of another actor. */
export class OtherActorSessionError extends ForbiddenError {
  constructor(readonly ownActorId: string) {
    super('You are signed in as the owner of another actor; this console is not yours', 'other_actor');
  }
}

/**
 * Who may use an actor's console. Credentials on the request decide when
 * present (checked and answered as on every actor route: wrong ones → 403,
 * not allowed by the access rules → 403); otherwise a sign-in session of
 * the actor's owner lets in, as the creator. Nobody else: an unknown actor is
 * 404, no session and no credentials 401 ({@link SignInRequiredError}), a
 * session of another actor 403.
 */
@Injectable()
export class ConsoleAccess {
  private readonly policy: AccessPolicy;

  constructor(
    @Inject(ActorAccess) private readonly actorAccess: ActorAccess,
    @Inject(ActorService) private readonly actors: ActorService,
    @Inject(IdentityHttp) private readonly identity: IdentityHttp,
    @Inject(AccessRules) rules: AccessRules,
  ) {
    this.policy = new AccessPolicy(rules.rules);
  }

  async enter(req: FastifyRequest, actorId: string): Promise<{ actor: ActorHandle; entry: ConsoleEntry }> {
    const authorization = req.headers.authorization;
    if (authorization !== undefined && authorization.trim() !== '') {
      const { actor, caller } = await this.actorAccess.check(
        { pathKey: CONSOLE_PATH_KEY },
        { method: req.method, params: { actorId }, authorization },
      );
      return { actor: this.actors.handle(actor), entry: { via: 'credentials', caller } };
    }
    const actor = await this.actors.get(actorId);
    if (!actor) throw new NotFoundError('Actor not found', 'actor_not_found');
    const session = await this.identity.session(req);
    if (!session) throw new SignInRequiredError(actorId);
    if (session.actorId !== actorId) throw new OtherActorSessionError(session.actorId);
    if (!this.policy.allows(CREATOR, { pathKey: CONSOLE_PATH_KEY, method: req.method })) {
      throw new ForbiddenError('Not allowed');
    }
    return { actor, entry: { via: 'session', loginName: session.loginName } };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { ActorService, newActorId, newSecret } from '../../actors/actor.service.js';
import { AwConfig } from '../../config/aw-config.js';
import { TooManyRequestsError } from '../../errors/actingweb.errors.js';
import { HookInvoker } from '../../hooks/hook-invoker.service.js';
import { logPrefix } from '../../common/request-context.js';
import { ActorRepository, type ActorRecord } from '../../storage/actor.repository.js';
import { ProviderLoginRepository } from '../storage/provider-login.repository.js';
import { RateLimiter } from './rate-limiter.js';
import { noActorError, wrongAccountError } from './sign-in-errors.js';

/** A provider account with its verified email (lower-cased: the creator it signs in as). */
export interface VerifiedIdentity {
  provider: string;
  subject: string;
  email: string;
}

/**
 * Which actor a provider sign-in opens: the one whose creator is the
 * verified email, created on the first sign-in when `identity.autoCreateActor`
 * allows it. Creation is atomic per creator (`uniqueCreator` semantics, even
 * when the option is off for `POST /`): two sign-ins at once create one actor,
 * and `actor_created` fires once.
 */
@Injectable()
export class IdentityActors {
  private readonly logger = new Logger('ActingWebIdentity');
  private readonly signUps: RateLimiter;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(ActorService) private readonly actorService: ActorService,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(ProviderLoginRepository) private readonly identities: ProviderLoginRepository,
  ) {
    const { max, windowSeconds } = config.identity?.rateLimits.signUp ?? { max: 10, windowSeconds: 3600 };
    this.signUps = new RateLimiter(max, windowSeconds * 1000);
  }

  /**
   * The actor of `identity`. `forActorId`: the sign-in was started for that
   * actor (e.g. to connect an application to it); another person's account is
   * refused (403), as in the Python reference. An actor that no longer exists
   * is no constraint.
   */
  async resolve(
    identity: VerifiedIdentity,
    forActorId: string | null,
    clientAddress: string,
  ): Promise<{ actor: ActorRecord; created: boolean }> {
    if (forActorId !== null) {
      const wanted = await this.actors.findById(forActorId);
      if (wanted) {
        if (wanted.creator !== identity.email) throw wrongAccountError(forActorId);
        return { actor: wanted, created: false };
      }
    }
    const existing = await this.actors.findByCreator(identity.email);
    if (existing.length > 0) return { actor: await this.pick(existing, identity), created: false };
    if (!this.config.identity?.autoCreateActor) throw noActorError();

    const verdict = this.signUps.hit(clientAddress);
    if (!verdict.allowed) {
      throw new TooManyRequestsError(
        'Too many new accounts from your network; wait a little and try again',
        'too_many_sign_ups',
        verdict.retryAfterSeconds,
      );
    }
    const record: ActorRecord = {
      id: newActorId(),
      creator: identity.email,
      passphrase: newSecret(),
      trusteeRoot: null,
      createdAt: new Date().toISOString(),
    };
    const result = await this.actors.createIfCreatorFree(record);
    if (!result.created) return { actor: await this.pick(result.existing, identity), created: false };
    this.logger.log(
      `${logPrefix()}Actor ${record.id} created at the first sign-in with ${identity.provider}`,
    );
    await this.hooks.runLifecycle({ event: 'actor_created', actor: this.actorService.handle(record) });
    return { actor: record, created: true };
  }

  /** Of several actors with this creator (`uniqueCreator` off): the one this account used last, else the first. */
  private async pick(candidates: ActorRecord[], identity: VerifiedIdentity): Promise<ActorRecord> {
    if (candidates.length === 1) return candidates[0];
    const known = await this.identities.findIdentity(identity.provider, identity.subject);
    return candidates.find((a) => a.id === known?.actorId) ?? candidates[0];
  }
}

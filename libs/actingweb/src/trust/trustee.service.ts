import { Inject, Injectable } from '@nestjs/common';
import { normalizeCreator } from '../actors/actor.service.js';
import { BadRequestError } from '../errors/actingweb.errors.js';
import { ActorRepository, type ActorRecord } from '../storage/actor.repository.js';
import { normalizePeerUrl } from './trust-manager.service.js';

/**
 * The actor's trustee (§8.6): an external actor that manages this actor's
 * trust relationships. Setting the creator to `trustee` lets the passphrase
 * act as a Bearer token (when it is strong enough, see CredentialResolver).
 */
@Injectable()
export class TrusteeService {
  constructor(@Inject(ActorRepository) private readonly actors: ActorRepository) {}

  async set(actor: ActorRecord, input: { trusteeRoot?: string; creator?: string }): Promise<void> {
    if (input.trusteeRoot === undefined && input.creator === undefined) {
      throw new BadRequestError('Body must set trustee_root and/or creator', 'invalid_body');
    }
    await this.actors.update(actor.id, {
      trusteeRoot:
        input.trusteeRoot === undefined
          ? undefined
          : input.trusteeRoot === ''
            ? null
            : normalizePeerUrl(input.trusteeRoot),
      creator: input.creator === undefined ? undefined : normalizeCreator(input.creator),
    });
  }

  async clear(actor: ActorRecord): Promise<void> {
    await this.actors.update(actor.id, { trusteeRoot: null });
  }
}

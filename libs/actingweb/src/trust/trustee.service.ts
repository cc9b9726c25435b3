import { Inject, Injectable } from '@nestjs/common';
import { normalizeCreator } from '../common/creator.js';
import { AwConfig } from '../config/aw-config.js';
import { BadRequestError, ConflictError } from '../errors/actingweb.errors.js';
import { ActorRepository, type ActorRecord } from '../storage/actor.repository.js';
import { normalizePeerUrl } from './trust-urls.js';

/**
 * The actor's trustee (ActingWeb spec, "Using a Trustee To Manage
 * Relationships"): an external actor that manages this actor's trust
 * relationships. Setting the creator to `trustee` lets the passphrase act as
 * a Bearer token (when it is strong enough, see CredentialResolver).
 */
@Injectable()
export class TrusteeService {
  constructor(
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /**
   * Sets the trustee root and/or renames the creator. The creator is
   * normalised as at actor creation; with `uniqueCreator`, a name another
   * actor holds is refused (409), so a creator keeps naming one actor.
   */
  async set(actor: ActorRecord, input: { trusteeRoot?: string; creator?: string }): Promise<void> {
    if (input.trusteeRoot === undefined && input.creator === undefined) {
      throw new BadRequestError('Body must set trustee_root and/or creator', 'invalid_body');
    }
    const trusteeRoot =
      input.trusteeRoot === undefined
        ? undefined
        : input.trusteeRoot === ''
          ? null
          : normalizePeerUrl(input.trusteeRoot);
    const creator = input.creator === undefined ? undefined : normalizeCreator(input.creator);
    if (creator !== undefined && this.config.uniqueCreator && creator !== actor.creator) {
      if (!(await this.actors.updateIfCreatorFree(actor.id, { creator, trusteeRoot })))
        throw new ConflictError('Another actor already has this creator', 'creator_exists');
      return;
    }
    await this.actors.update(actor.id, { trusteeRoot, creator });
  }

  async clear(actor: ActorRecord): Promise<void> {
    await this.actors.update(actor.id, { trusteeRoot: null });
  }
}

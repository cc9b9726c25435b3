import { Delete, Get, HttpCode, Inject } from '@nestjs/common';
import { Access, CurrentActor } from '../auth/access.decorators.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { ActorService } from './actor.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

/** The actor root, `<root>/<id>` (`shared/docs/protocol.md` §4). Creator, trustee or admin only. */
@ActorController('')
export class ActorRootController {
  constructor(@Inject(ActorService) private readonly actors: ActorService) {}

  @Get()
  @Access('/')
  get(@CurrentActor() actor: ActorRecord) {
    return {
      id: actor.id,
      creator: actor.creator,
      passphrase: actor.passphrase,
      ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
    };
  }

  @Delete()
  @Access('/')
  @HttpCode(204)
  async delete(@CurrentActor() actor: ActorRecord): Promise<void> {
    if (!(await this.actors.delete(actor.id))) throw new NotFoundError('Actor not found', 'actor_not_found');
  }
}

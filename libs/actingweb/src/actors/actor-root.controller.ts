import { Delete, Get, HttpCode, Inject } from '@nestjs/common';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { ActorService } from './actor.service.js';
import { actorView } from './actor.view.js';

/** The actor root, `<root>/<id>` (ActingWeb spec, "Deleting Actor Instances"). Creator, trustee or admin only. */
@ActorController('')
export class ActorRootController {
  constructor(@Inject(ActorService) private readonly actors: ActorService) {}

  @Get()
  @Access('/')
  get(@Actor() actor: ActorRecord) {
    return actorView(actor, actor.passphrase);
  }

  @Delete()
  @Access('/')
  @HttpCode(204)
  async delete(@Actor() actor: ActorRecord): Promise<void> {
    if (!(await this.actors.delete(actor.id))) throw new NotFoundError('Actor not found', 'actor_not_found');
  }
}

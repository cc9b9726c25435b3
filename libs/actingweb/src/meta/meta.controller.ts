import { Get, Inject, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorators.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { MetaService } from './meta.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

/** `GET /<id>/meta[/<path>]`: public, no credentials needed. */
@ActorController('meta')
export class MetaController {
  constructor(@Inject(MetaService) private readonly meta: MetaService) {}

  @Get()
  @Access('meta')
  all(@Actor() actor: ActorRecord) {
    return this.meta.document(actor);
  }

  @Get('*')
  @Access('meta')
  one(
    @Actor() actor: ActorRecord,
    @Param('*') path: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const value = this.meta.path(actor, path);
    if (!value) throw new NotFoundError(`No meta path ${path}`, 'meta_not_found');
    if (value.kind === 'redirect') {
      reply.status(302).header('location', value.location);
      return '';
    }
    if (value.kind === 'text') reply.type('text/plain; charset=utf-8');
    return value.body;
  }
}

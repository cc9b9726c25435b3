import { Controller, Get, Headers, Inject, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { ActingWebExceptionFilter } from '../http/actingweb-exception.filter.js';
import { ValidBody } from '../http/valid-body.js';
import { ActorService } from './actor.service.js';
import { actorView, factoryPage, factoryView } from './actor.view.js';
import { CreateActorDto } from './dto/create-actor.dto.js';

/** The factory, `<root>/` (ActingWeb spec, "Instantiation of Actors"): create actors. */
@Controller()
@UseFilters(ActingWebExceptionFilter)
export class FactoryController {
  constructor(
    @Inject(ActorService) private readonly actors: ActorService,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /**
   * Not in the spec: a short description of this factory (JSON), or for
   * browsers the console's start page (`/www`: create an actor or sign in),
   * or without the console a plain creation form.
   */
  @Get()
  describe(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    if (accept?.includes('text/html') && !accept.includes('application/json')) {
      if (this.config.www.enabled) {
        reply.status(302).header('location', `${this.config.root}www`).header('cache-control', 'no-store');
        return '';
      }
      reply.type('text/html; charset=utf-8');
      return factoryPage(this.config);
    }
    return factoryView(this.config);
  }

  /** `POST /`: 201, absolute `Location`, `{id, creator, passphrase[, trustee_root]}`. */
  @Post()
  async create(
    @ValidBody(CreateActorDto) dto: CreateActorDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { actor, passphrase } = await this.actors.create({
      creator: dto.creator,
      passphrase: dto.passphrase,
      trusteeRoot: dto.trustee_root,
    });
    reply.status(201).header('location', actor.url);
    return actorView(actor, passphrase);
  }
}

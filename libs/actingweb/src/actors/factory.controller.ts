import { Body, Controller, Get, Headers, Inject, Post, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { ActingWebExceptionFilter } from '../http/actingweb-exception.filter.js';
import { validateBody } from '../common/validate-body.js';
import { ActorService } from './actor.service.js';
import { CreateActorDto } from './dto/create-actor.dto.js';

/** The factory, `<root>/` (`shared/docs/protocol.md` §3): create actors. */
@Controller()
@UseFilters(ActingWebExceptionFilter)
export class FactoryController {
  constructor(
    @Inject(ActorService) private readonly actors: ActorService,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /** Not in the spec: a short description of this factory (JSON, or HTML for browsers). */
  @Get()
  describe(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const info = {
      type: this.config.type,
      version: this.config.version,
      aw_version: this.config.specVersion,
      aw_supported: this.config.optionTags.join(','),
      create: {
        method: 'POST',
        url: this.config.root,
        body: { creator: 'string?', passphrase: 'string?', trustee_root: 'url?' },
      },
    };
    if (accept?.includes('text/html') && !accept.includes('application/json')) {
      reply.type('text/html; charset=utf-8');
      return factoryPage(this.config.type, this.config.root);
    }
    return info;
  }

  /** `POST /`: 201, absolute `Location`, `{id, creator, passphrase[, trustee_root]}`. */
  @Post()
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = await validateBody(CreateActorDto, body);
    const { actor, passphrase } = await this.actors.create({
      creator: dto.creator,
      passphrase: dto.passphrase,
      trusteeRoot: dto.trustee_root,
    });
    reply.status(201).header('location', actor.url);
    return {
      id: actor.id,
      creator: actor.creator,
      passphrase,
      ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
    };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function factoryPage(type: string, root: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>ActingWeb factory</title></head><body>
<h1>ActingWeb factory</h1><p>Mini-app type <code>${escapeHtml(type)}</code>.</p>
<form method="post" action="${escapeHtml(root)}"><label>Creator <input name="creator"></label>
<button type="submit">Create actor</button></form></body></html>`;
}

import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import type { ActingWebError } from '../../errors/actingweb.errors.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import { ConsoleTrust } from '../services/console-trust.service.js';
import type { Kept } from '../views/properties.view.js';
import { trustPageData } from '../views/trust.view.js';
import { ConsoleHttp, shownOnPage, type ConsoleContext } from './console-http.js';
import { kept, pathParam } from './form-values.js';

/** What the trust page shows after a failed form. */
interface Returned {
  readonly error: ActingWebError;
  readonly kept?: Kept;
  /** A delete the peer did not answer: offer to delete here only. */
  readonly unreachable?: TrustRecord;
}

/**
 * The trust page: `GET /<id>/www/trust` (groups, new-trust form),
 * `POST .../trust` (ask a peer), `POST .../trust/<peer>/approve|refresh|delete`.
 * One trust and its permissions: `TrustPeerRoutes`.
 */
@Injectable()
export class TrustRoutes {
  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleTrust) private readonly trust: ConsoleTrust,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  install(scope: FastifyInstance): void {
    scope.get('/:actorId/www/trust', async (req, reply) =>
      this.list(reply, await this.http.open(req, reply)),
    );
    scope.post('/:actorId/www/trust', (req, reply) => this.start(req, reply));
    scope.post('/:actorId/www/trust/:peerId/approve', (req, reply) =>
      this.change(req, reply, 'trust-approved', (ctx, peerId) => this.trust.approve(ctx.actor, peerId)),
    );
    scope.post('/:actorId/www/trust/:peerId/refresh', (req, reply) =>
      this.change(req, reply, 'trust-checked', (ctx, peerId) => this.trust.refresh(ctx.actor, peerId)),
    );
    scope.post('/:actorId/www/trust/:peerId/delete', (req, reply) => this.delete(req, reply));
  }

  private async list(reply: FastifyReply, ctx: ConsoleContext, returned?: Returned): Promise<FastifyReply> {
    const records = await this.trust.all(ctx.actor.id);
    const data = trustPageData(
      ctx.base,
      records,
      this.trust.relationships(),
      this.config.defaultRelationship,
      await this.trust.customised(ctx.actor.id, records),
      returned?.kept,
      returned?.unreachable,
    );
    const options = returned ? { status: returned.error.statusCode, error: returned.error.message } : {};
    return this.http.render(reply, ctx, 'trust', 'trust', 'Trust', data, options);
  }

  private async start(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    try {
      await this.trust.start(ctx.actor, {
        url: form.text('peer_url', 2000).trim(),
        relationship: form.text('relationship', 64),
        description: form.text('description', 500),
      });
      return this.http.seeOther(reply, ctx, '/trust', 'trust-requested');
    } catch (err) {
      return this.list(reply, ctx, {
        error: shownOnPage(err),
        kept: kept(form, ['peer_url', 'relationship', 'description']),
      });
    }
  }

  /** Approve or ask again: on failure the trust page says why, and nothing changed. */
  private async change(
    req: FastifyRequest,
    reply: FastifyReply,
    notice: 'trust-approved' | 'trust-checked',
    act: (ctx: ConsoleContext, peerId: string) => Promise<void>,
  ): Promise<FastifyReply> {
    const { ctx } = await this.http.submit(req, reply);
    try {
      await act(ctx, peerIdOf(req));
      return this.http.seeOther(reply, ctx, '/trust', notice);
    } catch (err) {
      return this.list(reply, ctx, { error: shownOnPage(err) });
    }
  }

  private async delete(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const hereOnly = form.text('local_only', 10) === '1';
    const peerId = peerIdOf(req);
    try {
      await this.trust.delete(ctx.actor, peerId, hereOnly);
      return this.http.seeOther(reply, ctx, '/trust', hereOnly ? 'trust-deleted-here' : 'trust-deleted');
    } catch (err) {
      const error = shownOnPage(err);
      const unreachable =
        error.code === 'peer_unreachable' ? await this.trust.get(ctx.actor.id, peerId) : undefined;
      return this.list(reply, ctx, { error, unreachable });
    }
  }
}

/** The `:peerId` of a trust route. */
export function peerIdOf(req: FastifyRequest): string {
  return pathParam(req, 'peerId');
}

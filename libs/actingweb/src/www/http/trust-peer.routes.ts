import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActingWebError } from '../../errors/actingweb.errors.js';
import { ConsoleTrust } from '../services/console-trust.service.js';
import { permissionStateOf, trustPeerPageData, type PermissionFormState } from '../views/trust.view.js';
import { ConsoleHttp, shownOnPage, type ConsoleContext } from './console-http.js';
import { permissionOverride, permissionStateFromForm } from './permission-form.js';
import { peerIdOf } from './trust.routes.js';

/**
 * One trust: `GET /<id>/www/trust/<peer>` (its facts and permissions form),
 * `POST .../trust/<peer>/permissions` (save the override; a bad rule comes
 * back with the form as sent), `POST .../trust/<peer>/permissions/reset`.
 */
@Injectable()
export class TrustPeerRoutes {
  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleTrust) private readonly trust: ConsoleTrust,
  ) {}

  install(scope: FastifyInstance): void {
    scope.get('/:actorId/www/trust/:peerId', async (req, reply) =>
      this.page(req, reply, await this.http.open(req, reply)),
    );
    scope.post('/:actorId/www/trust/:peerId/permissions', (req, reply) => this.save(req, reply));
    scope.post('/:actorId/www/trust/:peerId/permissions/reset', (req, reply) => this.reset(req, reply));
  }

  private async page(
    req: FastifyRequest,
    reply: FastifyReply,
    ctx: ConsoleContext,
    returned?: { error: ActingWebError; state: PermissionFormState },
  ): Promise<FastifyReply> {
    const record = await this.trust.get(ctx.actor.id, peerIdOf(req));
    const permissions = await this.trust.permissionsOf(ctx.actor.id, record);
    const state = returned?.state ?? permissionStateOf(permissions.effective, permissions.base);
    const data = trustPeerPageData(ctx.base, record, permissions, state);
    const options = returned ? { status: returned.error.statusCode, error: returned.error.message } : {};
    return this.http.render(reply, ctx, 'trust', 'trust-peer', 'Trust', data, options);
  }

  private async save(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const state = permissionStateFromForm(form);
    const peerId = peerIdOf(req);
    try {
      await this.trust.savePermissions(ctx.actor.id, peerId, permissionOverride(state));
      return this.http.seeOther(reply, ctx, `/trust/${encodeURIComponent(peerId)}`, 'permissions-saved');
    } catch (err) {
      return this.page(req, reply, ctx, { error: shownOnPage(err), state });
    }
  }

  private async reset(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx } = await this.http.submit(req, reply);
    const peerId = peerIdOf(req);
    await this.trust.resetPermissions(ctx.actor.id, peerId);
    return this.http.seeOther(reply, ctx, `/trust/${encodeURIComponent(peerId)}`, 'permissions-reset');
  }
}

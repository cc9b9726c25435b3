import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, type ActingWebError } from '../../errors/actingweb.errors.js';
import type { Granularity, SubscriptionRecord } from '../../subscriptions/subscription-manager.service.js';
import { ConsoleSubscriptions } from '../services/console-subscriptions.service.js';
import type { Kept } from '../views/properties.view.js';
import { subscriptionsPageData } from '../views/subscriptions.view.js';
import { ConsoleHttp, shownOnPage, type ConsoleContext } from './console-http.js';
import { kept, pathParam } from './form-values.js';

const GRANULARITIES: readonly Granularity[] = ['high', 'low', 'none'];

interface Returned {
  readonly error: ActingWebError;
  readonly kept?: Kept;
  readonly unreachable?: SubscriptionRecord;
}

/**
 * The subscriptions page: `GET /<id>/www/subscriptions`, `POST .../subscriptions`
 * (subscribe to a trusted peer), `POST .../subscriptions/<peer>/<subscription>/delete`
 * (end one, in either direction).
 */
@Injectable()
export class SubscriptionsRoutes {
  constructor(
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(ConsoleSubscriptions) private readonly subscriptions: ConsoleSubscriptions,
  ) {}

  install(scope: FastifyInstance): void {
    scope.get('/:actorId/www/subscriptions', async (req, reply) =>
      this.page(reply, await this.http.open(req, reply)),
    );
    scope.post('/:actorId/www/subscriptions', (req, reply) => this.subscribe(req, reply));
    scope.post('/:actorId/www/subscriptions/:peerId/:subscriptionId/delete', (req, reply) =>
      this.end(req, reply),
    );
  }

  private async page(reply: FastifyReply, ctx: ConsoleContext, returned?: Returned): Promise<FastifyReply> {
    const overview = await this.subscriptions.overview(ctx.actor.id);
    const data = subscriptionsPageData(ctx.base, overview, returned?.kept, returned?.unreachable);
    const options = returned ? { status: returned.error.statusCode, error: returned.error.message } : {};
    return this.http.render(reply, ctx, 'subscriptions', 'subscriptions', 'Subscriptions', data, options);
  }

  private async subscribe(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    try {
      const granularity = GRANULARITIES.find((g) => g === form.text('granularity', 10));
      if (!granularity) throw new BadRequestError('Choose a granularity', 'invalid_granularity');
      await this.subscriptions.subscribe(
        ctx.actor,
        form.text('peer', 255),
        form.text('target', 64).trim(),
        form.text('subtarget', 255).trim(),
        granularity,
      );
      return this.http.seeOther(reply, ctx, '/subscriptions', 'subscribed');
    } catch (err) {
      const input = kept(form, ['peer', 'target', 'subtarget', 'granularity']);
      return this.page(reply, ctx, { error: shownOnPage(err), kept: input });
    }
  }

  private async end(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { ctx, form } = await this.http.submit(req, reply);
    const peerId = pathParam(req, 'peerId');
    const subscriptionId = pathParam(req, 'subscriptionId');
    try {
      await this.subscriptions.end(ctx.actor, peerId, subscriptionId, form.text('local_only', 10) === '1');
      return this.http.seeOther(reply, ctx, '/subscriptions', 'subscription-ended');
    } catch (err) {
      const error = shownOnPage(err);
      const unreachable =
        error.code === 'peer_unreachable'
          ? await this.subscriptions.find(ctx.actor.id, peerId, subscriptionId)
          : undefined;
      return this.page(reply, ctx, { error, unreachable });
    }
  }
}

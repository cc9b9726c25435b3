/*
 * Subscription benchmark publisher: ActingWebModule on Fastify, auto-approving
 * `friend` trusts (so benchmark peers can subscribe without a human), with
 * `BENCH_MAX_CONCURRENT_CALLBACKS` as `subscriptions.maxConcurrentCallbacks`
 * when set, and further `subscriptions` options from BENCH_SUBSCRIPTIONS (JSON).
 * Storage from BENCH_STORAGE. The multi-instance delivery test
 * (test/subscriptions-outbox.e2e-spec.ts) runs it too. `GET /_bench/idle` answers once every
 * queued callback has been acknowledged (or given up), with the delivery
 * counters; `GET /_bench/stats` answers with them at once; `POST /_bench/resync/<actor>`
 * suspends and resumes its `properties` (a resync callback to each subscriber).
 */
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject, Module, NotFoundException, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type {
  StorageOptions,
  SubscriptionOptions,
} from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { ActorService } from '../../libs/actingweb/src/actors/actor.service.js';
import { CallbackDelivery } from '../../libs/actingweb/src/subscriptions/publisher/callback-delivery.service.js';
import { SubscriptionManager } from '../../libs/actingweb/src/subscriptions/subscription-manager.service.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';

@Controller('_bench')
class DeliveryController {
  constructor(
    @Inject(CallbackDelivery) private readonly delivery: CallbackDelivery,
    @Inject(ActorService) private readonly actors: ActorService,
    @Inject(SubscriptionManager) private readonly manager: SubscriptionManager,
  ) {}

  @Get('stats')
  stats() {
    return this.delivery.stats();
  }

  /** Suspends and resumes the actor's `properties`: a resync callback to each of its subscribers. */
  @Post('resync/:actorId')
  async resync(@Param('actorId') actorId: string) {
    const actor = await this.actors.get(actorId);
    if (!actor) throw new NotFoundException();
    await this.manager.suspend(actor, 'properties');
    return { queued: await this.manager.resume(actor, 'properties') };
  }

  @Get('idle')
  async idle() {
    await this.delivery.whenIdle();
    return this.delivery.stats();
  }
}

const maxConcurrent = process.env.BENCH_MAX_CONCURRENT_CALLBACKS;

@Module({
  imports: [
    ActingWebModule.forRoot({
      type: 'urn:actingweb:bench.example:subscriptions',
      baseUrl: 'http://127.0.0.1/',
      storage: storageFromEnv<StorageOptions>(),
      autoApprove: ['friend'],
      subscriptions: {
        ...(maxConcurrent ? { maxConcurrentCallbacks: Number(maxConcurrent) } : {}),
        ...(JSON.parse(process.env.BENCH_SUBSCRIPTIONS ?? '{}') as SubscriptionOptions),
      },
    }),
  ],
  controllers: [DeliveryController],
})
class PublisherModule {}

const app = await NestFactory.create<NestFastifyApplication>(PublisherModule, new FastifyAdapter(), {
  logger: ['error'],
});
const child = serveAsBenchChild(() => app.close());
await app.listen(0, '127.0.0.1');
child.ready((app.getHttpServer().address() as AddressInfo).port);

import { Module } from '@nestjs/common';
import { PeersModule } from '../peers/peers.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { ActingWebHealth } from './health.service.js';
import { ActingWebMetrics } from './metrics.service.js';
import { OpsRoutes } from './ops.routes.js';

/**
 * Operations (docs/operations.md): `/health`, `/ready` and `/metrics`, each
 * off unless its option turns it on (`ops.routes.ts` registers them on
 * Fastify). Readiness reads the database; metrics read the database pool,
 * the peer client's calls and the callback delivery counters.
 * `ActingWebHealth` and `ActingWebMetrics` are exported for applications (a
 * terminus indicator of your own, metrics of your own on the same registry).
 */
@Module({
  imports: [StorageModule, PeersModule, SubscriptionsModule],
  providers: [ActingWebHealth, ActingWebMetrics, OpsRoutes],
  exports: [ActingWebHealth, ActingWebMetrics],
})
export class OpsModule {}

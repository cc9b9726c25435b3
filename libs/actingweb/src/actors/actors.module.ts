import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { ActorFacades } from './actor-facades.js';
import { ActorRoutes } from './actor.routes.js';
import { ActorService } from './actor.service.js';

/**
 * The factory (`POST /`) and the actor root (`/<id>`); `ActorService` for
 * application code, and the trust and subscription facades of actor handles.
 */
@Module({
  imports: [StorageModule, HooksModule, PropertiesModule, TrustModule, SubscriptionsModule, AuthModule],
  providers: [ActorService, ActorFacades, ActorRoutes],
  exports: [ActorService],
})
export class ActorsModule {}

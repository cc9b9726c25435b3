import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { ActorFacades } from './actor-facades.js';
import { ActorRootController } from './actor-root.controller.js';
import { ActorService } from './actor.service.js';
import { FactoryController } from './factory.controller.js';

/**
 * The factory (`POST /`) and the actor root (`/<id>`); `ActorService` for
 * application code, and the trust and subscription facades of actor handles.
 */
@Module({
  imports: [StorageModule, HooksModule, PropertiesModule, TrustModule, SubscriptionsModule, AuthModule],
  providers: [ActorService, ActorFacades],
  controllers: [FactoryController, ActorRootController],
  exports: [ActorService],
})
export class ActorsModule {}

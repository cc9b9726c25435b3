import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallbackReceiver } from '../callbacks/callback-receiver.service.js';
import { CallbacksController } from '../callbacks/callbacks.controller.js';
import { PermissionCallbacks } from '../callbacks/permission-callbacks.service.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { CallbackDelivery } from './callback-delivery.service.js';
import { DiffRegistrar } from './diff-registrar.service.js';
import { SubscriptionManager } from './subscription-manager.service.js';
import { SubscriptionsController } from './subscriptions.controller.js';

/**
 * `/subscriptions` (publisher side: diffs and callback delivery) and
 * `/callbacks` (subscriber side: callbacks received from publishers, and the
 * application's callback hooks). The callbacks/ folder joins this one later.
 */
@Module({
  imports: [StorageModule, HooksModule, PermissionsModule, PeersModule, PropertiesModule, AuthModule],
  providers: [CallbackDelivery, DiffRegistrar, CallbackReceiver, PermissionCallbacks, SubscriptionManager],
  controllers: [SubscriptionsController, CallbacksController],
  exports: [SubscriptionManager, CallbackDelivery],
})
export class SubscriptionsModule {}

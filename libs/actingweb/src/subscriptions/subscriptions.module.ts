import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { CallbackDelivery } from './publisher/callback-delivery.service.js';
import { CallbackOutbox } from './publisher/callback-outbox.service.js';
import { ChangeNotifications } from './publisher/change-notifications.service.js';
import { DiffRegistrar } from './publisher/diff-registrar.service.js';
import { InboundSubscriptions } from './publisher/inbound-subscriptions.service.js';
import { SubscriptionsRoutes } from './publisher/subscriptions.routes.js';
import { ApplicationCallbacks } from './subscriber/application-callbacks.service.js';
import { CallbacksRoutes } from './subscriber/callbacks.routes.js';
import { CallbackReceiver } from './subscriber/callback-receiver.service.js';
import { OutboundSubscriptions } from './subscriber/outbound-subscriptions.service.js';
import { PermissionCallbacks } from './subscriber/permission-callbacks.service.js';
import { PublisherClient } from './subscriber/publisher-client.service.js';
import { SubscriberHooks } from './subscriber/subscriber-hooks.service.js';
import { SubscriptionSync } from './subscriber/subscription-sync.service.js';
import { SubscriptionLifecycle } from './subscription-lifecycle.service.js';
import { SubscriptionManager } from './subscription-manager.service.js';

/**
 * `/subscriptions` (the publisher side, `publisher/`: peers' subscriptions,
 * their diffs and callback delivery) and `/callbacks` (the subscriber side,
 * `subscriber/`: callbacks from publishers, permission callbacks, and the
 * application's callback hooks). Listens to `TrustEvents`: a trust's
 * subscriptions go with it.
 */
@Module({
  imports: [
    StorageModule,
    HooksModule,
    PermissionsModule,
    PeersModule,
    PropertiesModule,
    AuthModule,
    TrustModule,
  ],
  providers: [
    SubscriptionLifecycle,
    CallbackDelivery,
    CallbackOutbox,
    DiffRegistrar,
    InboundSubscriptions,
    ChangeNotifications,
    PublisherClient,
    SubscriberHooks,
    SubscriptionSync,
    CallbackReceiver,
    OutboundSubscriptions,
    PermissionCallbacks,
    ApplicationCallbacks,
    SubscriptionManager,
    SubscriptionsRoutes,
    CallbacksRoutes,
  ],
  exports: [SubscriptionManager, CallbackDelivery],
})
export class SubscriptionsModule {}

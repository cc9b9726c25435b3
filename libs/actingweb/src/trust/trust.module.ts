import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module.js';
import { PermissionQueryController } from './permission-query.controller.js';
import { TrustManager } from './trust-manager.service.js';
import { TrustController } from './trust.controller.js';
import { TrusteeService } from './trustee.service.js';

/** `/trust` (handshake, approval, deletion, permissions, the trustee) and `/permissions/<peer>`. */
@Module({
  imports: [
    StorageModule,
    HooksModule,
    PermissionsModule,
    PeersModule,
    PropertiesModule,
    SubscriptionsModule,
    AuthModule,
  ],
  providers: [TrustManager, TrusteeService],
  controllers: [TrustController, PermissionQueryController],
  exports: [TrustManager],
})
export class TrustModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TrustEvents } from './trust-events.js';
import { TrustHandshake } from './trust-handshake.service.js';
import { TrustManager } from './trust-manager.service.js';
import { TrustNotifier } from './trust-notifier.service.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRecordRoutes } from './trust-record.routes.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { TrustRoutes } from './trust.routes.js';
import { TrusteeService } from './trustee.service.js';

/**
 * `/trust` (handshake, approval, deletion, permissions, the trustee) and
 * `/permissions/<peer>`. Exports `TrustManager` and `TrustEvents`, through
 * which the features built on trusts learn that one is deleted.
 */
@Module({
  imports: [StorageModule, HooksModule, PermissionsModule, PeersModule, PropertiesModule, AuthModule],
  providers: [
    TrustEvents,
    TrustNotifier,
    TrustPermissions,
    TrustHandshake,
    TrustRelationships,
    TrustManager,
    TrusteeService,
    TrustRoutes,
    TrustRecordRoutes,
  ],
  exports: [TrustManager, TrustEvents],
})
export class TrustModule {}

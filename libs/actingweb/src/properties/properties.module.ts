import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { ActorHandleFactory } from './actor-handle.factory.js';
import { PropertyListBulk } from './lists/list-bulk.service.js';
import { PropertyListItemsAction } from './lists/list-items-action.service.js';
import { PropertyListReader } from './lists/list-reader.service.js';
import { PropertyListWriter } from './lists/list-writer.service.js';
import { PropertiesRoutes } from './properties.routes.js';
import { PropertiesService } from './properties.service.js';
import { PropertyChangeFeed } from './property-change.js';
import { PropertyDispatcher } from './property-dispatcher.service.js';
import { PropertyHookGate } from './property-hook-gate.js';
import { PropertyLookupIndex } from './property-lookup-index.js';

/**
 * `/properties` (simple, nested and list properties) and the actor handle
 * that hooks and application code read and write properties through.
 */
@Module({
  imports: [StorageModule, HooksModule, PermissionsModule, AuthModule],
  providers: [
    PropertyChangeFeed,
    PropertyHookGate,
    PropertyListReader,
    PropertyListWriter,
    PropertyListBulk,
    PropertyListItemsAction,
    PropertiesService,
    PropertyDispatcher,
    ActorHandleFactory,
    PropertyLookupIndex,
    PropertiesRoutes,
  ],
  // PropertiesService and the list reader and writer: for the owner console (www/), which edits as the creator.
  exports: [
    ActorHandleFactory,
    PropertyChangeFeed,
    PropertiesService,
    PropertyListReader,
    PropertyListWriter,
  ],
})
export class PropertiesModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { ActorHandleFactory } from './actor-handle.factory.js';
import { PropertiesController } from './properties.controller.js';
import { PropertiesService } from './properties.service.js';
import { PropertyChangeFeed } from './property-change.js';
import { PropertyHookGate } from './property-hook-gate.js';
import { PropertyListsService } from './property-lists.service.js';

/**
 * `/properties` (simple, nested and list properties) and the actor handle
 * that hooks and application code read and write properties through.
 */
@Module({
  imports: [StorageModule, HooksModule, PermissionsModule, AuthModule],
  providers: [
    PropertyChangeFeed,
    PropertyHookGate,
    PropertyListsService,
    PropertiesService,
    ActorHandleFactory,
  ],
  controllers: [PropertiesController],
  // PropertiesService and PropertyListsService: for the owner console (www/), which edits as the creator.
  exports: [ActorHandleFactory, PropertyChangeFeed, PropertiesService, PropertyListsService],
})
export class PropertiesModule {}

import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module.js';
import { PermissionGate } from './permission-gate.js';
import { PermissionService } from './permission.service.js';
import { TrustTypeRegistry } from './trust-type-registry.service.js';

/** Trust types, per-relationship permissions and the one permission gate. */
@Module({
  imports: [StorageModule],
  providers: [TrustTypeRegistry, PermissionService, PermissionGate],
  exports: [TrustTypeRegistry, PermissionService, PermissionGate],
})
export class PermissionsModule {}

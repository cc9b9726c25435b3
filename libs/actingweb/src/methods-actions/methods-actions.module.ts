import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { MethodsActionsRoutes } from './methods-actions.routes.js';
import { MethodsActionsService } from './methods-actions.service.js';

/** `/methods` (with JSON-RPC) and `/actions`, answered by method and action hooks. */
@Module({
  imports: [HooksModule, PermissionsModule, PropertiesModule, AuthModule],
  providers: [MethodsActionsService, MethodsActionsRoutes],
})
export class MethodsActionsModule {}

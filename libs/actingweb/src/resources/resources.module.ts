import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { ResourcesRoutes } from './resources.routes.js';
import { ResourcesService } from './resources.service.js';

/** `/resources`, answered by `resource_<name>` callback hooks. */
@Module({
  imports: [HooksModule, PermissionsModule, PropertiesModule, AuthModule],
  providers: [ResourcesService, ResourcesRoutes],
})
export class ResourcesModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { ResourcesController } from './resources.controller.js';
import { ResourcesService } from './resources.service.js';

/** `/resources`, answered by `resource_<name>` callback hooks. */
@Module({
  imports: [HooksModule, PermissionsModule, PropertiesModule, AuthModule],
  providers: [ResourcesService],
  controllers: [ResourcesController],
})
export class ResourcesModule {}

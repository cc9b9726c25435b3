import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { MetaRoutes } from './meta.routes.js';
import { MetaService } from './meta.service.js';

/** `/<id>/meta`: the actor's public description. */
@Module({
  imports: [PermissionsModule, AuthModule],
  providers: [MetaService, MetaRoutes],
})
export class MetaModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { DevtestAttributes } from './devtest-attributes.service.js';
import { DevtestTwin } from './devtest-twin.service.js';
import { DevtestRoutes } from './devtest.routes.js';

/** `/<id>/devtest`: test endpoints of the Python reference, 404 unless the `devtest` option is on. */
@Module({
  imports: [StorageModule, PeersModule, PropertiesModule, TrustModule, AuthModule],
  providers: [DevtestAttributes, DevtestTwin, DevtestRoutes],
})
export class DevtestModule {}

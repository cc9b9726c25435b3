import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { PeersModule } from '../peers/peers.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TrustModule } from '../trust/trust.module.js';
import { DevtestAttributesController } from './devtest-attributes.controller.js';
import { DevtestAttributes } from './devtest-attributes.service.js';
import { DevtestEnabledGuard } from './devtest-enabled.guard.js';
import { DevtestTwin } from './devtest-twin.service.js';
import { DevtestProxyController } from './devtest-proxy.controller.js';
import { DevtestController } from './devtest.controller.js';

/** `/<id>/devtest`: test endpoints of the Python reference, 404 unless the `devtest` option is on. */
@Module({
  imports: [StorageModule, PeersModule, PropertiesModule, TrustModule, AuthModule],
  providers: [DevtestEnabledGuard, DevtestAttributes, DevtestTwin],
  controllers: [DevtestController, DevtestAttributesController, DevtestProxyController],
})
export class DevtestModule {}

import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { StorageModule } from '../storage/storage.module.js';
import { AwProxy } from './aw-proxy.service.js';
import { OutgoingRequestPolicy } from './outgoing-request-policy.js';
import { PeerAgents } from './peer-http.js';

/** Calls to peers: `AwProxy`, the HTTP agents and the outgoing-request policy every peer call obeys. */
@Module({
  imports: [HttpModule, StorageModule],
  providers: [
    {
      provide: OutgoingRequestPolicy,
      useFactory: (config: AwConfig) =>
        OutgoingRequestPolicy.forServer(config.root, config.outgoingRequests, config.peerTimeoutMs),
      inject: [AwConfig],
    },
    PeerAgents,
    AwProxy,
  ],
  exports: [AwProxy, PeerAgents, OutgoingRequestPolicy],
})
export class PeersModule {}

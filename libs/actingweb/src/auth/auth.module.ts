import { Module } from '@nestjs/common';
import { HttpPlumbingModule } from '../http/http-plumbing.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { ActorAccess } from './actor-access.service.js';
import { ActorRouter } from './actor-router.js';
import {
  bearerTokenChainProvider,
  TrusteePassphraseResolver,
  TrustSecretResolver,
} from './bearer-token-chain.js';
import { CredentialResolver } from './credential-resolver.service.js';

/**
 * Who is calling and what the access rules let them do, and the router that
 * serves the actor routes behind that check: feature modules with routes import
 * it for {@link ActorRouter}. The rules and the application's Bearer resolver come
 * from the module options (`AccessRules`, `BearerTokenResolver`).
 */
@Module({
  imports: [StorageModule, PermissionsModule, HttpPlumbingModule],
  providers: [
    TrusteePassphraseResolver,
    TrustSecretResolver,
    bearerTokenChainProvider,
    CredentialResolver,
    ActorAccess,
    ActorRouter,
  ],
  exports: [CredentialResolver, ActorAccess, ActorRouter],
})
export class AuthModule {}

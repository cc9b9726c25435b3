import { Module } from '@nestjs/common';
import { ActingWebDatabase } from './actingweb-database.js';
import { ActorRepository } from './actor.repository.js';
import { AttributeRepository } from './attribute.repository.js';
import { PeerTrusteeRepository } from './peer-trustee.repository.js';
import { PropertyListRepository } from './property-list.repository.js';
import { PropertyLookupRepository } from './property-lookup.repository.js';
import { PropertyRepository } from './property.repository.js';
import { SubscriptionRepository } from './subscription.repository.js';
import { TrustPermissionRepository } from './trust-permission.repository.js';
import { TrustRepository } from './trust.repository.js';

const repositories = [
  ActingWebDatabase,
  ActorRepository,
  TrustRepository,
  TrustPermissionRepository,
  PeerTrusteeRepository,
  PropertyRepository,
  PropertyListRepository,
  PropertyLookupRepository,
  AttributeRepository,
  SubscriptionRepository,
];

/** The database (SQLite or PostgreSQL, migrated at start) and one repository per table group. */
@Module({ providers: repositories, exports: repositories })
export class StorageModule {}

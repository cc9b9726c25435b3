import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';
import { initialSchema } from './0001-initial-schema.js';
import { trustSecretIndex } from './0002-trust-secret-index.js';
import { identitySchema } from './0003-identity-schema.js';
import { propertyLookupNames } from './0004-property-lookup-names.js';
import { subscriptionGroups } from './0005-subscription-groups.js';
import { callbackOutbox } from './0006-callback-outbox.js';

/**
 * Versioned migrations, applied in name order at startup. Add new ones with the
 * next number; never edit one that has shipped.
 */
export class AwMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialectName) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001-initial-schema': initialSchema(this.dialect),
      '0002-trust-secret-index': trustSecretIndex(),
      // The identity tables (docs/identity.md) exist whether or not identity is on.
      '0003-identity-schema': identitySchema(this.dialect),
      '0004-property-lookup-names': propertyLookupNames(),
      // One change per subscription group and write instead of one diff per subscription.
      '0005-subscription-groups': subscriptionGroups(this.dialect),
      // Callbacks claimed from the database, so another instance sends what a dead one did not.
      '0006-callback-outbox': callbackOutbox(this.dialect),
    };
  }
}

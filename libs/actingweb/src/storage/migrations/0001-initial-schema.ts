import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';

/**
 * The full schema for the protocol's entities (as the Python reference stores them),
 * designed up front so features add queries, not tables. Every actor-owned table
 * cascades from `actors`, so deleting an actor is one statement.
 */
export function initialSchema(dialect: SqlDialectName): Migration {
  // Names that are range-scanned must sort byte-wise: PostgreSQL needs COLLATE "C",
  // SQLite's default BINARY collation already does.
  const sortedText = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const epochMs = dialect === 'postgres' ? sql`bigint` : sql`integer`;

  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('actors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('creator', 'text', (c) => c.notNull())
        .addColumn('passphrase', 'text', (c) => c.notNull())
        .addColumn('trustee_root', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('actors_creator_idx').on('actors').column('creator').execute();

      await db.schema
        .createTable('properties')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('name', sortedText, (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('properties_pk', ['actor_id', 'name'])
        .execute();

      await db.schema
        .createTable('property_lists')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('name', sortedText, (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('explanation', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('property_lists_pk', ['actor_id', 'name'])
        .execute();

      await db.schema
        .createTable('property_list_items')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('list_name', sortedText, (c) => c.notNull())
        .addColumn('position', sortedText, (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('property_list_items_pk', ['actor_id', 'list_name', 'position'])
        .addForeignKeyConstraint(
          'property_list_items_list_fk',
          ['actor_id', 'list_name'],
          'property_lists',
          ['actor_id', 'name'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('property_lookup')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('property_lookup_pk', ['name', 'value'])
        .execute();
      await db.schema
        .createIndex('property_lookup_actor_idx')
        .on('property_lookup')
        .column('actor_id')
        .execute();

      await db.schema
        .createTable('trusts')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('baseuri', 'text', (c) => c.notNull())
        .addColumn('peer_type', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('relationship', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('approved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('peer_approved', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('verification_token', 'text')
        .addColumn('peer_identifier', 'text')
        .addColumn('established_via', 'text')
        .addColumn('client_name', 'text')
        .addColumn('client_version', 'text')
        .addColumn('client_platform', 'text')
        .addColumn('oauth_client_id', 'text')
        .addColumn('aw_supported', 'text')
        .addColumn('aw_version', 'text')
        .addColumn('capabilities_fetched_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_accessed', 'text')
        .addColumn('last_connected_via', 'text')
        .addColumn('last_connected_at', 'text')
        .addPrimaryKeyConstraint('trusts_pk', ['actor_id', 'peer_id'])
        .execute();
      // Bearer authentication: (actor, sha256(secret)) -> trust, one index probe.
      // Two actors on one server that trust each other share a secret, so it is unique per actor only.
      await db.schema
        .createIndex('trusts_secret_idx')
        .on('trusts')
        .columns(['actor_id', 'secret_hash'])
        .unique()
        .execute();

      await db.schema
        .createTable('trust_permissions')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('trust_type', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('trust_permissions_pk', ['actor_id', 'peer_id'])
        .addForeignKeyConstraint(
          'trust_permissions_trust_fk',
          ['actor_id', 'peer_id'],
          'trusts',
          ['actor_id', 'peer_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('peer_trustees')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('baseuri', 'text', (c) => c.notNull())
        .addColumn('peer_type', 'text', (c) => c.notNull())
        .addColumn('passphrase', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('peer_trustees_pk', ['actor_id', 'peer_id'])
        .execute();

      await db.schema
        .createTable('subscriptions')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('outbound', 'integer', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('subtarget', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('resource', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('granularity', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('accept_encoding', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscriptions_pk', ['actor_id', 'peer_id', 'subscription_id'])
        .execute();
      await db.schema
        .createIndex('subscriptions_target_idx')
        .on('subscriptions')
        .columns(['actor_id', 'outbound', 'target'])
        .execute();

      await db.schema
        .createTable('subscription_diffs')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_diffs_pk', [
          'actor_id',
          'peer_id',
          'subscription_id',
          'sequence',
        ])
        .addForeignKeyConstraint(
          'subscription_diffs_subscription_fk',
          ['actor_id', 'peer_id', 'subscription_id'],
          'subscriptions',
          ['actor_id', 'peer_id', 'subscription_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('subscription_suspensions')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('subtarget', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('suspended_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_suspensions_pk', ['actor_id', 'target', 'subtarget'])
        .execute();

      await db.schema
        .createTable('attributes')
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('bucket', sortedText, (c) => c.notNull())
        .addColumn('name', sortedText, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', epochMs)
        .addPrimaryKeyConstraint('attributes_pk', ['actor_id', 'bucket', 'name'])
        .execute();
      await db.schema.createIndex('attributes_expires_idx').on('attributes').column('expires_at').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of [
        'attributes',
        'subscription_suspensions',
        'subscription_diffs',
        'subscriptions',
        'peer_trustees',
        'trust_permissions',
        'trusts',
        'property_lookup',
        'property_list_items',
        'property_lists',
        'properties',
        'actors',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

import type { Kysely, Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';

/**
 * Callback delivery that survives an instance (docs/subscriptions.md,
 * "Delivery across instances"). A write with callback subscribers stores one
 * `callback_work` row, whatever the number of subscribers; instances claim its
 * callbacks one subscription at a time through `callback_cursors`. PostgreSQL
 * uses both; on SQLite (one process per file) they exist and stay empty.
 */
export function callbackOutbox(dialect: SqlDialectName): Migration {
  const postgres = dialect === 'postgres';
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('callback_work')
        .addColumn('id', postgres ? 'bigserial' : 'integer', (c) =>
          postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('changes', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('callback_cursors')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('notified', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('owner', 'text')
        .addColumn('lease_until', postgres ? 'timestamptz' : 'text')
        .addPrimaryKeyConstraint('callback_cursors_pk', ['actor_id', 'peer_id', 'subscription_id'])
        .addForeignKeyConstraint(
          'callback_cursors_subscription_fk',
          ['actor_id', 'peer_id', 'subscription_id'],
          'subscriptions',
          ['actor_id', 'peer_id', 'subscription_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('callback_cursors').execute();
      await db.schema.dropTable('callback_work').execute();
    },
  };
}

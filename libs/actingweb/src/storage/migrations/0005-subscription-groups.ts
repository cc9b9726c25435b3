import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';
import { groupKey } from '../subscription-groups.js';

/**
 * Writes independent of the number of subscribers: inbound subscriptions with
 * the same scope and permissions form a group, and a write stores one change
 * per group (`subscription_changes`) instead of one diff per subscription.
 * Each subscription numbers its group's changes itself (`group_offset`), and
 * clears them by moving its `cleared` mark (`subscription_acks` holds the ones
 * cleared out of order).
 *
 * Existing data: every inbound subscription with a trust joins its group,
 * numbered so that it continues from its stored sequence. The diffs stored
 * so far stay in `subscription_diffs`, which from now on holds the diffs that
 * belong to one subscription rather than a group; they read, clear and
 * cascade as before.
 */
export function subscriptionGroups(dialect: SqlDialectName): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('subscription_groups')
        .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('subtarget', 'text', (c) => c.notNull())
        .addColumn('resource', 'text', (c) => c.notNull())
        .addColumn('relationship', 'text', (c) => c.notNull())
        .addColumn('override', 'text')
        .addColumn('sequence', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('subscription_groups_key', ['actor_id', 'target', 'group_key'])
        .execute();

      await db.schema
        .createTable('subscription_changes')
        .addColumn('group_id', 'integer', (c) =>
          c.notNull().references('subscription_groups.id').onDelete('cascade'),
        )
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_changes_pk', ['group_id', 'sequence'])
        .execute();

      await db.schema
        .createTable('subscription_acks')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('peer_id', 'text', (c) => c.notNull())
        .addColumn('subscription_id', 'text', (c) => c.notNull())
        .addColumn('sequence', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('subscription_acks_pk', [
          'actor_id',
          'peer_id',
          'subscription_id',
          'sequence',
        ])
        .addForeignKeyConstraint(
          'subscription_acks_subscription_fk',
          ['actor_id', 'peer_id', 'subscription_id'],
          'subscriptions',
          ['actor_id', 'peer_id', 'subscription_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      await db.schema.alterTable('subscriptions').addColumn('group_id', 'integer').execute();
      await db.schema
        .alterTable('subscriptions')
        .addColumn('group_offset', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('subscriptions')
        .addColumn('cleared', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Callback members of a group without reading its polling members.
      await db.schema
        .createIndex('subscriptions_group_idx')
        .on('subscriptions')
        .columns(['group_id', 'granularity'])
        .execute();

      await groupExisting(db);
    },

    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('subscriptions_group_idx').execute();
      for (const column of ['cleared', 'group_offset', 'group_id'])
        await db.schema.alterTable('subscriptions').dropColumn(column).execute();
      for (const table of ['subscription_acks', 'subscription_changes', 'subscription_groups'])
        await db.schema.dropTable(table).execute();
    },
  };
}

/** Every inbound subscription with a trust joins its group (sequence 0), continuing its own numbering. */
async function groupExisting(db: Kysely<any>): Promise<void> {
  const { rows } = await sql<{
    actor_id: string;
    peer_id: string;
    subscription_id: string;
    target: string;
    subtarget: string;
    resource: string;
    sequence: number;
    relationship: string;
    override: string | null;
  }>`select s.actor_id, s.peer_id, s.subscription_id, s.target, s.subtarget, s.resource, s.sequence,
            t.relationship, p.permissions as override
       from subscriptions s
       join trusts t on t.actor_id = s.actor_id and t.peer_id = s.peer_id
       left join trust_permissions p on p.actor_id = s.actor_id and p.peer_id = s.peer_id
      where s.outbound = 0`.execute(db);
  const groups = new Map<string, number>();
  for (const row of rows) {
    const key = groupKey(row, { relationship: row.relationship, override: row.override ?? null });
    const id = `${row.actor_id}\u0000${row.target}\u0000${key}`;
    let groupId = groups.get(id);
    if (groupId === undefined) {
      const inserted = await db
        .insertInto('subscription_groups')
        .values({
          actor_id: row.actor_id,
          target: row.target,
          group_key: key,
          subtarget: row.subtarget,
          resource: row.resource,
          relationship: row.relationship,
          override: row.override ?? null,
          sequence: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      groupId = Number(inserted.id);
      groups.set(id, groupId);
    }
    const sequence = Number(row.sequence);
    await db
      .updateTable('subscriptions')
      .set({ group_id: groupId, group_offset: -sequence, cleared: sequence })
      .where('actor_id', '=', row.actor_id)
      .where('peer_id', '=', row.peer_id)
      .where('subscription_id', '=', row.subscription_id)
      .execute();
  }
}

import type { Kysely, Migration } from 'kysely';

/**
 * The property names the `property_lookup` table has been filled for
 * (option `indexedProperties`). A name listed in the options but not here
 * gets its existing values indexed once at startup; a name here that is no
 * longer listed has its entries dropped, so listing it again starts afresh.
 */
export function propertyLookupNames(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('property_lookup_names')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('indexed_at', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable('property_lookup_names').ifExists().execute();
    },
  };
}

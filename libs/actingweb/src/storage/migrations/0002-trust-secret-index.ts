import type { Kysely } from 'kysely';
import type { Migration } from 'kysely';

/**
 * Trust secrets looked up without an actor id: the root `/mcp` endpoint picks
 * the actor from the Bearer token alone (`TrustRepository.findBySecretAnyActor`).
 * The unique `(actor_id, secret_hash)` index cannot serve that query.
 */
export function trustSecretIndex(): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createIndex('trusts_secret_hash_idx').on('trusts').column('secret_hash').execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropIndex('trusts_secret_hash_idx').execute();
    },
  };
}

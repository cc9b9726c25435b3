import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialectName } from '../sql-dialect.js';

/**
 * The identity tables (OAuth authorization server, sign-in sessions,
 * provider sign-ins and the identities they established).
 * Everything an actor owns cascades from it: sessions, pending requests and
 * identities from `actors`, grants from the consent's trust (so deleting the
 * trust, or the actor, deletes the grant), codes and tokens from the grant.
 */
export function identitySchema(dialect: SqlDialectName): Migration {
  const epochMs = dialect === 'postgres' ? sql`bigint` : sql`integer`;
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('oauth_clients')
        .addColumn('client_id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('client_name', 'text', (c) => c.notNull())
        .addColumn('redirect_uris', 'text', (c) => c.notNull())
        .addColumn('token_endpoint_auth_method', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('refresh_after', epochMs)
        .execute();

      await db.schema
        .createTable('oauth_grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('trust_peer_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', epochMs)
        .addForeignKeyConstraint(
          'oauth_grants_trust_fk',
          ['actor_id', 'trust_peer_id'],
          'trusts',
          ['actor_id', 'peer_id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      await db.schema
        .createIndex('oauth_grants_trust_idx')
        .on('oauth_grants')
        .columns(['actor_id', 'trust_peer_id'])
        .execute();
      await db.schema.createIndex('oauth_grants_client_idx').on('oauth_grants').column('client_id').execute();

      await db.schema
        .createTable('oauth_codes')
        .addColumn('code_hash', 'text', (c) => c.primaryKey())
        .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('expires_at', epochMs, (c) => c.notNull())
        .addColumn('used_at', epochMs)
        .execute();
      await db.schema.createIndex('oauth_codes_grant_idx').on('oauth_codes').column('grant_id').execute();

      for (const table of ['oauth_access_tokens', 'oauth_refresh_tokens']) {
        let create = db.schema
          .createTable(table)
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
          .addColumn('expires_at', epochMs, (c) => c.notNull());
        if (table === 'oauth_refresh_tokens') create = create.addColumn('used_at', epochMs);
        await create.execute();
        await db.schema.createIndex(`${table}_grant_idx`).on(table).column('grant_id').execute();
        await db.schema.createIndex(`${table}_expires_idx`).on(table).column('expires_at').execute();
      }

      await db.schema
        .createTable('login_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('login_name', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('csrf_secret', 'text', (c) => c.notNull())
        .addColumn('created_at', epochMs, (c) => c.notNull())
        .addColumn('expires_at', epochMs, (c) => c.notNull())
        .addColumn('last_seen_at', epochMs, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_sessions_actor_idx')
        .on('login_sessions')
        .column('actor_id')
        .execute();
      await db.schema
        .createIndex('login_sessions_expires_idx')
        .on('login_sessions')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('oauth_pending_authorizations')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('session_id_hash', 'text', (c) =>
          c.notNull().references('login_sessions.id_hash').onDelete('cascade'),
        )
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('state', 'text')
        .addColumn('code_challenge', 'text', (c) => c.notNull())
        .addColumn('resource', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('expires_at', epochMs, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('oauth_pending_authorizations_session_idx')
        .on('oauth_pending_authorizations')
        .column('session_id_hash')
        .execute();

      await db.schema
        .createTable('login_states')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('browser_hash', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text')
        .addColumn('code_verifier', 'text', (c) => c.notNull())
        .addColumn('return_to', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('expires_at', epochMs, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('login_states_expires_idx')
        .on('login_states')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('identities')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull().references('actors.id').onDelete('cascade'))
        .addColumn('created_at', epochMs, (c) => c.notNull())
        .addColumn('last_login_at', epochMs, (c) => c.notNull())
        .addPrimaryKeyConstraint('identities_pk', ['provider', 'subject'])
        .execute();
      await db.schema.createIndex('identities_actor_idx').on('identities').column('actor_id').execute();
    },

    async down(db: Kysely<any>): Promise<void> {
      for (const table of [
        'identities',
        'login_states',
        'oauth_pending_authorizations',
        'login_sessions',
        'oauth_refresh_tokens',
        'oauth_access_tokens',
        'oauth_codes',
        'oauth_grants',
        'oauth_clients',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';

/** How a client authenticates at the token and revocation endpoints. */
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** A stored client: registered dynamically (`dcr`) or read from its metadata document (`cimd`). */
export interface StoredOAuthClient {
  clientId: string;
  kind: 'dcr' | 'cimd';
  clientName: string;
  redirectUris: string[];
  authMethod: ClientAuthMethod;
  secretHash: string | null;
  /** The registered metadata as the client sent it (DCR) or published it (CIMD). */
  metadata: Record<string, unknown>;
  createdAt: string;
  /** CIMD: epoch ms after which the document is fetched again. */
  refreshAfter: number | null;
}

/** The `oauth_clients` table. */
@Injectable()
export class OAuthClientRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async find(clientId: string): Promise<StoredOAuthClient | null> {
    const row = await this.database.db
      .selectFrom('oauth_clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      clientId: row.client_id,
      kind: row.kind as StoredOAuthClient['kind'],
      clientName: row.client_name,
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      authMethod: row.token_endpoint_auth_method as ClientAuthMethod,
      secretHash: row.secret_hash,
      metadata: JSON.parse(row.metadata) as Record<string, unknown>,
      createdAt: row.created_at,
      refreshAfter: row.refresh_after === null ? null : Number(row.refresh_after),
    };
  }

  /** Inserts or replaces (a CIMD document fetched again replaces the cached copy). */
  async save(client: StoredOAuthClient): Promise<void> {
    const values = {
      client_id: client.clientId,
      kind: client.kind,
      client_name: client.clientName,
      redirect_uris: JSON.stringify(client.redirectUris),
      token_endpoint_auth_method: client.authMethod,
      secret_hash: client.secretHash,
      metadata: JSON.stringify(client.metadata),
      created_at: client.createdAt,
      refresh_after: client.refreshAfter,
    };
    await this.database.db
      .insertInto('oauth_clients')
      .values(values)
      .onConflict((oc) =>
        oc.column('client_id').doUpdateSet({
          client_name: values.client_name,
          redirect_uris: values.redirect_uris,
          token_endpoint_auth_method: values.token_endpoint_auth_method,
          metadata: values.metadata,
          refresh_after: values.refresh_after,
        }),
      )
      .execute();
  }

  /**
   * Deletes dynamically registered clients older than `before` (ISO) that no
   * grant refers to: clients re-register whenever their local port changes,
   * and most registrations are never used.
   */
  async deleteUnusedRegistrations(before: string): Promise<number> {
    const result = await this.database.db
      .deleteFrom('oauth_clients')
      .where('kind', '=', 'dcr')
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('oauth_grants')
              .select(sql`1`.as('one'))
              .whereRef('oauth_grants.client_id', '=', 'oauth_clients.client_id'),
          ),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

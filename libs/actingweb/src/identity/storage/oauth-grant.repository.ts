import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase, type Executor } from '../../storage/actingweb-database.js';
import { PreparedQuery } from '../../storage/prepared-query.js';

/** One consent: a client's access to one actor through one trust. */
export interface GrantRecord {
  id: string;
  actorId: string;
  trustPeerId: string;
  clientId: string;
  scope: string;
  resource: string | null;
  createdAt: string;
  lastUsedAt: number | null;
}

/** What an access token presented at an MCP endpoint resolves to (one indexed lookup). */
export interface AccessTokenBinding {
  grantId: string;
  actorId: string;
  resource: string | null;
  expiresAt: number;
  lastUsedAt: number | null;
  peerId: string;
  relationship: string;
  approved: boolean;
}

/** An authorization code with its grant. */
export interface CodeRecord {
  codeHash: string;
  grant: GrantRecord;
  redirectUri: string;
  codeChallenge: string;
  resource: string | null;
  expiresAt: number;
  usedAt: number | null;
}

/** A refresh token with its grant. */
export interface RefreshRecord {
  tokenHash: string;
  grant: GrantRecord;
  expiresAt: number;
  usedAt: number | null;
}

type GrantColumns = {
  g_id: string;
  actor_id: string;
  trust_peer_id: string;
  client_id: string;
  scope: string;
  g_resource: string | null;
  created_at: string;
  last_used_at: number | null;
};

const GRANT_COLUMNS = [
  'g.id as g_id',
  'g.actor_id',
  'g.trust_peer_id',
  'g.client_id',
  'g.scope',
  'g.resource as g_resource',
  'g.created_at',
  'g.last_used_at',
] as const;

/**
 * Grants, authorization codes and tokens (`oauth_grants`, `oauth_codes`,
 * `oauth_access_tokens`, `oauth_refresh_tokens`). Codes and tokens are
 * found by their SHA-256 digest; they cascade from their grant, and the
 * grant from its trust.
 */
@Injectable()
export class OAuthGrantRepository {
  private readonly byAccessToken: PreparedQuery<{
    grant_id: string;
    actor_id: string;
    resource: string | null;
    expires_at: number;
    last_used_at: number | null;
    peer_id: string;
    relationship: string;
    approved: number;
  }>;

  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {
    // The MCP hot path: token → grant → trust in one statement, compiled once.
    this.byAccessToken = PreparedQuery.of(
      database,
      (digest) =>
        database.db
          .selectFrom('oauth_access_tokens as t')
          .innerJoin('oauth_grants as g', 'g.id', 't.grant_id')
          .innerJoin('trusts as tr', (join) =>
            join.onRef('tr.actor_id', '=', 'g.actor_id').onRef('tr.peer_id', '=', 'g.trust_peer_id'),
          )
          .select([
            't.grant_id',
            'g.actor_id',
            'g.resource',
            't.expires_at',
            'g.last_used_at',
            'tr.peer_id',
            'tr.relationship',
            'tr.approved',
          ])
          .where('t.token_hash', '=', digest),
      1,
      { read: true },
    );
  }

  async findAccessToken(digest: string): Promise<AccessTokenBinding | null> {
    const row = (await this.byAccessToken.rows(this.database.db, digest))[0];
    if (!row) return null;
    return {
      grantId: row.grant_id,
      actorId: row.actor_id,
      resource: row.resource,
      expiresAt: Number(row.expires_at),
      lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
      peerId: row.peer_id,
      relationship: row.relationship,
      approved: Number(row.approved) === 1,
    };
  }

  async insertGrant(grant: GrantRecord, db: Executor = this.database.db): Promise<void> {
    await db
      .insertInto('oauth_grants')
      .values({
        id: grant.id,
        actor_id: grant.actorId,
        trust_peer_id: grant.trustPeerId,
        client_id: grant.clientId,
        scope: grant.scope,
        resource: grant.resource,
        created_at: grant.createdAt,
        last_used_at: grant.lastUsedAt,
      })
      .execute();
  }

  async insertCode(
    code: {
      codeHash: string;
      grantId: string;
      redirectUri: string;
      codeChallenge: string;
      resource: string | null;
      expiresAt: number;
    },
    db: Executor = this.database.db,
  ): Promise<void> {
    await db
      .insertInto('oauth_codes')
      .values({
        code_hash: code.codeHash,
        grant_id: code.grantId,
        redirect_uri: code.redirectUri,
        code_challenge: code.codeChallenge,
        resource: code.resource,
        expires_at: code.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async findCode(codeHash: string): Promise<CodeRecord | null> {
    const row = await this.database.db
      .selectFrom('oauth_codes as c')
      .innerJoin('oauth_grants as g', 'g.id', 'c.grant_id')
      .select([
        ...GRANT_COLUMNS,
        'c.code_hash',
        'c.redirect_uri',
        'c.code_challenge',
        'c.resource',
        'c.expires_at',
        'c.used_at',
      ])
      .where('c.code_hash', '=', codeHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      codeHash: row.code_hash,
      grant: toGrant(row),
      redirectUri: row.redirect_uri,
      codeChallenge: row.code_challenge,
      resource: row.resource,
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** Marks the code used unless it already is (compare-and-set); false when another request won. */
  async claimCode(codeHash: string, now: number): Promise<boolean> {
    const result = await this.database.db
      .updateTable('oauth_codes')
      .set({ used_at: now })
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertTokens(
    grantId: string,
    access: { hash: string; expiresAt: number },
    refresh: { hash: string; expiresAt: number },
  ): Promise<void> {
    await this.database.transaction(async (tx) => {
      await tx
        .insertInto('oauth_access_tokens')
        .values({ token_hash: access.hash, grant_id: grantId, expires_at: access.expiresAt })
        .execute();
      await tx
        .insertInto('oauth_refresh_tokens')
        .values({ token_hash: refresh.hash, grant_id: grantId, expires_at: refresh.expiresAt, used_at: null })
        .execute();
    });
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshRecord | null> {
    const row = await this.database.db
      .selectFrom('oauth_refresh_tokens as r')
      .innerJoin('oauth_grants as g', 'g.id', 'r.grant_id')
      .select([...GRANT_COLUMNS, 'r.token_hash', 'r.expires_at', 'r.used_at'])
      .where('r.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      tokenHash: row.token_hash,
      grant: toGrant(row),
      expiresAt: Number(row.expires_at),
      usedAt: row.used_at === null ? null : Number(row.used_at),
    };
  }

  /** First use of a refresh token (compare-and-set); false when it had been used already. */
  async claimRefreshToken(tokenHash: string, now: number): Promise<boolean> {
    const result = await this.database.db
      .updateTable('oauth_refresh_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** The grant an access token belongs to (for revocation), whether or not it expired. */
  async grantOfAccessToken(tokenHash: string): Promise<GrantRecord | null> {
    const row = await this.database.db
      .selectFrom('oauth_access_tokens as t')
      .innerJoin('oauth_grants as g', 'g.id', 't.grant_id')
      .select(GRANT_COLUMNS)
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? toGrant(row) : null;
  }

  async deleteAccessToken(tokenHash: string): Promise<void> {
    await this.database.db.deleteFrom('oauth_access_tokens').where('token_hash', '=', tokenHash).execute();
  }

  async grantExists(grantId: string): Promise<boolean> {
    const row = await this.database.db
      .selectFrom('oauth_grants')
      .select('id')
      .where('id', '=', grantId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Revokes a grant: the grant and, by cascade, its codes and tokens. */
  async deleteGrant(grantId: string): Promise<boolean> {
    const result = await this.database.db
      .deleteFrom('oauth_grants')
      .where('id', '=', grantId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Revokes every grant of one client on one actor; the number revoked. */
  async deleteGrantsOfClient(actorId: string, clientId: string): Promise<number> {
    const result = await this.database.db
      .deleteFrom('oauth_grants')
      .where('actor_id', '=', actorId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async grantsOfActor(actorId: string): Promise<GrantRecord[]> {
    const rows = await this.database.db
      .selectFrom('oauth_grants as g')
      .select(GRANT_COLUMNS)
      .where('g.actor_id', '=', actorId)
      .orderBy('g.created_at')
      .execute();
    return rows.map(toGrant);
  }

  /** Records a use of the grant (throttled by the caller). */
  async touchGrant(grantId: string, now: number): Promise<void> {
    await this.database.db
      .updateTable('oauth_grants')
      .set({ last_used_at: now })
      .where('id', '=', grantId)
      .execute();
  }

  /** Deletes expired codes and tokens; expired grants are not a thing (a grant lives while its trust does). */
  async purgeExpired(now: number): Promise<void> {
    await this.database.db.deleteFrom('oauth_codes').where('expires_at', '<', now).execute();
    await this.database.db.deleteFrom('oauth_access_tokens').where('expires_at', '<', now).execute();
    await this.database.db.deleteFrom('oauth_refresh_tokens').where('expires_at', '<', now).execute();
  }
}

function toGrant(row: GrantColumns): GrantRecord {
  return {
    id: row.g_id,
    actorId: row.actor_id,
    trustPeerId: row.trust_peer_id,
    clientId: row.client_id,
    scope: row.scope,
    resource: row.g_resource,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

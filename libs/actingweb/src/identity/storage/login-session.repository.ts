import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';
import type { LoginSessionsTable, OAuthPendingAuthorizationsTable } from '../../storage/identity-tables.js';

/** A signed-in browser, as stored (the cookie value itself is never stored). */
export interface SessionRecord {
  idHash: string;
  actorId: string;
  loginName: string;
  method: string;
  csrfSecret: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

/** An authorization request waiting on a consent page. */
export interface PendingAuthorization {
  idHash: string;
  sessionIdHash: string;
  actorId: string;
  clientId: string;
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  resource: string | null;
  scope: string;
  expiresAt: number;
}

/** `login_sessions` and `oauth_pending_authorizations` (which hang off a session). */
@Injectable()
export class LoginSessionRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async insert(session: SessionRecord): Promise<void> {
    await this.database.db.insertInto('login_sessions').values(toSessionRow(session)).execute();
  }

  async find(idHash: string): Promise<SessionRecord | null> {
    const row = await this.database.db
      .selectFrom('login_sessions')
      .selectAll()
      .where('id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      idHash: row.id_hash,
      actorId: row.actor_id,
      loginName: row.login_name,
      method: row.method,
      csrfSecret: row.csrf_secret,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      lastSeenAt: Number(row.last_seen_at),
    };
  }

  async touch(idHash: string, now: number): Promise<void> {
    await this.database.db
      .updateTable('login_sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.database.db.deleteFrom('login_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of an actor (e.g. after its passphrase changed); the number ended. */
  async deleteForActor(actorId: string): Promise<number> {
    const result = await this.database.db
      .deleteFrom('login_sessions')
      .where('actor_id', '=', actorId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertPending(pending: PendingAuthorization): Promise<void> {
    await this.database.db.insertInto('oauth_pending_authorizations').values(toPendingRow(pending)).execute();
  }

  /** Removes and returns a pending request (single use); null when there is none. */
  async takePending(idHash: string): Promise<PendingAuthorization | null> {
    return this.database.transaction(async (tx) => {
      const row = await tx
        .selectFrom('oauth_pending_authorizations')
        .selectAll()
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      if (!row) return null;
      const deleted = await tx
        .deleteFrom('oauth_pending_authorizations')
        .where('id_hash', '=', idHash)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      return {
        idHash: row.id_hash,
        sessionIdHash: row.session_id_hash,
        actorId: row.actor_id,
        clientId: row.client_id,
        redirectUri: row.redirect_uri,
        state: row.state,
        codeChallenge: row.code_challenge,
        resource: row.resource,
        scope: row.scope,
        expiresAt: Number(row.expires_at),
      };
    });
  }

  async purgeExpired(now: number, idleBefore: number): Promise<void> {
    await this.database.db.deleteFrom('oauth_pending_authorizations').where('expires_at', '<', now).execute();
    await this.database.db
      .deleteFrom('login_sessions')
      .where((eb) => eb.or([eb('expires_at', '<', now), eb('last_seen_at', '<', idleBefore)]))
      .execute();
  }
}

function toSessionRow(s: SessionRecord): LoginSessionsTable {
  return {
    id_hash: s.idHash,
    actor_id: s.actorId,
    login_name: s.loginName,
    method: s.method,
    csrf_secret: s.csrfSecret,
    created_at: s.createdAt,
    expires_at: s.expiresAt,
    last_seen_at: s.lastSeenAt,
  };
}

function toPendingRow(p: PendingAuthorization): OAuthPendingAuthorizationsTable {
  return {
    id_hash: p.idHash,
    session_id_hash: p.sessionIdHash,
    actor_id: p.actorId,
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
    state: p.state,
    code_challenge: p.codeChallenge,
    resource: p.resource,
    scope: p.scope,
    expires_at: p.expiresAt,
  };
}

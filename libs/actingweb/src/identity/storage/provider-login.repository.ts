import { Inject, Injectable } from '@nestjs/common';
import { ActingWebDatabase } from '../../storage/actingweb-database.js';

/** A provider sign-in under way (see `LoginStatesTable`). */
export interface LoginState {
  stateHash: string;
  browserHash: string;
  provider: string;
  nonce: string | null;
  codeVerifier: string;
  returnTo: string;
  actorId: string | null;
  expiresAt: number;
}

/** A provider account and the actor it signs in to. */
export interface IdentityRecord {
  provider: string;
  subject: string;
  email: string;
  actorId: string;
  createdAt: number;
  lastLoginAt: number;
}

/** `login_states` (sign-ins under way) and `identities` (provider accounts → actors). */
@Injectable()
export class ProviderLoginRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async insertState(state: LoginState): Promise<void> {
    await this.database.db
      .insertInto('login_states')
      .values({
        state_hash: state.stateHash,
        browser_hash: state.browserHash,
        provider: state.provider,
        nonce: state.nonce,
        code_verifier: state.codeVerifier,
        return_to: state.returnTo,
        actor_id: state.actorId,
        expires_at: state.expiresAt,
      })
      .execute();
  }

  /** Removes and returns a sign-in state (single use: of two concurrent takes, one wins); null when none. */
  async takeState(stateHash: string): Promise<LoginState | null> {
    return this.database.transaction(async (tx) => {
      const row = await tx
        .selectFrom('login_states')
        .selectAll()
        .where('state_hash', '=', stateHash)
        .executeTakeFirst();
      if (!row) return null;
      const deleted = await tx
        .deleteFrom('login_states')
        .where('state_hash', '=', stateHash)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) return null;
      return {
        stateHash: row.state_hash,
        browserHash: row.browser_hash,
        provider: row.provider,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        returnTo: row.return_to,
        actorId: row.actor_id,
        expiresAt: Number(row.expires_at),
      };
    });
  }

  async findIdentity(provider: string, subject: string): Promise<IdentityRecord | null> {
    const row = await this.database.db
      .selectFrom('identities')
      .selectAll()
      .where('provider', '=', provider)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row
      ? {
          provider: row.provider,
          subject: row.subject,
          email: row.email,
          actorId: row.actor_id,
          createdAt: Number(row.created_at),
          lastLoginAt: Number(row.last_login_at),
        }
      : null;
  }

  /** Records a sign-in: the account now signs in to `actorId` with `email`. */
  async recordSignIn(identity: {
    provider: string;
    subject: string;
    email: string;
    actorId: string;
  }): Promise<void> {
    const now = Date.now();
    await this.database.db
      .insertInto('identities')
      .values({
        provider: identity.provider,
        subject: identity.subject,
        email: identity.email,
        actor_id: identity.actorId,
        created_at: now,
        last_login_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['provider', 'subject']).doUpdateSet({
          email: identity.email,
          actor_id: identity.actorId,
          last_login_at: now,
        }),
      )
      .execute();
  }

  /** The provider accounts that sign in to an actor. */
  async identitiesOf(actorId: string): Promise<IdentityRecord[]> {
    const rows = await this.database.db
      .selectFrom('identities')
      .selectAll()
      .where('actor_id', '=', actorId)
      .orderBy('provider')
      .orderBy('subject')
      .execute();
    return rows.map((row) => ({
      provider: row.provider,
      subject: row.subject,
      email: row.email,
      actorId: row.actor_id,
      createdAt: Number(row.created_at),
      lastLoginAt: Number(row.last_login_at),
    }));
  }

  async purgeExpiredStates(now: number): Promise<void> {
    await this.database.db.deleteFrom('login_states').where('expires_at', '<', now).execute();
  }
}

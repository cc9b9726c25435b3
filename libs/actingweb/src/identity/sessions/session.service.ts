import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { LoginSessionRepository, type SessionRecord } from '../storage/login-session.repository.js';
import { newOpaqueToken, TOKEN_PREFIX, tokenDigest } from '../oauth/opaque-tokens.js';

/** Who signs in, as the sign-in method established it. */
export interface NewSession {
  /** The actor the person owns (its creator signed in). */
  actorId: string;
  /** The creator (passphrase sign-in) or the verified email (provider sign-in). */
  loginName: string;
  /** `passphrase`, or `oidc:<provider id>`. */
  method: string;
}

/** A signed-in browser. */
export type Session = SessionRecord;

/** Writes of `last_seen_at` are spaced at least this far apart (the idle timeout is minutes or hours). */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Server-side sessions: the browser holds a random id (`awss_…`, 256 bits)
 * in a cookie; the database holds its SHA-256, the actor, who signed in and
 * the key of the session's CSRF tokens. A session ends on logout, after the
 * idle timeout, after the maximum age, or when its actor is deleted. Knows
 * nothing of HTTP: the cookie is set by the identity HTTP layer.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(LoginSessionRepository) private readonly sessions: LoginSessionRepository,
  ) {}

  /** Starts a session; returns the cookie value (shown once, never stored). */
  async create(input: NewSession): Promise<{ cookieValue: string; session: Session }> {
    const now = Date.now();
    const cookieValue = newOpaqueToken(TOKEN_PREFIX.session);
    const session: Session = {
      idHash: tokenDigest(cookieValue),
      actorId: input.actorId,
      loginName: input.loginName,
      method: input.method,
      csrfSecret: randomBytes(32).toString('base64url'),
      createdAt: now,
      expiresAt: now + this.settings().maxAgeSeconds * 1000,
      lastSeenAt: now,
    };
    await this.sessions.insert(session);
    return { cookieValue, session };
  }

  /** The live session of a cookie value, or null (none, unknown, expired, idle too long). */
  async resolve(cookieValue: string | undefined): Promise<Session | null> {
    if (!cookieValue || !cookieValue.startsWith(TOKEN_PREFIX.session)) return null;
    const session = await this.sessions.find(tokenDigest(cookieValue));
    if (!session) return null;
    const now = Date.now();
    if (session.expiresAt <= now || session.lastSeenAt + this.settings().idleTimeoutSeconds * 1000 <= now) {
      await this.sessions.delete(session.idHash);
      return null;
    }
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await this.sessions.touch(session.idHash, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  async end(cookieValue: string | undefined): Promise<void> {
    if (cookieValue) await this.sessions.delete(tokenDigest(cookieValue));
  }

  /** Ends every session of an actor (e.g. after its passphrase changed). */
  endAllForActor(actorId: string): Promise<number> {
    return this.sessions.deleteForActor(actorId);
  }

  private settings() {
    return this.config.identity?.session ?? { maxAgeSeconds: 0, idleTimeoutSeconds: 0 };
  }
}

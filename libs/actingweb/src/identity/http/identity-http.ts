import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import { AwConfig } from '../../config/aw-config.js';
import { ForbiddenError } from '../../errors/actingweb.errors.js';
import { csrfToken, csrfTokenValid, sameOriginRequest } from '../sessions/csrf.js';
import { SessionService, type NewSession, type Session } from '../sessions/session.service.js';

type Req = FastifyRequest & { awSession?: Session | null };

const PRE_SESSION_KEY = /^[A-Za-z0-9_-]{43}$/;
/** A provider sign-in must come back within this time (the sign-in cookie's lifetime). */
const SIGN_IN_COOKIE_SECONDS = 600;

/**
 * The HTTP side of sessions and CSRF, for every identity route (and the
 * sign-in methods added later):
 *
 * - {@link session}: the signed-in session of the request, or null;
 * - {@link startSession} / {@link endSession}: sign in (a fresh session id, so
 *   an id planted before sign-in is worthless) and out;
 * - {@link csrfToken} / {@link assertCsrf}: a token for a form, and its check
 *   on submit (the token, plus `Sec-Fetch-Site` / `Origin`).
 *
 * Cookies: `aw_session` (the session id), `aw_csrf` (the CSRF key before
 * sign-in) and `aw_login` (binds a provider sign-in to the browser that
 * started it), HttpOnly, SameSite=Lax, Path=/; with an https root they are
 * `Secure` and named `__Host-aw_session`, `__Host-aw_csrf`, `__Host-aw_login`.
 */
@Injectable()
export class IdentityHttp {
  readonly sessionCookie: string;
  readonly csrfCookie: string;
  readonly signInCookie: string;
  private readonly secure: boolean;
  private readonly ownOrigin: string;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {
    // Secure whenever the root is https, also when identity is off (the console's CSRF cookie).
    this.secure = config.root.startsWith('https:');
    const prefix = this.secure ? '__Host-' : '';
    this.sessionCookie = `${prefix}aw_session`;
    this.csrfCookie = `${prefix}aw_csrf`;
    this.signInCookie = `${prefix}aw_login`;
    this.ownOrigin = config.root ? new URL(config.root).origin : '';
  }

  /** The live session of the request (looked up once per request), or null. */
  async session(req: FastifyRequest): Promise<Session | null> {
    const r = req as Req;
    if (r.awSession === undefined)
      r.awSession = await this.sessions.resolve(req.cookies?.[this.sessionCookie]);
    return r.awSession;
  }

  /** Signs the browser in: ends any session it had, starts a new one, sets the cookie. */
  async startSession(req: FastifyRequest, reply: FastifyReply, who: NewSession): Promise<Session> {
    await this.sessions.end(req.cookies?.[this.sessionCookie]);
    const { cookieValue, session } = await this.sessions.create(who);
    reply.setCookie(this.sessionCookie, cookieValue, {
      ...this.cookieOptions(),
      maxAge: this.config.identity?.session.maxAgeSeconds,
    });
    (req as Req).awSession = session;
    return session;
  }

  /** Signs the browser out: deletes the session row and the cookie. */
  async endSession(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.sessions.end(req.cookies?.[this.sessionCookie]);
    reply.clearCookie(this.sessionCookie, this.cookieOptions());
    (req as Req).awSession = null;
  }

  /**
   * A CSRF token for a form with this `purpose` (e.g. `logout`,
   * `consent:<request>`), keyed to the session, or before sign-in to the
   * `aw_csrf` cookie (set here when missing). Call before sending the page.
   */
  async csrfToken(req: FastifyRequest, reply: FastifyReply, purpose: string): Promise<string> {
    return csrfToken(await this.csrfKey(req, reply), purpose);
  }

  /** Refuses (403) a form submission without a valid token for `purpose`, or sent from another site. */
  async assertCsrf(req: FastifyRequest, purpose: string, submitted: unknown): Promise<void> {
    if (!sameOriginRequest(req.headers, this.ownOrigin)) {
      throw new ForbiddenError('Cross-site form submission refused', 'csrf');
    }
    const session = await this.session(req);
    const key = session?.csrfSecret ?? this.preSessionKey(req);
    if (!key || !csrfTokenValid(key, purpose, submitted)) {
      throw new ForbiddenError(
        'The form has expired or did not come from this site; reload the page and try again',
        'csrf',
      );
    }
  }

  /**
   * Where to go after sign-in or sign-out: a path relative to the server
   * root (`oauth/authorize?...`), never another site. Anything else → `fallback`.
   */
  safeReturnTo(value: unknown, fallback = 'oauth/login'): string {
    if (typeof value !== 'string' || value.length > 4000) return fallback;
    const path = value.startsWith('/') ? value.slice(1) : value;
    if (path === '' || /^[/\\]/.test(path) || /[\r\n\t\\]/.test(path) || /^[a-z][a-z0-9+.-]*:/i.test(path)) {
      return fallback;
    }
    const resolved = new URL(path, this.config.root);
    return resolved.href.startsWith(this.config.root)
      ? resolved.href.slice(this.config.root.length)
      : fallback;
  }

  /**
   * The browser's provider sign-in key: the `aw_login` cookie (random, 10
   * minutes), created here when missing. A sign-in started now is bound to it;
   * sign-ins started in several tabs share it.
   */
  signInKey(req: FastifyRequest, reply: FastifyReply): string {
    const sent = this.sentSignInKey(req);
    const key = sent ?? randomBytes(32).toString('base64url');
    reply.setCookie(this.signInCookie, key, { ...this.cookieOptions(), maxAge: SIGN_IN_COOKIE_SECONDS });
    return key;
  }

  /** The sign-in key the browser came back with, if any. */
  sentSignInKey(req: FastifyRequest): string | undefined {
    const value = req.cookies?.[this.signInCookie];
    return value && PRE_SESSION_KEY.test(value) ? value : undefined;
  }

  /** Absolute URL of a path relative to the server root. */
  url(path: string): string {
    return this.config.root + path;
  }

  /** The address the request came from (rate limits). */
  clientAddress(req: FastifyRequest): string {
    return req.ip ?? req.socket.remoteAddress ?? 'unknown';
  }

  private async csrfKey(req: FastifyRequest, reply: FastifyReply): Promise<string> {
    const session = await this.session(req);
    if (session) return session.csrfSecret;
    let key = this.preSessionKey(req);
    if (!key) {
      key = randomBytes(32).toString('base64url');
      reply.setCookie(this.csrfCookie, key, this.cookieOptions());
      // Later forms of this request (a page may carry several) use the same key.
      (req.cookies as Record<string, string>)[this.csrfCookie] = key;
    }
    return key;
  }

  private preSessionKey(req: FastifyRequest): string | null {
    const value = req.cookies?.[this.csrfCookie];
    return value && PRE_SESSION_KEY.test(value) ? value : null;
  }

  private cookieOptions(): CookieSerializeOptions {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { logPrefix } from '../../common/request-context.js';
import { ActingWebError } from '../../errors/actingweb.errors.js';
import { OtherActorSessionError, SignInRequiredError } from '../access/console-access.service.js';
import { ConsoleHttp } from './console-http.js';

/** Headings of error pages by status. */
const HEADINGS: Readonly<Record<number, string>> = {
  400: 'That did not work',
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Not found',
  408: 'The peer did not answer',
  409: 'That did not work',
  413: 'Too much at once',
  415: 'That did not work',
  429: 'Too many attempts',
  502: 'The peer did not answer',
};

/** What a page says for an error that is not ours to explain (a framework 4xx). */
const FRAMEWORK_MESSAGES: Readonly<Record<number, string>> = {
  413: 'The form is larger than this server accepts.',
  415: 'The form was sent in a format this page does not read.',
};

/**
 * The console's answers when a page cannot be shown: an HTML page with the
 * status (never JSON), and what to do next. Nobody signed in: the sign-in
 * page when identity's sign-in is on (302 for a page, 303 after a form),
 * otherwise 401 with a Basic challenge (the browser asks for the creator and
 * passphrase). Anything unexpected is a 500 page and a log line.
 */
@Injectable()
export class ConsoleErrors {
  private readonly logger = new Logger('ActingWebConsole');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
  ) {}

  answer(error: Error & { statusCode?: number }, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const start = { href: `${this.config.root}www`, text: 'Start page' };
    if (error instanceof SignInRequiredError) return this.signIn(error, req, reply);
    if (error instanceof OtherActorSessionError) {
      return this.message(reply, 403, error.message, [
        { href: `${this.config.root}${error.ownActorId}/www`, text: 'Your console' },
        { href: this.signInUrl(req.url.slice(1), null) ?? start.href, text: 'Sign in as someone else' },
      ]);
    }
    if (error instanceof ActingWebError) {
      if (error.statusCode >= 500 && !(error.statusCode >= 502 && error.statusCode <= 504))
        this.logger.error(`${logPrefix()}Console page failed: ${error.stack ?? error.message}`);
      return this.message(reply, error.statusCode, error.message, [start], error.headers);
    }
    const status =
      typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500) {
      this.logger.error(`${logPrefix()}Console page failed: ${error.stack ?? error.message}`);
      return this.message(reply, 500, 'Something went wrong on the server. Try again later.', [start]);
    }
    return this.message(reply, status, FRAMEWORK_MESSAGES[status] ?? 'The request could not be read.', [
      start,
    ]);
  }

  private signIn(error: SignInRequiredError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const signInUrl = this.signInUrl(
      req.method === 'GET' ? req.url.slice(1) : `${error.actorId}/www`,
      error.actorId,
    );
    if (signInUrl) {
      return reply
        .code(req.method === 'GET' || req.method === 'HEAD' ? 302 : 303)
        .header('cache-control', 'no-store')
        .header('location', signInUrl)
        .send();
    }
    return this.message(reply, 401, 'Open this page with the creator name and passphrase of the actor.', [], {
      'WWW-Authenticate': `Basic realm="${this.config.authRealm}"`,
    });
  }

  /** The sign-in page that comes back to `returnTo`, or null when sign-in is off. */
  private signInUrl(returnTo: string, actorId: string | null): string | null {
    const identity = this.config.identity;
    if (!identity || (!identity.passphraseLogin && identity.providers.length === 0)) return null;
    const query = new URLSearchParams({ return_to: returnTo, ...(actorId && { actor: actorId }) });
    return `${this.config.root}oauth/login?${query}`;
  }

  private message(
    reply: FastifyReply,
    status: number,
    message: string,
    links: { href: string; text: string }[],
    headers: Readonly<Record<string, string>> = {},
  ): FastifyReply {
    const heading = HEADINGS[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work');
    return this.http.plain(reply, 'message', heading, { heading, message, links }, { status, headers });
  }
}

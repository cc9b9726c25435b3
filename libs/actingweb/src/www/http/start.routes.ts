import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ActorService } from '../../actors/actor.service.js';
import { AwConfig } from '../../config/aw-config.js';
import { logPrefix } from '../../common/request-context.js';
import { IdentityHttp } from '../../identity/http/identity-http.js';
import { ConsoleViews } from '../views/console-views.service.js';
import { ConsoleForm } from './console-form.js';
import { ConsoleHttp, shownOnPage } from './console-http.js';
import { queryText } from './form-values.js';

const CREATE_PURPOSE = 'www:create';
const ACTOR_ID = /^[0-9a-f]{32}$/;

/**
 * The way in (where `GET /` sends browsers): `GET /www` (create an actor, or
 * sign in), `POST /www` (create one from the form: the passphrase is shown
 * once and, with identity on, the browser is signed in), `GET /www/console`
 * (to the signed-in owner's console, or to sign-in), and the style sheet.
 */
@Injectable()
export class StartRoutes {
  private readonly logger = new Logger('ActingWebConsole');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ConsoleHttp) private readonly http: ConsoleHttp,
    @Inject(IdentityHttp) private readonly identity: IdentityHttp,
    @Inject(ConsoleViews) private readonly views: ConsoleViews,
    @Inject(ActorService) private readonly actors: ActorService,
  ) {}

  install(scope: FastifyInstance): void {
    scope.get(`/${this.views.cssPath}`, async (_req, reply) =>
      reply
        .headers({
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'public, max-age=31536000, immutable',
          'x-content-type-options': 'nosniff',
        })
        .send(this.views.css),
    );
    scope.get('/www', (req, reply) => this.start(req, reply));
    scope.post('/www', (req, reply) => this.create(req, reply));
    scope.get('/www/console', (req, reply) => this.toConsole(req, reply));
  }

  private async start(
    req: FastifyRequest,
    reply: FastifyReply,
    returned?: { status: number; error: string; creator: string },
  ): Promise<FastifyReply> {
    const session = await this.identity.session(req);
    const identity = this.config.identity;
    const signInOn = identity !== null && (identity.passphraseLogin || identity.providers.length > 0);
    const data = {
      csrf: await this.identity.csrfToken(req, reply, CREATE_PURPOSE),
      appTitle: this.config.www.title,
      signedIn: session && { loginName: session.loginName, console: this.consoleOf(session.actorId) },
      signInUrl: signInOn ? `${this.config.root}oauth/login?return_to=www%2Fconsole` : null,
      providers: identity?.providers.map((p) => p.displayName) ?? [],
      openAction: `${this.config.root}www/console`,
      createAction: `${this.config.root}www`,
      form: { creator: returned?.creator ?? '', actor: '' },
    };
    return this.http.plain(reply, 'factory', this.config.www.title, data, {
      status: returned?.status,
      error: returned?.error,
      signOut: session && {
        action: this.identity.url('oauth/logout'),
        csrf: await this.identity.csrfToken(req, reply, 'logout'),
        loginName: session.loginName,
      },
    });
  }

  private async create(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const form = ConsoleForm.of(req.body);
    await this.identity.assertCsrf(req, CREATE_PURPOSE, form.text('csrf', 200));
    const creator = form.text('creator', 255).trim();
    try {
      const { actor, passphrase } = await this.actors.create({ creator });
      if (this.config.identity) {
        await this.identity.startSession(req, reply, {
          actorId: actor.id,
          loginName: actor.creator,
          method: 'created',
        });
      }
      this.logger.log(`${logPrefix()}Actor ${actor.id} created from the start page`);
      const data = {
        actorId: actor.id,
        creator: actor.creator,
        passphrase,
        actorUrl: actor.url,
        console: this.consoleOf(actor.id),
      };
      return this.http.plain(reply, 'created', 'Your actor is ready', data, { status: 201 });
    } catch (err) {
      const error = shownOnPage(err);
      return this.start(req, reply, { status: error.statusCode, error: error.message, creator });
    }
  }

  /** The signed-in owner's console; an actor id typed on the start page; else sign in (or the start page). */
  private async toConsole(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const session = await this.identity.session(req);
    const typed = queryText(req, 'actor').trim().toLowerCase();
    let target = `${this.config.root}www`;
    if (session) target = this.consoleOf(session.actorId);
    else if (ACTOR_ID.test(typed)) target = this.consoleOf(typed);
    else if (this.config.identity) target = `${this.config.root}oauth/login?return_to=www%2Fconsole`;
    return reply.code(302).header('cache-control', 'no-store').header('location', target).send();
  }

  private consoleOf(actorId: string): string {
    return `${this.config.root}${actorId}/www`;
  }
}

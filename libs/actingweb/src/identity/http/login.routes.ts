import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebError } from '../../errors/actingweb.errors.js';
import { logPrefix } from '../../common/request-context.js';
import { PassphraseLogin } from '../login/passphrase-login.service.js';
import { ViewRenderer } from '../views/view-renderer.js';
import { identityBody } from './form-body.js';
import { IdentityHttp } from './identity-http.js';
import { sendPage } from './pages.js';

/**
 * Sign-in and sign-out pages:
 *
 * | Route | |
 * | --- | --- |
 * | `GET /oauth/login?return_to=&actor=` | the sign-in page: provider buttons, passphrase form |
 * | `POST /oauth/login/passphrase` | actor (id or creator) + passphrase → session → `return_to` |
 * | `POST /oauth/logout` | ends the session → `return_to` |
 * | `GET /oauth/assets/identity.css` | the pages' style sheet |
 *
 * `return_to` is a path relative to the server root (`oauth/authorize?...`);
 * anything else is ignored. `actor`: the sign-in is for that actor (the
 * passphrase form is prefilled; a provider sign-in with another person's
 * account is refused). Every POST is CSRF-checked. Provider sign-in itself is
 * in `ProviderLoginRoutes`.
 */
@Injectable()
export class LoginRoutes {
  private readonly logger = new Logger('ActingWebIdentity');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PassphraseLogin) private readonly passphrase: PassphraseLogin,
    @Inject(IdentityHttp) private readonly http: IdentityHttp,
    @Inject(ViewRenderer) private readonly views: ViewRenderer,
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
    scope.get('/oauth/login', (req, reply) => this.loginPage(req, reply));
    scope.post('/oauth/login/passphrase', (req, reply) => this.passphraseLogin(req, reply));
    scope.post('/oauth/logout', (req, reply) => this.logout(req, reply));
  }

  private async loginPage(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const query = req.query as Record<string, unknown>;
    const actor = typeof query.actor === 'string' ? query.actor.slice(0, 500) : '';
    return this.renderLogin(req, reply, 200, {
      returnTo: this.http.safeReturnTo(query.return_to),
      actor,
      forActor: actor,
    });
  }

  private async passphraseLogin(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = identityBody(req.body);
    const fields = body.kind === 'form' ? body.fields : {};
    const returnTo = this.http.safeReturnTo(fields.return_to);
    const actorField = (fields.actor ?? '').slice(0, 500);
    try {
      await this.http.assertCsrf(req, 'login', fields.csrf);
      const actor = await this.passphrase.signIn(
        actorField,
        fields.passphrase ?? '',
        this.http.clientAddress(req),
      );
      await this.http.startSession(req, reply, {
        actorId: actor.id,
        loginName: actor.creator,
        method: 'passphrase',
      });
      this.logger.log(`${logPrefix()}Signed in with the passphrase of actor ${actor.id}`);
      return reply.header('cache-control', 'no-store').redirect(this.http.url(returnTo), 302);
    } catch (err) {
      if (!(err instanceof ActingWebError) || err.statusCode >= 500) throw err;
      return this.renderLogin(
        req,
        reply,
        err.statusCode,
        { returnTo, actor: actorField, forActor: (fields.for_actor ?? '').slice(0, 500), error: err.message },
        err.headers,
      );
    }
  }

  private async logout(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = identityBody(req.body);
    const fields = body.kind === 'form' ? body.fields : {};
    try {
      await this.http.assertCsrf(req, 'logout', fields.csrf);
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      return sendPage(
        reply,
        err.statusCode,
        this.views.render('message', {
          title: 'Not signed out',
          heading: 'Not signed out',
          message: err.message,
          error: true,
        }),
      );
    }
    await this.http.endSession(req, reply);
    return reply
      .header('cache-control', 'no-store')
      .redirect(this.http.url(this.http.safeReturnTo(fields.return_to)), 302);
  }

  private async renderLogin(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    data: { returnTo: string; actor: string; forActor: string; error?: string },
    headers: Readonly<Record<string, string>> = {},
  ): Promise<FastifyReply> {
    const session = await this.http.session(req);
    const connecting = data.returnTo.startsWith('oauth/authorize');
    const csrf = await this.http.csrfToken(req, reply, 'login');
    const providers = this.config.identity?.providers ?? [];
    const page = this.views.render(
      'login',
      {
        title: 'Sign in',
        purpose: connecting
          ? 'An application asks to connect to your actor. Sign in as its owner to continue.'
          : null,
        error: data.error ?? null,
        session: session && { loginName: session.loginName, actorId: session.actorId },
        logoutAction: this.http.url('oauth/logout'),
        logoutCsrf: session ? await this.http.csrfToken(req, reply, 'logout') : '',
        providers: providers.map((p) => ({
          action: this.http.url(`oauth/login/${p.id}`),
          displayName: p.displayName,
          csrf,
        })),
        passphraseLogin: this.config.identity?.passphraseLogin ?? false,
        passphraseAction: this.http.url('oauth/login/passphrase'),
        csrf,
        returnTo: data.returnTo,
        actor: data.actor,
        forActor: data.forActor,
      },
      // A provider button's form ends in a redirect to the provider, which `form-action 'self'` would block.
      { formActionSelf: providers.length === 0 },
    );
    return sendPage(reply, status, page, headers);
  }
}

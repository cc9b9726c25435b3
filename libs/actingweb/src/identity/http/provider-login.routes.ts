import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebError } from '../../errors/actingweb.errors.js';
import { logPrefix } from '../../common/request-context.js';
import { ProviderLogin, signInPagePath } from '../login/provider-login.service.js';
import { SignInFailedError } from '../login/sign-in-errors.js';
import { ViewRenderer } from '../views/view-renderer.js';
import { identityBody } from './form-body.js';
import { IdentityHttp } from './identity-http.js';
import { sendPage } from './pages.js';

/**
 * Sign-in with an identity provider (`identity.providers`; the routes exist
 * only when one is configured):
 *
 * | Route | |
 * | --- | --- |
 * | `POST /oauth/login/<provider>` | the button (CSRF-checked): → the provider, with `state`, PKCE, `nonce` |
 * | `GET /oauth/callback` | the provider's redirect back → session → `return_to` |
 *
 * Every failure is a page: 400 (a sign-in not started in this browser,
 * expired, or used; an error from the provider), 403 (email not verified,
 * another person's actor, refused by the application), 404 (unknown
 * provider), 429 (rate limits), 502 (the provider failed).
 */
@Injectable()
export class ProviderLoginRoutes {
  private readonly logger = new Logger('ActingWebIdentity');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ProviderLogin) private readonly login: ProviderLogin,
    @Inject(IdentityHttp) private readonly http: IdentityHttp,
    @Inject(ViewRenderer) private readonly views: ViewRenderer,
  ) {}

  install(scope: FastifyInstance): void {
    if ((this.config.identity?.providers.length ?? 0) === 0) return;
    scope.post('/oauth/login/:provider', (req, reply) => this.start(req, reply));
    scope.get('/oauth/callback', (req, reply) => this.callback(req, reply));
  }

  private async start(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = identityBody(req.body);
    const fields = body.kind === 'form' ? body.fields : {};
    const returnTo = this.http.safeReturnTo(fields.return_to);
    const forActor = (fields.for_actor ?? '').slice(0, 500);
    try {
      await this.http.assertCsrf(req, 'login', fields.csrf);
      const url = await this.login.start((req.params as { provider: string }).provider, {
        browserKey: this.http.signInKey(req, reply),
        returnTo,
        forActorId: forActor === '' ? null : forActor,
        clientAddress: this.http.clientAddress(req),
      });
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    } catch (err) {
      return this.failurePage(reply, err, signInPagePath(returnTo, forActor || null));
    }
  }

  private async callback(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const at = req.url.indexOf('?');
      const callbackUrl = new URL(this.http.url('oauth/callback') + (at < 0 ? '' : req.url.slice(at)));
      const signedIn = await this.login.finish(
        callbackUrl,
        this.http.sentSignInKey(req),
        this.http.clientAddress(req),
      );
      await this.http.startSession(req, reply, {
        actorId: signedIn.actorId,
        loginName: signedIn.email,
        method: `oidc:${signedIn.provider}`,
      });
      return reply.header('cache-control', 'no-store').redirect(this.http.url(signedIn.returnTo), 302);
    } catch (err) {
      return this.failurePage(reply, err, err instanceof SignInFailedError ? err.retryFrom : null);
    }
  }

  private failurePage(reply: FastifyReply, err: unknown, retryFrom: string | null): FastifyReply {
    if (!(err instanceof ActingWebError) || (err.statusCode >= 500 && err.statusCode !== 502)) {
      this.logger.error(
        `${logPrefix()}Provider sign-in failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      return sendPage(
        reply,
        500,
        this.views.render('message', {
          title: 'Error',
          heading: 'Something went wrong',
          message: 'Please try again later.',
          error: true,
          link: { href: this.http.url(retryFrom ?? 'oauth/login'), text: 'Back to sign-in' },
        }),
      );
    }
    return sendPage(
      reply,
      err.statusCode,
      this.views.render('message', {
        title: 'Not signed in',
        heading: 'Not signed in',
        message: err.message,
        error: true,
        link: { href: this.http.url(retryFrom ?? 'oauth/login'), text: 'Back to sign-in' },
      }),
      err.headers,
    );
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebError, TooManyRequestsError } from '../../errors/actingweb.errors.js';
import { logPrefix } from '../../common/request-context.js';
import { McpService } from '../../mcp/mcp.service.js';
import { authorizationServerMetadata } from '../oauth/as-metadata.js';
import { AuthorizationRedirectError, AuthorizationService } from '../oauth/authorization.service.js';
import type { PresentedClientCredentials } from '../oauth/client-registry.service.js';
import { ClientRegistry } from '../oauth/client-registry.service.js';
import { OAuthError } from '../oauth/oauth-error.js';
import { TokenService } from '../oauth/token.service.js';
import { ViewRenderer } from '../views/view-renderer.js';
import { identityBody, type FormBody } from './form-body.js';
import { IdentityHttp } from './identity-http.js';
import { sendPage } from './pages.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, MCP-Protocol-Version',
  'access-control-max-age': '86400',
};

/**
 * The authorization server's endpoints (`docs/identity.md`):
 *
 * | Route | |
 * | --- | --- |
 * | `GET /.well-known/oauth-authorization-server`, `/.well-known/openid-configuration` | RFC 8414 metadata |
 * | `GET /.well-known/oauth-protected-resource` | RFC 9728 metadata of `/mcp` (root fallback) |
 * | `POST /oauth/register` | RFC 7591 dynamic registration (when enabled) |
 * | `GET /oauth/authorize` | validates, then sign-in or the consent page |
 * | `POST /oauth/authorize` | the consent decision (CSRF-checked) → redirect with `code` or `error`, and `iss` |
 * | `POST /oauth/token` | `authorization_code`, `refresh_token` |
 * | `POST /oauth/revoke` | RFC 7009 |
 *
 * JSON endpoints answer errors as RFC 6749 §5.2 objects, allow any origin
 * (no credentials), and are never cached. The authorization endpoint never
 * redirects to a URI it has not verified: such errors are pages.
 */
@Injectable()
export class OAuthRoutes {
  private readonly logger = new Logger('ActingWebOAuth');

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(McpService) private readonly mcp: McpService,
    @Inject(ClientRegistry) private readonly clients: ClientRegistry,
    @Inject(AuthorizationService) private readonly authorization: AuthorizationService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(IdentityHttp) private readonly http: IdentityHttp,
    @Inject(ViewRenderer) private readonly views: ViewRenderer,
  ) {}

  install(scope: FastifyInstance): void {
    const identity = this.config.identity!;
    const metadata = authorizationServerMetadata(this.config.root, identity);
    for (const url of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      scope.get(url, async (_req, reply) =>
        json(reply, 200, metadata, { 'cache-control': 'public, max-age=300' }),
      );
    }
    if (this.config.mcp.enabled) {
      scope.get('/.well-known/oauth-protected-resource', async (_req, reply) =>
        json(reply, 200, await this.mcp.resourceMetadata(undefined), {
          'cache-control': 'public, max-age=300',
        }),
      );
    }
    const cors = [
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/oauth/token',
      '/oauth/revoke',
    ];
    if (this.config.mcp.enabled) cors.push('/.well-known/oauth-protected-resource');
    if (identity.mcp.dynamicRegistration) {
      cors.push('/oauth/register');
      scope.post('/oauth/register', (req, reply) => this.register(req, reply));
    }
    for (const url of cors)
      scope.options(url, async (_req, reply) => reply.code(204).headers(CORS_HEADERS).send());
    scope.post('/oauth/token', (req, reply) => this.token(req, reply));
    scope.post('/oauth/revoke', (req, reply) => this.revoke(req, reply));
    scope.get('/oauth/authorize', (req, reply) => this.authorize(req, reply));
    scope.post('/oauth/authorize', (req, reply) => this.decide(req, reply));
  }

  private async register(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = identityBody(req.body);
    try {
      if (body.kind !== 'json') {
        throw new OAuthError(
          'invalid_client_metadata',
          'Send the client metadata as a JSON object (application/json)',
        );
      }
      const registered = await this.clients.register(body.value, this.http.clientAddress(req));
      return json(reply, 201, registered, NO_STORE);
    } catch (err) {
      return this.jsonError(reply, err);
    }
  }

  private async token(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const form = requireForm(req);
      const issued = await this.tokens.exchange(form.fields, presentedCredentials(req, form));
      return json(reply, 200, issued, NO_STORE);
    } catch (err) {
      return this.jsonError(reply, err);
    }
  }

  private async revoke(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const form = requireForm(req);
      await this.tokens.revoke(form.fields, presentedCredentials(req, form));
      return reply
        .code(200)
        .headers({ ...NO_STORE, 'access-control-allow-origin': '*' })
        .send();
    } catch (err) {
      return this.jsonError(reply, err);
    }
  }

  /** Validate; without a fitting session, sign in first and come back here; else the consent page. */
  private async authorize(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const request = await this.authorization.validate(req.query as Record<string, unknown>);
      const session = await this.http.session(req);
      if (!this.authorization.sessionFits(request, session)) {
        const returnTo = `oauth/authorize${queryOf(req.url)}`;
        const login = new URLSearchParams({ return_to: returnTo });
        if (request.resourceActorId) login.set('actor', request.resourceActorId);
        return reply.redirect(this.http.url(`oauth/login?${login}`), 302);
      }
      const view = await this.authorization.prepareConsent(request, session);
      return sendPage(
        reply,
        200,
        this.views.render(
          'consent',
          {
            title: `Allow ${view.clientName}?`,
            ...view,
            action: this.http.url('oauth/authorize'),
            csrf: await this.http.csrfToken(req, reply, `consent:${view.requestId}`),
            logoutAction: this.http.url('oauth/logout'),
            logoutCsrf: await this.http.csrfToken(req, reply, 'logout'),
            returnTo: `oauth/login?${new URLSearchParams({ return_to: `oauth/authorize${queryOf(req.url)}` })}`,
          },
          { formActionSelf: false },
        ),
      );
    } catch (err) {
      return this.pageError(reply, err);
    }
  }

  /** The consent form: CSRF first, then the decision; answers with a redirect to the client. */
  private async decide(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    try {
      const body = identityBody(req.body);
      const fields = body.kind === 'form' ? body.fields : {};
      const requestId = fields.request ?? '';
      await this.http.assertCsrf(req, `consent:${requestId}`, fields.csrf);
      const session = await this.http.session(req);
      if (!session)
        throw new OAuthError('access_denied', 'You are signed out; start again from your application', 403);
      const decision = fields.decision;
      if (decision !== 'allow' && decision !== 'deny')
        throw new OAuthError('invalid_request', 'Choose Allow or Deny');
      const target = await this.authorization.decide(requestId, session, {
        allow: decision === 'allow',
        trustType: fields.trust_type,
      });
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    } catch (err) {
      return this.pageError(reply, err);
    }
  }

  private jsonError(reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof OAuthError)
      return json(reply, err.statusCode, err.toJSON(), { ...NO_STORE, ...err.headers });
    if (err instanceof TooManyRequestsError) {
      return json(
        reply,
        429,
        { error: 'too_many_requests', error_description: err.message },
        { ...NO_STORE, ...err.headers },
      );
    }
    if (err instanceof ActingWebError && err.statusCode < 500) {
      return json(
        reply,
        err.statusCode,
        { error: 'invalid_request', error_description: err.message },
        NO_STORE,
      );
    }
    this.logger.error(
      `${logPrefix()}OAuth endpoint failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return json(reply, 500, { error: 'server_error', error_description: 'Internal error' }, NO_STORE);
  }

  private pageError(reply: FastifyReply, err: unknown): FastifyReply {
    if (err instanceof AuthorizationRedirectError) {
      return reply.header('cache-control', 'no-store').redirect(err.redirectTo, 302);
    }
    if (err instanceof ActingWebError && err.statusCode < 500) {
      return sendPage(
        reply,
        err.statusCode,
        this.views.render('message', {
          title: 'Cannot continue',
          heading: 'Cannot continue',
          message: err.message,
          error: true,
        }),
        err.headers,
      );
    }
    this.logger.error(
      `${logPrefix()}Authorization failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return sendPage(
      reply,
      500,
      this.views.render('message', {
        title: 'Error',
        heading: 'Something went wrong',
        message: 'Please try again later.',
        error: true,
      }),
    );
  }
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

function json(
  reply: FastifyReply,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers({ 'access-control-allow-origin': '*', ...headers })
    .type(JSON_TYPE)
    .send(JSON.stringify(body));
}

/** The form body of an RFC 6749 endpoint; each parameter at most once (§3.1, §3.2). */
function requireForm(req: FastifyRequest): FormBody {
  const body = identityBody(req.body);
  if (body.kind !== 'form')
    throw new OAuthError('invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  if (body.repeated.length > 0)
    throw new OAuthError('invalid_request', `Parameter sent more than once: ${body.repeated[0]}`);
  return body;
}

/** RFC 6749 §2.3.1: client credentials from `Authorization: Basic` (form-urlencoded parts) or the body, not both. */
function presentedCredentials(req: FastifyRequest, form: FormBody): PresentedClientCredentials {
  const header = req.headers.authorization;
  if (header && /^basic\s/i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    let clientId: string;
    let secret: string;
    try {
      clientId = decodeURIComponent((colon < 0 ? decoded : decoded.slice(0, colon)).replaceAll('+', ' '));
      secret = decodeURIComponent((colon < 0 ? '' : decoded.slice(colon + 1)).replaceAll('+', ' '));
    } catch {
      throw new OAuthError('invalid_client', 'Malformed Basic credentials', 401);
    }
    if (form.fields.client_secret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'Use one client authentication method, not Basic and client_secret',
      );
    }
    if (form.fields.client_id !== undefined && form.fields.client_id !== clientId) {
      throw new OAuthError('invalid_request', 'client_id differs from the Basic credentials');
    }
    return { clientId, secret: secret === '' ? undefined : secret, viaBasic: true };
  }
  return { clientId: form.fields.client_id, secret: form.fields.client_secret, viaBasic: false };
}

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}

import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { logPrefix } from '../common/request-context.js';
import { parseJsonBody } from '../http/body-parsing.js';
import { IDENTITY_BODY_LIMIT, parseForm, type JsonBody, type OtherBody } from './http/form-body.js';
import { LoginRoutes } from './http/login.routes.js';
import { OAuthRoutes } from './http/oauth.routes.js';
import { ProviderLoginRoutes } from './http/provider-login.routes.js';

/**
 * Registers the identity routes on Fastify, in their own plugin scope (own
 * body parsers, cookies, error handler), at module init, when `identity` is
 * configured; otherwise they do not exist (404). Like the MCP routes, they
 * are plain Fastify routes: no Nest guard or pipe runs.
 */
@Injectable()
export class IdentityRoutes implements OnModuleInit {
  private readonly logger = new Logger('ActingWebIdentity');

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(OAuthRoutes) private readonly oauth: OAuthRoutes,
    @Inject(LoginRoutes) private readonly login: LoginRoutes,
    @Inject(ProviderLoginRoutes) private readonly providerLogin: ProviderLoginRoutes,
  ) {}

  onModuleInit(): void {
    if (!this.config.identity) return;
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return; // HttpPlumbingService reports the wrong adapter
    const fastify = adapter.getInstance<FastifyInstance>();
    if ((fastify as { awIdentity?: boolean }).awIdentity) return;
    (fastify as { awIdentity?: boolean }).awIdentity = true;
    void fastify.register(async (scope) => {
      await scope.register(fastifyCookie);
      installIdentityBodyParsers(scope, this.config.maxJsonDepth);
      scope.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
        const status =
          typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
        if (status >= 500)
          this.logger.error(`${logPrefix()}Identity route failed: ${error.stack ?? error.message}`);
        void reply
          .code(status)
          .header('cache-control', 'no-store')
          .type('application/json; charset=utf-8')
          .send(
            JSON.stringify(
              status >= 500
                ? { error: 'server_error', error_description: 'Internal error' }
                : { error: 'invalid_request', error_description: error.message },
            ),
          );
      });
      this.oauth.install(scope);
      this.login.install(scope);
      this.providerLogin.install(scope);
    });
    this.logger.log(`OAuth authorization server on, issuer ${this.config.identity.issuer}`);
    for (const provider of this.config.identity.providers) {
      this.logger.log(
        `Sign-in with ${provider.id} (${provider.type}), callback ${this.config.root}oauth/callback`,
      );
      if (provider.allowInsecureRequests)
        this.logger.warn(
          `Identity provider ${provider.id} may use http: URLs (allowInsecureRequests); never in production`,
        );
    }
  }
}

/**
 * Body parsing of the identity scope: forms (RFC 6749 endpoints and the
 * pages), JSON (dynamic registration, which some clients send with a
 * charset), and anything else as "other", so each endpoint answers with its
 * own protocol's error instead of Fastify's 415.
 */
function installIdentityBodyParsers(scope: FastifyInstance, maxJsonDepth: number): void {
  scope.removeAllContentTypeParsers();
  const options = { parseAs: 'string' as const, bodyLimit: IDENTITY_BODY_LIMIT };
  scope.addContentTypeParser('application/x-www-form-urlencoded', options, (_req, body, done) =>
    done(null, parseForm(body as unknown as string)),
  );
  scope.addContentTypeParser('application/json', options, (_req, body, done) => {
    try {
      done(null, {
        kind: 'json',
        value: parseJsonBody(body as unknown as string, maxJsonDepth),
      } satisfies JsonBody);
    } catch {
      done(null, { kind: 'bad-json' } satisfies JsonBody);
    }
  });
  scope.addContentTypeParser('*', options, (_req, _body, done) =>
    done(null, { kind: 'other' } satisfies OtherBody),
  );
}

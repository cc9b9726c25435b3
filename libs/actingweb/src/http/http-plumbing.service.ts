import type { Server } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import { parseFormBody, parseJsonBody, parseSniffedBody } from './body-parsing.js';
import { installMethodOverride } from './method-override.js';
import { requestContextStorage, requestIdFrom } from './request-context.js';

type ParserDone = (err: Error | null, body?: unknown) => void;

/**
 * Installs what ActingWeb needs from the HTTP server, once, at module init:
 * body parsers with the configured size limit (413 beyond it), the `_method`
 * override, and request ids (`X-Request-ID` in and out, and in our logs).
 * Requires the Fastify adapter.
 */
@Injectable()
export class HttpPlumbingService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ActingWebHttp');
  /** Set when the application starts shutting down (SIGTERM with enableShutdownHooks, or app.close()). */
  private closing = false;

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return; // a standalone application context: nothing to install
    if (adapter.getType() !== 'fastify') {
      throw new Error(
        'ActingWebModule requires @nestjs/platform-fastify (create the app with new FastifyAdapter()).',
      );
    }
    const fastify = adapter.getInstance<FastifyInstance>();
    if ((fastify as { awPlumbing?: boolean }).awPlumbing) return;
    (fastify as { awPlumbing?: boolean }).awPlumbing = true;

    this.installBodyParsers(fastify);
    const carryContext = this.config.requestContext;
    fastify.addHook('onRequest', (request, reply, done) => {
      const requestId = requestIdFrom(request.headers['x-request-id']);
      (request as { awRequestId?: string }).awRequestId = requestId;
      reply.header('x-request-id', requestId);
      done();
    });
    if (carryContext) {
      // After body parsing: the parser's stream callbacks would not keep a context entered earlier.
      fastify.addHook('preValidation', (request, _reply, done) => {
        requestContextStorage.run(
          { requestId: (request as { awRequestId?: string }).awRequestId ?? '' },
          done,
        );
      });
    }
    // Graceful shutdown: a response finished while closing tells the client to drop the
    // connection, so keep-alive sockets of in-flight requests don't hold the server open.
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.closing) reply.header('connection', 'close');
      done(null, payload);
    });
    installMethodOverride(adapter.getHttpServer() as Server);
    this.logger.log(`Body limit ${this.config.bodyLimit} bytes, JSON depth ${this.config.maxJsonDepth}`);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  private installBodyParsers(fastify: FastifyInstance): void {
    const { bodyLimit, maxJsonDepth } = this.config;
    const options = { parseAs: 'string' as const, bodyLimit };
    const wrap =
      (parse: (text: string) => unknown) =>
      (_req: FastifyRequest, body: string | Buffer, done: ParserDone) => {
        try {
          done(null, parse(typeof body === 'string' ? body : body.toString('utf8')));
        } catch (err) {
          done(err as Error);
        }
      };
    for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
      if (fastify.hasContentTypeParser(type)) fastify.removeContentTypeParser(type);
    }
    if (fastify.hasContentTypeParser('*')) fastify.removeContentTypeParser('*');
    fastify.addContentTypeParser(
      'application/json',
      options,
      wrap((t) => parseJsonBody(t, maxJsonDepth)),
    );
    fastify.addContentTypeParser(
      'application/x-www-form-urlencoded',
      options,
      wrap((t) => parseFormBody(t, maxJsonDepth)),
    );
    fastify.addContentTypeParser(
      'text/plain',
      options,
      wrap((t) => t),
    );
    fastify.addContentTypeParser(
      '*',
      options,
      wrap((t) => parseSniffedBody(t, maxJsonDepth)),
    );
  }
}

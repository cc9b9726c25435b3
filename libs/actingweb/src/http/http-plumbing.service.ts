import type { Server } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, onSendHookHandler } from 'fastify';
import { AwConfig } from '../config/aw-config.js';
import type { AwRequest } from './aw-request.js';
import { decodeContent, parseFormBody, parseJsonBody, parseSniffedBody } from './body-parsing.js';
import { IN_FLIGHT_SHUTDOWN_WAIT_MS, InFlightHandlers } from './in-flight.js';
import { installMethodOverride } from './method-override.js';
import { requestContextStorage, requestIdFrom } from '../common/request-context.js';
import type { AwRouteFlags } from './route-flags.js';

type ParserDone = (err: Error | null, body?: unknown) => void;

/**
 * Installs what ActingWeb needs from the HTTP server, once, at module init:
 * body parsers with the configured size limit (413 beyond it, also for the
 * decoded size of a compressed body), the `_method`
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
    @Inject(InFlightHandlers) private readonly inFlight: InFlightHandlers,
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
    const requestIdHook: onRequestHookHandler = (request, reply, done) => {
      const requestId = requestIdFrom(request.headers['x-request-id']);
      (request as { awRequestId?: string }).awRequestId = requestId;
      reply.header('x-request-id', requestId);
      done();
    };
    fastify.addHook('onRequest', requestIdHook);
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
    const closeOnShutdownHook: onSendHookHandler = (_request, reply, payload, done) => {
      if (this.closing) reply.header('connection', 'close');
      done(null, payload);
    };
    fastify.addHook('onSend', closeOnShutdownHook);
    // After the server drained its connections, before Nest's shutdown hooks close anything:
    // handlers whose clients went away are still running (InFlightHandlers).
    fastify.addHook('onClose', async () => {
      if (!(await this.inFlight.idle(IN_FLIGHT_SHUTDOWN_WAIT_MS))) {
        this.logger.warn(
          `${this.inFlight.count} request handler(s) still running after ${IN_FLIGHT_SHUTDOWN_WAIT_MS} ms; closing anyway`,
        );
      }
    });
    installMethodOverride(adapter.getHttpServer() as Server);
    this.logger.log(`Body limit ${this.config.bodyLimit} bytes, JSON depth ${this.config.maxJsonDepth}`);
  }

  beforeApplicationShutdown(): void {
    this.closing = true;
  }

  private installBodyParsers(fastify: FastifyInstance): void {
    const { bodyLimit, maxJsonDepth } = this.config;
    // Buffers, not strings: a compressed body must reach the decoder as bytes.
    const options = { parseAs: 'buffer' as const, bodyLimit };
    const wrap =
      (parse: (text: string, req: FastifyRequest) => unknown) =>
      (req: FastifyRequest, body: Buffer, done: ParserDone) => {
        try {
          const encoding = req.headers['content-encoding'];
          const bytes = encoding === undefined ? body : decodeContent(body, encoding, bodyLimit);
          done(null, parse(bytes.toString('utf8'), req));
        } catch (err) {
          holdOrFail(req, err as Error, done);
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
      wrap((t, req) =>
        (req.routeOptions.config as AwRouteFlags | undefined)?.awFormAsText
          ? parseSniffedBody(t, maxJsonDepth)
          : parseFormBody(t, maxJsonDepth),
      ),
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

/**
 * A body that cannot be read: on routes behind the access check the error waits
 * on the request (`ActorRouter` answers it once the caller is let in), elsewhere it
 * is answered now. 413 is always answered now: it is the server's size limit,
 * the same for every route and caller, and reveals nothing about validation;
 * holding it back would mean keeping an oversized body around for the check.
 */
function holdOrFail(req: FastifyRequest, err: Error, done: ParserDone): void {
  if (
    (err as { statusCode?: number }).statusCode !== 413 &&
    (req.routeOptions.config as AwRouteFlags | undefined)?.awAuthFirst
  ) {
    (req as AwRequest).awBodyError = err;
    done(null, undefined);
    return;
  }
  done(err);
}

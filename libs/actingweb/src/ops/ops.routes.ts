import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secretsEqual } from '../auth/constant-time.js';
import { AwConfig } from '../config/aw-config.js';
import { ActingWebHealth, type HealthReport } from './health.service.js';
import { ActingWebMetrics } from './metrics.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Route config flag of our own routes: probes and scrapes are not counted as requests. */
interface OpsRouteConfig {
  awOps?: boolean;
}

/**
 * Registers, directly on Fastify at module init (outside Nest's router, guards
 * and global prefix, like the MCP routes), what the `health` and `metrics`
 * options turn on:
 *
 * | Route | Answer |
 * | --- | --- |
 * | `GET health.livePath` (`/health`) | 200 `{ status: 'ok', ... }` |
 * | `GET health.readyPath` (`/ready`) | 200 when ready, else 503 `{ status: 'error', error: {...} }` |
 * | `GET metrics.path` (`/metrics`) | Prometheus text; 401 without the bearer token when one is configured |
 *
 * and, with metrics on, one `onResponse` hook that observes every request's
 * duration by method, route template and status (after the response is sent).
 */
@Injectable()
export class OpsRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActingWebHealth) private readonly health: ActingWebHealth,
    @Inject(ActingWebMetrics) private readonly metrics: ActingWebMetrics,
  ) {}

  onModuleInit(): void {
    const { health, metrics } = this.config;
    if (!health.enabled && !metrics.enabled) return;
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter || adapter.getType() !== 'fastify') return; // HttpPlumbingService reports the wrong adapter
    const fastify = adapter.getInstance<FastifyInstance>();
    if ((fastify as { awOps?: boolean }).awOps) return;
    (fastify as { awOps?: boolean }).awOps = true;

    const config: OpsRouteConfig = { awOps: true };
    if (health.enabled) {
      fastify.get(health.livePath, { config }, async (_req, reply) => this.answer(reply, this.health.live()));
      fastify.get(health.readyPath, { config }, async (_req, reply) =>
        this.answer(reply, await this.health.ready()),
      );
    }
    if (metrics.enabled) {
      fastify.get(metrics.path, { config }, (req, reply) => this.scrape(req, reply));
      const observer = this.metrics;
      fastify.addHook('onResponse', (request, reply, done) => {
        const route = request.routeOptions; // a getter that builds an object: read it once
        if (!(route.config as OpsRouteConfig | undefined)?.awOps)
          observer.observeRequest(request.method, route.url, reply.statusCode, reply.elapsedTime);
        done();
      });
    }
  }

  private answer(reply: FastifyReply, result: HealthReport): FastifyReply {
    return reply
      .code(result.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .type(JSON_TYPE)
      .send(JSON.stringify(result));
  }

  private async scrape(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const token = this.config.metrics.bearerToken;
    if (token !== null && !bearerMatches(request.headers.authorization, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .type(JSON_TYPE)
        .send(JSON.stringify({ statusCode: 401, error: 'Unauthorized', message: 'Bearer token required' }));
    }
    const { contentType, body } = await this.metrics.render();
    return reply.header('cache-control', 'no-store').type(contentType).send(body);
  }
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && secretsEqual(match[1], token);
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { ActingWebError } from '../errors/actingweb.errors.js';
import { logPrefix } from './request-context.js';

/**
 * Error bodies of every ActingWeb route: `{ statusCode, error, message }` (the
 * shape Nest uses, so errors raised outside our routes look the same). Unknown
 * errors become a logged 500 that reveals nothing.
 */
@Catch()
export class ActingWebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ActingWeb');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const requestId = host.switchToHttp().getRequest<{ awRequestId?: string }>()?.awRequestId;
    let status = 500;
    let message = 'Internal server error';
    let headers: Readonly<Record<string, string>> = {};
    let details: Readonly<Record<string, unknown>> = {};

    if (exception instanceof ActingWebError) {
      status = exception.statusCode;
      message = exception.message;
      headers = exception.headers;
      details = exception.details;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const response = exception.getResponse();
      const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      message = Array.isArray(raw) ? raw.join('; ') : typeof raw === 'string' ? raw : exception.message;
    } else if (isClientError(exception)) {
      status = exception.statusCode;
      message = exception.message;
    }
    if (status >= 500) {
      this.logger.error(
        `${requestId ? `[req ${requestId}] ` : logPrefix()}${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`,
      );
    }
    if (reply.sent) return;
    reply.status(status).headers(headers).type('application/json; charset=utf-8');
    reply.send({ ...details, statusCode: status, error: STATUS_CODES[status] ?? 'Error', message });
  }
}

/** Fastify's own errors (body too large, bad media type) carry a 4xx statusCode. */
function isClientError(e: unknown): e is Error & { statusCode: number } {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return e instanceof Error && typeof code === 'number' && code >= 400 && code < 500;
}

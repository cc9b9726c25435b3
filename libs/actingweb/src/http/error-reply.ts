import { HttpException, type LoggerService } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { ActingWebError } from '../errors/actingweb.errors.js';
import { hasOrigin, logFailure } from '../errors/failures.js';
import { logPrefix } from '../common/request-context.js';

/**
 * Answers a failed ActingWeb route: `{ statusCode, error, message }` (the
 * shape Nest uses, so errors raised outside our routes look the same), plus
 * `requestId` on 5xx answers so a user can quote it. An `ActingWebError` (also
 * one thrown by an application hook) answers with its own status, headers,
 * details and message; a Nest `HttpException` (an application hook may throw
 * one) with its status and message; anything else is a 500 that reveals
 * nothing but the request id, logged with its stack. A peer failure
 * (408/502/503) is logged as one warn line.
 */
export function sendError(
  reply: FastifyReply,
  exception: unknown,
  requestId: string | undefined,
  logger: LoggerService,
): FastifyReply {
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
  // Client errors are not ours to log, unless application code (a hook) refused the request.
  if (status >= 500 || status === 408 || hasOrigin(exception)) {
    logFailure(logger, requestId ? `[req ${requestId}] ` : logPrefix(), exception);
  }
  if (reply.sent) return reply;
  reply.status(status).headers(headers).type('application/json; charset=utf-8');
  return reply.send({
    ...details,
    statusCode: status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    ...(status >= 500 && requestId !== undefined && { requestId }),
  });
}

/** Fastify's own errors (body too large, bad media type) carry a 4xx statusCode. */
function isClientError(e: unknown): e is Error & { statusCode: number } {
  const code = (e as { statusCode?: unknown })?.statusCode;
  return e instanceof Error && typeof code === 'number' && code >= 400 && code < 500;
}

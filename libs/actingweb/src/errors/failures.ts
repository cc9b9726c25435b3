import type { LoggerService } from '@nestjs/common';
import { ActingWebError } from './actingweb.errors.js';

/**
 * How failures are reported, the same over REST, JSON-RPC and MCP: an
 * `ActingWebError` answers with its status and message (the application threw
 * it on purpose); anything else is an internal error that reveals nothing.
 */

/** Statuses of `ActingWebError`s that report a peer (or a dependency) failing: expected among peers. */
const PEER_FAILURES: ReadonlySet<number> = new Set([408, 502, 503, 504]);

/** Where a failure came from (e.g. the hook that threw it), for the log line. */
const origins = new WeakMap<object, string>();

/**
 * True for an error that answers the request on purpose: an `ActingWebError`
 * with a 4xx status (the client's mistake, or a refusal) or a peer failure.
 * These are logged as one warn line; anything else is a bug worth a stack.
 */
export function isExpectedFailure(error: unknown): error is ActingWebError {
  return error instanceof ActingWebError && (error.statusCode < 500 || PEER_FAILURES.has(error.statusCode));
}

/** Notes where `error` came from (e.g. `Hook onSearch (action:search)`); the log line names it. */
export function noteOrigin(error: unknown, origin: string): void {
  if (typeof error === 'object' && error !== null) origins.set(error, origin);
}

/** True when {@link noteOrigin} named where the error came from (application code such as a hook). */
export function hasOrigin(error: unknown): boolean {
  return typeof error === 'object' && error !== null && origins.has(error);
}

/**
 * Logs a failure at the level it deserves: an expected failure as one warn line
 * (`<prefix><origin>: 403 ForbiddenError: ...`), anything else as an error with
 * its stack. `prefix` names the request (`[req <id>] `).
 */
export function logFailure(logger: LoggerService, prefix: string, error: unknown): void {
  const origin = typeof error === 'object' && error !== null ? origins.get(error) : undefined;
  const where = `${prefix}${origin ? `${origin}: ` : ''}`;
  if (isExpectedFailure(error)) {
    logger.warn(`${where}${error.statusCode} ${error.name}: ${error.message}`);
    return;
  }
  logger.error(`${where}${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

/**
 * What a client may see of an error: an `ActingWebError`'s message (thrown on
 * purpose, e.g. `BadRequestError('query is required')`), otherwise `fallback`.
 */
export function publicMessage(error: unknown, fallback: string): string {
  return error instanceof ActingWebError ? error.message : fallback;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

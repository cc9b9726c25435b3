import type { FastifyReply } from 'fastify';
import { isPlainObject } from '../common/json.js';

/** Outcome of the hooks behind one request (what `HookInvoker.runMethod`/`runAction`/`runCallback` return). */
export interface HookOutcome {
  /** Some hook answered. */
  readonly handled: boolean;
  readonly result: unknown;
  /** Set when a hook threw: the error is the answer. */
  readonly error?: unknown;
}

/** How one HTTP method of a hook-backed endpoint answers. */
export interface HookAnswerRule {
  /** Status when a hook answered. */
  readonly status: number;
  /**
   * The body when a hook answered: `json` (default), the result as JSON;
   * `empty`, none; `objectOr204`, a plain-object result as JSON, anything else
   * 204 without a body (application callbacks).
   */
  readonly body?: 'json' | 'empty' | 'objectOr204';
  /** The error when no hook answered (none registered, or every one returned None). */
  readonly unanswered: (name: string) => Error;
}

/** A hook-backed endpoint's status table: one rule per HTTP method it serves. */
export type HookStatusTable = Readonly<Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', HookAnswerRule>>>;

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Answers a request served by hooks (methods, actions, resources, application
 * callbacks) from the hooks' outcome and the endpoint's status table: a hook
 * that threw answers with its error (`sendError` turns an
 * `ActingWebError` into its status and message, anything else into a 500);
 * no hook answering is the rule's `unanswered` error; otherwise the rule's
 * status and body. Returns the body for the route handler to return.
 *
 * ```ts
 * const STATUS: HookStatusTable = {
 *   GET: { status: 200, unanswered: (name) => new NotFoundError(`No result for ${name}`) },
 *   DELETE: { status: 204, body: 'empty', unanswered: (name) => new ForbiddenError(`${name} was not deleted`) },
 * };
 * return answerFromHooks(reply, STATUS, 'GET', name, await this.service.call(...));
 * ```
 */
export function answerFromHooks(
  reply: FastifyReply,
  table: HookStatusTable,
  method: keyof HookStatusTable,
  name: string,
  outcome: HookOutcome,
): string | object | undefined {
  const rule = table[method];
  if (!rule) throw new Error(`No status rule for ${method}`);
  if (outcome.error !== undefined) throw outcome.error;
  if (!outcome.handled) throw rule.unanswered(name);
  switch (rule.body ?? 'json') {
    case 'empty':
      reply.status(rule.status);
      return undefined;
    case 'objectOr204':
      if (isPlainObject(outcome.result)) {
        reply.status(rule.status);
        return outcome.result;
      }
      reply.status(204);
      return undefined;
    default:
      // Any JSON value, a bare string included, is sent as JSON.
      reply.status(rule.status).type(JSON_TYPE);
      return JSON.stringify(outcome.result ?? null);
  }
}

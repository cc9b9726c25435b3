import type { FastifyReply } from 'fastify';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors/actingweb.errors.js';
import type { HookListing } from '../hooks/hook-registry.types.js';
import type { HookEndpointKind, JsonRpcAnswer } from './methods-actions.service.js';

/**
 * Status codes of `/methods/<name>` and `/actions/<name>`, as the Python
 * reference answers them (see docs/methods-actions.md):
 *
 * | Request | A hook answered | No hook, or every hook returned null |
 * | --- | --- | --- |
 * | GET | 200 JSON | 404 |
 * | POST | 200 JSON (methods), **201** JSON (actions, as the spec's `/actions` section requires) | 400 |
 * | PUT | 200 JSON | 400 |
 * | DELETE | 204 | 403 |
 *
 * A hook that throws answers with its error. The tables are read by
 * `answerFromHooks` (`http/hook-answer.ts`), which checks their shape.
 */
function statusTable(kind: HookEndpointKind, postStatus: number) {
  const failed = () => new BadRequestError('Processing error', `${kind}_failed`);
  return {
    GET: {
      status: 200,
      unanswered: (name: string) => new NotFoundError(`No result for ${kind} ${name}`, `${kind}_not_found`),
    },
    POST: { status: postStatus, unanswered: failed },
    PUT: { status: 200, unanswered: failed },
    DELETE: {
      status: 204,
      body: 'empty' as const,
      unanswered: (name: string) =>
        new ForbiddenError(`${kind} ${name} was not deleted`, `${kind}_not_deleted`),
    },
  };
}

export const METHOD_STATUS = statusTable('method', 200);
export const ACTION_STATUS = statusTable('action', 201);

/** A listing entry in the Python wire shape: `name, description, input_schema, output_schema, annotations`. */
export function hookListingView(listing: HookListing): Record<string, unknown> {
  return {
    name: listing.name,
    ...(listing.description !== undefined && { description: listing.description }),
    ...(listing.inputSchema !== undefined && { input_schema: listing.inputSchema }),
    ...(listing.outputSchema !== undefined && { output_schema: listing.outputSchema }),
    ...(listing.annotations !== undefined && { annotations: listing.annotations }),
  };
}

/** A JSON-RPC answer with the HTTP status that carries it. */
export function jsonRpcReply(reply: FastifyReply, answer: JsonRpcAnswer): Record<string, unknown> {
  reply.status(answer.status);
  return answer.body;
}

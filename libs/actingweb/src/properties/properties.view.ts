import type { FastifyReply } from 'fastify';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { PropertyPost, PropertyRead } from './property-dispatcher.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/** `GET /properties/<path>`: a simple value that is a string as text (spec: "/properties, GET"); list values, and anything else, as JSON. */
export function sendRead(reply: FastifyReply, read: PropertyRead): unknown {
  if (read.asJson) {
    reply.type(JSON_TYPE);
    return JSON.stringify(read.value);
  }
  if (typeof read.value === 'string') reply.type('text/plain; charset=utf-8');
  return read.value;
}

/**
 * `POST /properties[/<path>]`: 201 with the stored values (bulk), with
 * `{index}` and the item's `Location` (append), or `{success, index}` (an
 * `/items` action that created an item); 204 for an `/items` action that
 * changed or deleted one.
 */
export function sendPost(reply: FastifyReply, actor: ActorHandle, post: PropertyPost): unknown {
  switch (post.kind) {
    case 'stored':
      reply.status(201);
      return post.values;
    case 'appended':
      reply
        .status(201)
        .header('location', `${actor.url}/properties/${encodeURIComponent(post.name)}/${post.index}`);
      return { index: post.index };
    case 'itemCreated':
      reply.status(201);
      return { success: true, index: post.index };
    case 'itemChanged':
      reply.status(204);
      return undefined;
  }
}

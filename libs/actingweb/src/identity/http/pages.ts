import type { FastifyReply } from 'fastify';
import type { RenderedPage } from '../views/view-renderer.js';

/** Sends a rendered page with its security headers (and any extra ones, e.g. `Retry-After`). */
export function sendPage(
  reply: FastifyReply,
  status: number,
  page: RenderedPage,
  extraHeaders: Readonly<Record<string, string>> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers({ ...page.headers, ...extraHeaders })
    .send(page.html);
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const OVERRIDABLE = new Set(['PUT', 'DELETE', 'POST', 'PATCH']);

/**
 * ActingWeb spec, "Definitions" (Root URI): every method other than GET/POST MUST also be reachable with
 * `_method=<METHOD>` in the query; `X-HTTP-Method-Override` MAY be honoured.
 * Fastify routes on the method before any hook runs, so the rewrite happens on
 * the Node request, ahead of Fastify's request listener. Only GET and POST are
 * rewritten, only to PUT/DELETE/POST/PATCH.
 */
export function installMethodOverride(server: Server): void {
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (listeners.some((l) => (l as { awMethodOverride?: boolean }).awMethodOverride)) return;
  server.removeAllListeners('request');
  const overriding = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'POST') {
      const override = requestedOverride(req);
      if (override && !(req.method === 'POST' && override === 'POST')) req.method = override;
    }
    for (const listener of listeners) listener.call(server, req, res);
  };
  (overriding as { awMethodOverride?: boolean }).awMethodOverride = true;
  server.on('request', overriding);
}

function requestedOverride(req: IncomingMessage): string | undefined {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  let candidate: string | undefined;
  if (q >= 0 && url.includes('_method=', q)) {
    candidate = new URLSearchParams(url.slice(q + 1)).get('_method') ?? undefined;
  } else {
    const header = req.headers['x-http-method-override'];
    candidate = Array.isArray(header) ? header[0] : header;
  }
  const upper = candidate?.toUpperCase();
  return upper && OVERRIDABLE.has(upper) ? upper : undefined;
}

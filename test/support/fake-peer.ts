import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A misbehaving "peer" on loopback, for failure tests. */
export interface FakePeer {
  readonly url: string;
  readonly requests: Array<{
    method: string;
    url: string;
    authorization?: string;
    parentRequestId?: string;
    body: string;
  }>;
  close(): Promise<void>;
}

export async function startFakePeer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<FakePeer> {
  const requests: FakePeer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        parentRequestId: req.headers['x-parent-request-id'] as string | undefined,
        body,
      });
      void handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/fakeactor`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `/meta` like an ActingWeb peer, and everything else with `rest`. */
export function metaThen(
  id: string,
  rest: (req: IncomingMessage, res: ServerResponse, body: string) => void,
) {
  return (req: IncomingMessage, res: ServerResponse, body: string) => {
    if (req.url?.endsWith('/meta')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, type: 'urn:actingweb:fake.example:peer' }));
      return;
    }
    rest(req, res, body);
  };
}

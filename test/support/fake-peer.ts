import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** A misbehaving "peer" on loopback, for failure tests. */
export interface FakePeer {
  readonly url: string;
  readonly requests: Array<{
    method: string;
    url: string;
    authorization?: string;
    parentRequestId?: string;
    /** The body as UTF-8 text (compressed bodies: see {@link decodedBody}). */
    body: string;
    /** The body's bytes as received. */
    raw: Buffer;
    contentEncoding?: string;
  }>;
  close(): Promise<void>;
}

export async function startFakePeer(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>,
): Promise<FakePeer> {
  const requests: FakePeer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        parentRequestId: req.headers['x-parent-request-id'] as string | undefined,
        body,
        raw,
        contentEncoding: req.headers['content-encoding'],
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

/** A recorded request's body as text, decompressed by its `Content-Encoding` (gzip, br, deflate). */
export function decodedBody(request: FakePeer['requests'][number]): string {
  switch (request.contentEncoding) {
    case undefined:
      return request.body;
    case 'gzip':
      return gunzipSync(request.raw).toString('utf8');
    case 'br':
      return brotliDecompressSync(request.raw).toString('utf8');
    case 'deflate':
      return inflateSync(request.raw).toString('utf8');
    default:
      throw new Error(`Unexpected Content-Encoding ${request.contentEncoding}`);
  }
}

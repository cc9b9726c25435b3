import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { LOOPBACK } from './loopback.js';

/**
 * A request a fake peer received.
 *
 * @publicApi
 */
export interface FakePeerRequest {
  readonly method: string;
  /**
   * The path below the fake actor's root, without the leading `/` and the
   * query: `meta`, `trust/friend/<actorId>`, `callbacks/subscriptions/<actorId>/<subscriptionId>`.
   */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Request headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The body as text, decompressed when it came with a `Content-Encoding` (gzip, br, deflate). */
  readonly text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  readonly json: unknown;
}

/**
 * How a fake peer answers a request:
 *
 * - an object: `status` (default 200), a `json` body or a text `body`,
 *   `headers`, and `delayMs` to answer late (a slow peer);
 * - `'hang'`: never answer (the caller's timeout fires);
 * - `'drop'`: close the connection without an answer (a peer that crashed);
 * - `'garbage'`: answer bytes that are not HTTP.
 *
 * @publicApi
 */
export type FakeAnswer =
  | {
      readonly status?: number;
      readonly json?: unknown;
      readonly body?: string;
      readonly headers?: Readonly<Record<string, string>>;
      readonly delayMs?: number;
    }
  | 'hang'
  | 'drop'
  | 'garbage';

/** Decides the answer to one request; the server records the request first. */
export type AnswerRequest = (request: FakePeerRequest) => FakeAnswer | Promise<FakeAnswer>;

const decompress = {
  gzip: promisify(gunzip),
  br: promisify(brotliDecompress),
  deflate: promisify(inflate),
} as const;

/** The HTTP side of a fake peer: listens on loopback, records requests, writes answers, can play dead. */
export class FakePeerServer {
  readonly requests: FakePeerRequest[] = [];
  private isDown = false;
  private readonly sockets = new Set<Socket>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  /** The loopback port it listens on. */
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Starts a server on a free loopback port; `root` is the path prefix of the fake actor (`/<id>`). */
  static async start(root: string, answer: AnswerRequest): Promise<FakePeerServer> {
    const server = createServer();
    const instance = new FakePeerServer(server);
    server.on(
      'request',
      (req: IncomingMessage, res: ServerResponse) => void instance.handle(root, req, res, answer),
    );
    server.on('connection', (socket: Socket) => instance.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, LOOPBACK, resolve);
    });
    return instance;
  }

  /** From now on every connection is cut at once, as if the peer were down. */
  down(): void {
    this.isDown = true;
    for (const socket of this.sockets) socket.destroy();
  }

  up(): void {
    this.isDown = false;
  }

  /** Resolves after the next request has been recorded. */
  nextRequest(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private accept(socket: Socket): void {
    if (this.isDown) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(root: string, req: IncomingMessage, res: ServerResponse, answer: AnswerRequest) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake-peer');
    const inside = url.pathname === root || url.pathname.startsWith(`${root}/`);
    const request: FakePeerRequest = {
      method: req.method ?? 'GET',
      path: inside ? url.pathname.slice(root.length).replace(/^\/+/, '') : url.pathname,
      query: url.searchParams,
      headers: req.headers,
      ...(await bodyOf(Buffer.concat(chunks), req.headers['content-encoding'])),
    };
    this.requests.push(request);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    let reply: FakeAnswer;
    try {
      reply = inside
        ? await answer(request)
        : { status: 404, json: { error: 'Not an actor of this fake peer' } };
    } catch (err) {
      reply = { status: 500, json: { error: String(err) } };
    }
    await write(res, reply);
  }
}

async function bodyOf(raw: Buffer, encoding: string | undefined): Promise<{ text: string; json: unknown }> {
  let bytes = raw;
  if (encoding === 'gzip' || encoding === 'br' || encoding === 'deflate')
    bytes = await decompress[encoding](raw);
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { text, json };
}

async function write(res: ServerResponse, reply: FakeAnswer): Promise<void> {
  if (reply === 'hang') return;
  if (reply === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (reply === 'garbage') {
    res.socket?.end('HTTP/1.1 banana\r\nnot a header\r\n\r\n');
    return;
  }
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let body = reply.body ?? '';
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

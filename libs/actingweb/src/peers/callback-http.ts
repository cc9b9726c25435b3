import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { PeerAgents } from './peer-http.js';
import { callablePeerOrigin } from './peer-url.js';

/** A callback's answer: status 0 when there was none (timeout, refused, reset, unparseable). */
export interface CallbackAnswer {
  readonly status: number;
  readonly retryAfter?: string;
}

/** Bytes of a callback answer we read before discarding the rest (the body is never used). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One subscription callback: `POST <baseuri>/<path>` with the trust secret as
 * Bearer and a JSON body (bytes when compressed; `options.headers` then says
 * how), on the peer agents' undici Agent (so the outgoing-request policy
 * applies; a refused subscriber gets status 0).
 * undici's `dispatch` rather than the general peer client or `node:http`: a
 * publisher may send thousands of these per change, only the status (and
 * `Retry-After`) matters, and `dispatch` allocates no request or response
 * stream (docs/benchmarks.md, "Fan-out to 10,000 subscribers"). Never throws.
 */
export function postCallback(
  baseuri: string,
  path: string,
  secret: string,
  body: string | Buffer,
  options: {
    timeoutMs: number;
    agents: Pick<PeerAgents, 'callbacks'>;
    headers?: Record<string, string>;
  },
): Promise<CallbackAnswer> {
  return new Promise((resolve) => {
    // Never sent to a peer root that is not an absolute http(s) URL.
    const root = callablePeerOrigin(baseuri);
    if (root === null) {
      resolve({ status: 0 });
      return;
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json',
      'x-request-id': randomUUID(),
      ...options.headers,
    };
    const exchange = new CallbackExchange(resolve, options.timeoutMs);
    try {
      options.agents.callbacks.dispatch(
        {
          origin: root.origin,
          path: `${root.path}/${path.replace(/^\/+/, '')}`,
          method: 'POST',
          headers,
          body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        exchange,
      );
    } catch {
      // A closed or destroyed agent (shutting down) throws instead of calling back.
      exchange.finish({ status: 0 });
    }
  });
}

/**
 * The handler of one callback's request (undici's `DispatchHandler`): keeps
 * the status and `Retry-After`, drops the body, and answers once, when the
 * response ended, failed or the timeout passed (which also aborts the request).
 */
class CallbackExchange implements Dispatcher.DispatchHandler {
  private answer: CallbackAnswer = { status: 0 };
  private controller: Dispatcher.DispatchController | null = null;
  private bytes = 0;
  private settled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly resolve: (answer: CallbackAnswer) => void,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.timedOut(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // A request still waiting for a connection when its time ran out is aborted once it gets one.
    if (this.settled) controller.abort(new Error('timeout'));
    else this.controller = controller;
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    const retryAfter = headers['retry-after'];
    this.answer = { status: statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > MAX_ANSWER_BYTES) {
      // The status is known; the rest of an oversized answer is not read.
      this.finish(this.answer);
      controller.abort(new Error('callback answer too large'));
    }
  }

  onResponseEnd(): void {
    this.finish(this.answer);
  }

  onResponseError(): void {
    // A failure after the status line (a reset mid-body) still counts as that answer, as with node:http.
    this.finish(this.answer);
  }

  finish(answer: CallbackAnswer): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.controller = null;
    this.resolve(answer);
  }

  private timedOut(): void {
    const controller = this.controller;
    this.finish({ status: 0 });
    controller?.abort(new Error('timeout'));
  }
}

import { randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PeerAgents } from './peer-http.js';
import { joinUrl } from './aw-proxy.service.js';
import { callablePeerUrl } from './peer-url.js';

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
 * how), on the keep-alive agents of every peer call (so the outgoing-request
 * policy applies; a refused subscriber gets status 0).
 * Plain `node:http` rather than the general peer client: a publisher may send
 * thousands of these per change, and only the status (and `Retry-After`)
 * matters. Never throws.
 */
export function postCallback(
  baseuri: string,
  path: string,
  secret: string,
  body: string | Buffer,
  options: { timeoutMs: number; agents: PeerAgents; headers?: Record<string, string> },
): Promise<CallbackAnswer> {
  return new Promise((resolve) => {
    // Never sent to a peer root that is not an absolute http(s) URL.
    if (callablePeerUrl(baseuri) === null) {
      resolve({ status: 0 });
      return;
    }
    const url = new URL(joinUrl(baseuri, path));
    const https = url.protocol === 'https:';
    let settled = false;
    const done = (answer: CallbackAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: https ? options.agents.https : options.agents.http,
        headers: {
          authorization: `Bearer ${secret}`,
          'content-type': 'application/json; charset=utf-8',
          'content-length': typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length,
          accept: 'application/json',
          'x-request-id': randomUUID(),
          ...options.headers,
        },
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const answer = { status: res.statusCode ?? 0, retryAfter: header(res.headers, 'retry-after') };
        res.on('end', () => done(answer));
        res.on('close', () => done(answer));
        res.on('error', () => done(answer));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      done({ status: 0 });
    }, options.timeoutMs);
    req.on('error', () => done({ status: 0 }));
    req.end(body);
  });
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

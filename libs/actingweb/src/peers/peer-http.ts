import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { OutgoingRequestPolicy } from './outgoing-request-policy.js';

/** Largest peer response body we read (bytes). */
export const MAX_PEER_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Sockets per peer host, at least: a publisher's callbacks to one host may use up to `maxConcurrentCallbacks`. */
const MIN_SOCKETS_PER_HOST = 256;
const POOL: AgentOptions = { keepAlive: true, maxFreeSockets: 64 };

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/**
 * The keep-alive agent pair every peer call of this server goes through (AwProxy
 * and subscription callbacks): connections to a peer are reused across requests
 * (the Python reference opens a new client per call). Each new connection is
 * checked against the {@link OutgoingRequestPolicy}: host names in the agents'
 * `lookup`, IP literals (which Node connects to without a lookup) in
 * `createConnection`. A refused connection fails like an unreachable peer.
 */
@Injectable()
export class PeerAgents implements OnApplicationShutdown {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;

  constructor(
    @Inject(OutgoingRequestPolicy) policy: OutgoingRequestPolicy,
    @Inject(AwConfig) config: AwConfig,
  ) {
    // Many subscribers are often actors of one host: its sockets must not cap the callback concurrency.
    const maxSockets = Math.max(MIN_SOCKETS_PER_HOST, config.subscriptions.maxConcurrentCallbacks);
    const options = { ...POOL, maxSockets, lookup: policy.lookup };
    this.http = new (class extends HttpAgent {
      override createConnection(args: ClientRequestArgs, callback?: ConnectCallback) {
        return refuseLiteral(policy, args.host, callback)
          ? undefined
          : super.createConnection(args, callback);
      }
    })(options);
    this.https = new (class extends HttpsAgent {
      override createConnection(args: RequestOptions, callback?: ConnectCallback) {
        return refuseLiteral(policy, args.host, callback)
          ? undefined
          : super.createConnection(args, callback);
      }
    })(options);
  }

  onApplicationShutdown(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Fails the connection (through `callback`, as Agent expects) when `host` is an IP literal the policy refuses. */
function refuseLiteral(
  policy: OutgoingRequestPolicy,
  host: string | null | undefined,
  callback: ConnectCallback | undefined,
): boolean {
  const refusal = policy.refusalOfLiteral(host);
  if (!refusal) return false;
  process.nextTick(() => callback?.(refusal, undefined as never));
  return true;
}

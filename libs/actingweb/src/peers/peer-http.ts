import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Agent as UndiciAgent, buildConnector } from 'undici';
import { AwConfig } from '../config/aw-config.js';
import { OutgoingRequestPolicy } from './outgoing-request-policy.js';

/** Largest peer response body we read (bytes). */
export const MAX_PEER_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Sockets per peer host, at least: a publisher's callbacks to one host may use up to `maxConcurrentCallbacks`. */
const MIN_SOCKETS_PER_HOST = 256;
const POOL: AgentOptions = { keepAlive: true, maxFreeSockets: 64 };

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/**
 * The keep-alive agents every peer call of this server goes through:
 * connections to a peer are reused across requests (the Python reference
 * opens a new client per call). `http`/`https` serve AwProxy and metadata
 * fetches; `callbacks` (undici) serves subscription callbacks, which a
 * publisher sends by the thousand per change and which it allocates far less
 * for (docs/benchmarks.md, "Fan-out to 10,000 subscribers"). Each new
 * connection of any of them is checked against the {@link OutgoingRequestPolicy}:
 * host names in the `lookup`, IP literals (which Node connects to without a
 * lookup) before connecting. A refused connection fails like an unreachable peer.
 */
@Injectable()
export class PeerAgents implements OnApplicationShutdown {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  readonly callbacks: UndiciAgent;

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
    this.callbacks = policedUndiciAgent(policy, {
      connections: maxSockets,
      connectTimeoutMs: config.subscriptions.callbackTimeoutMs,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.http.destroy();
    this.https.destroy();
    await this.callbacks.destroy();
  }
}

/**
 * An undici Agent (keep-alive, up to `connections` per origin) whose every
 * connection obeys `policy`, as the node agents above do. `tls` adds TLS
 * options (tests trust their own certificate this way).
 */
export function policedUndiciAgent(
  policy: OutgoingRequestPolicy,
  options: { connections: number; connectTimeoutMs?: number; tls?: ConnectionOptions },
): UndiciAgent {
  const connect = buildConnector({
    ...options.tls,
    lookup: policy.lookup,
    timeout: options.connectTimeoutMs,
  });
  return new UndiciAgent({
    connections: options.connections,
    connect: (target, callback) => {
      const refusal = policy.refusalOfLiteral(target.hostname);
      if (refusal) process.nextTick(callback, refusal, null);
      else connect(target, callback);
    },
  });
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

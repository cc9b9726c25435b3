import { randomUUID } from 'node:crypto';
import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AxiosError, AxiosResponse, Method } from 'axios';
import pLimit from 'p-limit';
import { firstValueFrom } from 'rxjs';
import secureJson from 'secure-json-parse';
import { AwConfig } from '../config/aw-config.js';
import {
  PeerBadGatewayError,
  PeerTimeoutError,
  ServiceUnavailableError,
} from '../errors/actingweb.errors.js';
import { currentRequestId, logPrefix } from '../common/request-context.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { OUTGOING_REQUEST_REFUSED } from './outgoing-request-policy.js';
import { MAX_PEER_RESPONSE_BYTES, PeerAgents } from './peer-http.js';
import { callablePeerUrl } from './peer-url.js';

/** Where to send a peer request: the peer's root URL and, for authenticated calls, the trust secret. @publicApi */
export interface PeerTarget {
  readonly baseuri: string;
  readonly secret?: string;
}

/** A peer's answer. Non-2xx answers are returned, not thrown; only transport failures throw. @publicApi */
export interface PeerResponse<T = unknown> {
  readonly status: number;
  /** Parsed JSON, or the raw text when the body is not JSON, or undefined when empty. */
  readonly data: T;
  readonly headers: Readonly<Record<string, string>>;
  /** The `Location` header resolved to an absolute URL (peers may send relative ones). */
  readonly location?: string;
}

/** Options of one peer call. @publicApi */
export interface PeerCallOptions {
  /** Override the configured per-call timeout (ms). */
  timeoutMs?: number;
  /** Query parameters. */
  params?: Record<string, string>;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** What `GET <peer>/meta` told us. @publicApi */
export interface PeerInfo {
  id: string;
  type: string;
  supported: string[];
  version?: string;
  meta: Record<string, unknown>;
}

/**
 * One finished peer call, for metrics: `outcome` is the status class (`2xx`,
 * `4xx`, ...) or the transport failure (`timeout`, `unreachable`, `bad_gateway`).
 */
export interface PeerCallRecord {
  readonly method: string;
  readonly outcome: string;
  readonly seconds: number;
}

/**
 * Calls other actors (the Python reference's `AwProxy`), on `@nestjs/axios`: keep-alive
 * connections, a per-call timeout, `Authorization: Bearer <trust secret>`,
 * `X-Request-ID`/`X-Parent-Request-ID` propagation, JSON parsed safely.
 * Transport failures map to the protocol's statuses: timeout → 408,
 * unreachable → 503, TLS → 502. A peer the outgoing-request policy refuses
 * (docs/security.md) is unreachable. Redirects are not followed, and
 * `HTTP(S)_PROXY` is not used (the policy checks the address we connect to).
 * Never blocks the event loop.
 *
 * @publicApi
 */
@Injectable()
export class AwProxy {
  private readonly logger = new Logger('AwProxy');
  private readonly observers: ((call: PeerCallRecord) => void)[] = [];

  constructor(
    @Inject(HttpService) private readonly http: HttpService,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Inject(PeerAgents) private readonly agents: PeerAgents,
  ) {}

  /** Calls `observer` after every peer call (ops/ metrics). */
  observeCalls(observer: (call: PeerCallRecord) => void): void {
    this.observers.push(observer);
  }

  /** The target for an existing trust of `actorId` with `peerId`, or null when there is none. */
  async targetFor(actorId: string, peerId: string): Promise<PeerTarget | null> {
    const trust = await this.trusts.get(actorId, peerId);
    return trust ? { baseuri: trust.baseuri, secret: trust.secret } : null;
  }

  getResource<T = unknown>(
    target: PeerTarget,
    path: string,
    options?: PeerCallOptions,
  ): Promise<PeerResponse<T>> {
    return this.request<T>(target, 'GET', path, undefined, options);
  }

  createResource<T = unknown>(
    target: PeerTarget,
    path: string,
    body: unknown,
    options?: PeerCallOptions,
  ): Promise<PeerResponse<T>> {
    return this.request<T>(target, 'POST', path, body, options);
  }

  changeResource<T = unknown>(
    target: PeerTarget,
    path: string,
    body: unknown,
    options?: PeerCallOptions,
  ): Promise<PeerResponse<T>> {
    return this.request<T>(target, 'PUT', path, body, options);
  }

  deleteResource<T = unknown>(
    target: PeerTarget,
    path: string,
    options?: PeerCallOptions,
  ): Promise<PeerResponse<T>> {
    return this.request<T>(target, 'DELETE', path, undefined, options);
  }

  /**
   * `GET <url>/meta` without credentials. Accepts the spec's nested shape and
   * the flat keys of Python peers; throws PeerBadGatewayError when the answer
   * has no usable `id` and `type`.
   */
  async getPeerInfo(url: string, options?: PeerCallOptions): Promise<PeerInfo> {
    const response = await this.request<Record<string, unknown>>(
      { baseuri: url },
      'GET',
      'meta',
      undefined,
      options,
    );
    const meta = response.data;
    if (response.status !== 200 || typeof meta !== 'object' || meta === null) {
      throw new PeerBadGatewayError(
        `Peer ${url} did not answer /meta (status ${response.status})`,
        'peer_meta_unavailable',
        response.status,
      );
    }
    const nested = (meta.actingweb ?? {}) as Record<string, unknown>;
    const id = meta.id;
    const type = meta.type;
    if (typeof id !== 'string' || !id || typeof type !== 'string' || !type) {
      throw new PeerBadGatewayError(`Peer ${url} answered /meta without id and type`, 'peer_meta_invalid');
    }
    const supportedRaw = meta.aw_supported ?? nested.supported ?? '';
    return {
      id,
      type,
      supported:
        typeof supportedRaw === 'string'
          ? supportedRaw
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
      version:
        typeof (meta.aw_version ?? nested.version) === 'string'
          ? String(meta.aw_version ?? nested.version)
          : undefined,
      meta,
    };
  }

  /**
   * Runs `task` for every item, at most `concurrency` at a time (default: the
   * configured `peers.maxConcurrency`), and settles all of them.
   */
  async fanOut<T, R>(
    items: readonly T[],
    task: (item: T) => Promise<R>,
    concurrency = this.config.peerMaxConcurrency,
  ) {
    const limit = pLimit(concurrency);
    return Promise.allSettled(items.map((item) => limit(() => task(item))));
  }

  /** One call to a peer. `path` is relative to the peer root (`trust/friend/<id>`); a leading `/` is ignored. */
  async request<T = unknown>(
    target: PeerTarget,
    method: Method,
    path: string,
    body?: unknown,
    options: PeerCallOptions = {},
  ): Promise<PeerResponse<T>> {
    if (callablePeerUrl(target.baseuri) === null) {
      // Nothing is sent: a peer root that is not an absolute http(s) URL is unreachable by definition.
      throw new ServiceUnavailableError('Peer root is not an absolute http(s) URL', 'peer_unreachable');
    }
    const url = joinUrl(target.baseuri, path);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-request-id': randomUUID(),
      ...(options.headers ?? {}),
    };
    const parent = currentRequestId();
    if (parent) headers['x-parent-request-id'] = parent;
    if (target.secret) headers.authorization = `Bearer ${target.secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';

    let response: AxiosResponse<string>;
    const started = performance.now();
    try {
      response = await firstValueFrom(
        this.http.request<string>({
          url,
          method,
          headers,
          params: options.params,
          data: body === undefined ? undefined : JSON.stringify(body),
          timeout: options.timeoutMs ?? this.config.peerTimeoutMs,
          responseType: 'text',
          transformResponse: (raw: unknown) => raw,
          validateStatus: () => true,
          maxRedirects: 0,
          maxContentLength: MAX_PEER_RESPONSE_BYTES,
          httpAgent: this.agents.http,
          httpsAgent: this.agents.https,
          proxy: false,
        }),
      );
    } catch (err) {
      const failure = this.transportError(err as AxiosError, method, url);
      this.observed(method, started, outcomeOf(failure));
      throw failure;
    }
    this.observed(method, started, `${Math.floor(response.status / 100)}xx`);
    const responseHeaders = flattenHeaders(response.headers as Record<string, unknown>);
    const location = responseHeaders.location ? new URL(responseHeaders.location, url).href : undefined;
    return {
      status: response.status,
      data: parseBody(response.data) as T,
      headers: responseHeaders,
      location,
    };
  }

  private observed(method: string, started: number, outcome: string): void {
    if (this.observers.length === 0) return;
    const call = { method: method.toUpperCase(), outcome, seconds: (performance.now() - started) / 1000 };
    for (const observer of this.observers) observer(call);
  }

  private transportError(err: AxiosError, method: string, url: string): Error {
    const code = err.code ?? '';
    if (code === OUTGOING_REQUEST_REFUSED) {
      // The policy has logged the refusal (with the address) already.
      return new ServiceUnavailableError(
        `Peer at ${url} is unreachable: refused by the outgoing-request policy`,
        'peer_unreachable',
      );
    }
    // Secrets never reach logs: only method, URL and the error code.
    this.logger.warn(`${logPrefix()}${method} ${url} failed: ${code || err.message}`);
    if (
      code === 'ECONNABORTED' ||
      code === 'ETIMEDOUT' ||
      code === 'ERR_CANCELED' ||
      /timeout/i.test(err.message)
    ) {
      return new PeerTimeoutError(`Peer at ${url} did not answer in time`);
    }
    if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate|ssl|tls/i.test(err.message)) {
      return new PeerBadGatewayError(`TLS with peer at ${url} failed`, 'peer_tls');
    }
    if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || /maxContentLength/i.test(err.message)) {
      return new PeerBadGatewayError(
        `Peer at ${url} answered with a body over ${MAX_PEER_RESPONSE_BYTES} bytes`,
        'peer_response_too_large',
      );
    }
    return new ServiceUnavailableError(`Peer at ${url} is unreachable`, 'peer_unreachable');
  }
}

function outcomeOf(failure: Error): string {
  if (failure instanceof PeerTimeoutError) return 'timeout';
  if (failure instanceof PeerBadGatewayError) return 'bad_gateway';
  return 'unreachable';
}

/** `https://a/b/` + `/trust/x` → `https://a/b/trust/x` (peer roots may or may not end with `/`). */
export function joinUrl(base: string, path: string): string {
  const root = base.endsWith('/') ? base : base + '/';
  return root + path.replace(/^\/+/, '');
}

function parseBody(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  try {
    return secureJson.parse(raw, undefined, { protoAction: 'remove', constructorAction: 'remove' });
  } catch {
    return raw;
  }
}

function flattenHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null)
      out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

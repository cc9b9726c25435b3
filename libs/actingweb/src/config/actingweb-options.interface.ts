import type { IdentityOptions } from './identity-options.js';
import type { TrustTypeDefinition } from './trust-types.js';
import type { WwwOptions } from './www-options.js';

/**
 * Options of `ActingWebModule.forRoot()` / `forRootAsync()`.
 * Every field except `type` and `baseUrl` has a default; see `docs/configuration.md`.
 *
 * @publicApi
 */
export interface ActingWebModuleOptions {
  /** Mini-app type URN, `urn:actingweb:<namespace you own>:<name>`. */
  type: string;
  /** Public root URL of this server; actor URLs are `<baseUrl><actorId>`. A trailing `/` is added if missing. */
  baseUrl: string;
  /** Human description served at `/meta/desc`; `{id}` is replaced by the actor id. */
  description?: string;
  /** Mini-app version served at `/meta/version` (`a.b` or `a.b.c`). Default `1.0`. */
  version?: string;
  /** ActingWeb specification version served at `/meta/actingweb/version`. Default `1.4`. */
  specVersion?: string;
  /** URL of a page about the mini-app; `/meta/info` redirects there. */
  info?: string;
  /** Free-text specification reference served at `/meta/specification`. */
  specification?: string;
  /** Formats advertised at `/meta/actingweb/formats`. Default `['json']`. */
  formats?: string[];
  /** Extra option tags to advertise in `/meta/actingweb/supported` (for endpoints your app adds). */
  optionTags?: string[];
  /** Trust relationship new peers get when they ask for none; a built-in or `trustTypes` name. Default `associate`. */
  defaultRelationship?: string;
  /**
   * App-defined trust types (relationships) with their base permissions, in
   * addition to the built-ins (`associate`, `viewer`, `friend`, `partner`,
   * `admin`, `mcp_client`, `proxy`). A type named like a built-in replaces it.
   * Names are lowercase (`/^[a-z][a-z0-9_-]{0,63}$/`) and unique; `permissions`
   * use the wire format of `/trust/<rel>/<peer>/permissions` and are validated
   * at startup. Default none.
   */
  trustTypes?: TrustTypeDefinition[];
  /** Relationships approved automatically when a peer requests them. Default none. */
  autoApprove?: string[];
  /** Enable the `/devtest` endpoints (never in production). Default `false`. */
  devtest?: boolean;
  /** At most one actor per creator name. Default `false`. */
  uniqueCreator?: boolean;
  /**
   * Property names `ActorService.findByProperty(name, value)` can look actors
   * up by, e.g. `['email']`. Only string values are indexed, one actor per
   * value (the first holder keeps it); see `docs/properties.md#finding-actors`.
   * Values stored before a name was listed are indexed once at the next
   * startup. Default none.
   */
  indexedProperties?: string[];
  /** Where actors live. Default: embedded SQLite at `./data/actingweb.sqlite`. */
  storage?: StorageOptions;
  /** Largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Deepest JSON nesting accepted in a request body; deeper bodies get 400. Default 64. */
  maxJsonDepth?: number;
  /**
   * Carry the request id through async work (AsyncLocalStorage), so log lines
   * and calls to peers made while serving a request name it (`X-Parent-Request-ID`).
   * Default: on for Node.js 22 and later; off on Node.js 20, where
   * AsyncLocalStorage hooks every promise and cost about 20% of the CPU of a
   * property read in our measurements (docs/benchmarks.md). Responses always
   * carry `X-Request-ID` either way.
   */
  requestContext?: boolean;
  /** Peer HTTP settings. */
  peers?: PeerOptions;
  /** Limits on trust requests from peers; see `docs/trust.md`. */
  trust?: TrustOptions;
  /** Subscription callback delivery (publisher side); see `docs/subscriptions.md`. */
  subscriptions?: SubscriptionOptions;
  /** The MCP server at `/mcp` and `/{actorId}/mcp`; see `docs/mcp.md`. Enabled by default. */
  mcp?: McpOptions;
  /**
   * Identity: people sign in, and MCP clients connect with standard OAuth 2.1
   * (an authorization server at `/oauth/*`); see `docs/identity.md`. Off unless given.
   */
  identity?: IdentityOptions;
  /**
   * The owner's web console at `/<actorId>/www` (properties, trust,
   * subscriptions, connected clients); see `docs/www.md`. On by default;
   * `false` turns it off.
   */
  www?: boolean | WwwOptions;
  // --- Operations (docs/operations.md) ---
  /** `GET /health` (live) and `GET /ready` (database reachable, migrations applied). `true` = defaults. Default off. */
  health?: boolean | HealthOptions;
  /** Prometheus metrics at `GET /metrics`. `true` = defaults. Default off. */
  metrics?: boolean | MetricsOptions;
}

/** Liveness and readiness routes; see `docs/operations.md`. @publicApi */
export interface HealthOptions {
  /** Serve the two routes. Default `true` when the block is given. */
  enabled?: boolean;
  /** Liveness: 200 while the process serves HTTP. Default `/health`. */
  livePath?: string;
  /** Readiness: 200 when the database answers and every migration is applied, else 503. Default `/ready`. */
  readyPath?: string;
  /** How long the readiness check waits for the database, in ms. Default 2000. */
  timeoutMs?: number;
}

/** Prometheus metrics; see `docs/operations.md`. @publicApi */
export interface MetricsOptions {
  /** Serve the metrics and count requests. Default `true` when the block is given. */
  enabled?: boolean;
  /** Where the metrics are served. Default `/metrics`. */
  path?: string;
  /**
   * When set, `/metrics` answers only `Authorization: Bearer <token>` (compared in
   * constant time), others get 401. At least 16 characters. Default none (open:
   * keep the path off the public network then).
   */
  bearerToken?: string;
  /** Also export Node.js process metrics (CPU, memory, heap, event-loop lag, GC). Default `true`. */
  defaultMetrics?: boolean;
}

/** @publicApi */
export interface McpOptions {
  /** Serve MCP (and advertise the `mcp` option tag). Default `true`. */
  enabled?: boolean;
  /** `serverInfo.name` in the `initialize` result. Default `actingweb`. */
  serverName?: string;
  /** `instructions` in the `initialize` result (a hint for the AI client). Default none. */
  instructions?: string;
  /**
   * Browser origins (e.g. `http://localhost:6274` for the MCP Inspector) that
   * may call MCP besides this server's own; `*` allows any. Requests with any
   * other `Origin` get 403 (MCP 2025-11-25). Clients that send no `Origin` are
   * not affected. Default none.
   */
  allowedOrigins?: string[];
  /**
   * Items per page of `tools/list`, `prompts/list`, `resources/list` and
   * `resources/templates/list`; longer lists get a `nextCursor`. Default 100.
   */
  pageSize?: number;
  /**
   * `ttlMs` of cacheable 2026-07-28 results (lists, `resources/read`,
   * `server/discover`): how long a client may consider them fresh. Default 0:
   * lists are filtered by the caller's trust permissions, which may change
   * at any time, and no list-changed notifications are sent.
   */
  cacheTtlMs?: number;
  /**
   * Development mode: tool results are checked against the tool's
   * `outputSchema`, and a mismatch is a `-32603` error naming the failing
   * path (in production the check is skipped). Default: on when `NODE_ENV`
   * is `development` or `test`.
   */
  developmentMode?: boolean;
}

/** @publicApi */
export interface SubscriptionOptions {
  /** Callbacks in flight at once, over all subscribers. Default 256. */
  maxConcurrentCallbacks?: number;
  /** Per-callback timeout, in ms. Default 10000. */
  callbackTimeoutMs?: number;
  /**
   * Retries of a failed callback (network error, timeout, 429, 5xx). Default none:
   * delivery is at most once, as the protocol asks; the subscriber recovers by polling.
   * Delays double from `baseDelayMs`; a 429/503 `Retry-After` is honoured.
   */
  retries?: { attempts: number; baseDelayMs: number };
  /** Largest high-granularity callback body, in bytes; larger ones go out as low granularity. Default 262144. */
  maxCallbackBytes?: number;
  /** Per-peer circuit breaker: open after `threshold` consecutive failures, for `cooldownMs`, then one probe. Default 5 / 60000. */
  breaker?: { threshold: number; cooldownMs: number };
  /**
   * PostgreSQL: callbacks are claimed from the database, so instances sharing it share the
   * sending and one that dies is covered by the others (docs/subscriptions.md, "Delivery across
   * instances"). `leaseMs`: how long a subscription's callback in flight holds back its next one
   * when the instance sending it stops answering (renewed while it is alive). `pollMs`: how often
   * an instance looks for callbacks nobody has claimed (besides being woken by NOTIFY).
   * Default 5000 / 1000. `false`: each instance sends the callbacks of its own writes in-process,
   * as on SQLite (faster fan-out, but callbacks an instance had not sent when it died are not
   * sent; their diffs stay pollable). Not used on SQLite.
   */
  outbox?: false | { leaseMs?: number; pollMs?: number };
}

/** @publicApi */
export interface TrustOptions {
  /**
   * Unapproved trust requests (`POST /<id>/trust/<rel>`, anyone may send one)
   * one actor keeps at most; beyond it new requests get 429 with `Retry-After`
   * until the creator approves or deletes some. Approved trusts never count.
   * Default 100.
   */
  maxPendingRequests?: number;
}

/** @publicApi */
export interface PeerOptions {
  /** Per-call timeout for requests to peers, in ms. Default 5000. */
  timeoutMs?: number;
  /** How many peer calls one fan-out runs at once. Default 32. */
  maxConcurrency?: number;
  /**
   * Host names peer calls may reach even when they resolve to a loopback,
   * private, link-local or other special-purpose address, which the
   * outgoing-request policy refuses by default (see `docs/security.md`).
   * Exact names (`peer.internal`) or `*.` suffixes (`*.svc.cluster.local`);
   * an IP address here counts as an `allowedCidrs` entry. Default none.
   */
  allowedHosts?: string[];
  /** Address ranges (`10.0.0.0/8`, `fd00::/8`) or addresses peer calls may reach despite the policy. Default none. */
  allowedCidrs?: string[];
  /**
   * Allow peers on the same class of special-purpose address as `baseUrl`'s
   * host (loopback for `http://localhost:3000/`, private for
   * `http://192.168.1.20/`), so local development needs no list. Default `true`.
   */
  allowBaseUrlClass?: boolean;
}

/**
 * Storage backend.
 * - `sqlite`: embedded, zero setup. `filename` is a path, or `:memory:` (tests).
 * - `postgres`: production and scale-out; several instances may share one database.
 *
 * @publicApi
 */
export type StorageOptions =
  | { type: 'sqlite'; filename?: string }
  | {
      type: 'postgres';
      /** e.g. `postgres://user:pass@host:5432/db` */
      connectionString: string;
      /** Schema for the ActingWeb tables (created if missing). Default: the connection's `search_path`. */
      schema?: string;
      /** Pool size. Default 10. */
      poolSize?: number;
    };

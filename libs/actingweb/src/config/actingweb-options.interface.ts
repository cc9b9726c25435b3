import type { TrustTypeDefinition } from '../trust/trust-types.js';

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
  /** Where actors live. Default: embedded SQLite at `./data/actingweb.sqlite`. */
  storage?: StorageOptions;
  /** Largest request body accepted, in bytes; larger bodies get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** Deepest JSON nesting accepted in a request body; deeper bodies get 400. Default 64. */
  maxJsonDepth?: number;
  /** Peer HTTP settings. */
  peers?: PeerOptions;
}

/** @publicApi */
export interface PeerOptions {
  /** Per-call timeout for requests to peers, in ms. Default 5000. */
  timeoutMs?: number;
  /** How many peer calls one fan-out runs at once. Default 32. */
  maxConcurrency?: number;
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

/** Extras decided synchronously, even for `forRootAsync`. @publicApi */
export interface ActingWebModuleExtras {
  /** Register the module globally. Default `true`. */
  isGlobal?: boolean;
}

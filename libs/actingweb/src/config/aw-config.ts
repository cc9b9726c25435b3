import {
  ACTINGWEB_SPEC_VERSION,
  BUILT_IN_OPTION_TAGS,
  DEFAULT_SQLITE_FILENAME,
} from './actingweb.constants.js';
import type {
  ActingWebModuleOptions,
  StorageOptions,
  SubscriptionOptions,
} from './actingweb-options.interface.js';
import { ActingWebError } from '../errors/actingweb.errors.js';
import { normalizeOverride } from '../common/permission-override.js';
import { BUILT_IN_TRUST_TYPES, type TrustTypeDefinition } from './trust-types.js';
import { RESERVED_ROLE_NAMES } from '../common/relationship-name.js';
import { propertySegmentProblem } from '../common/property-name.js';
import { resolveMcpOptions, type ResolvedMcpOptions } from './mcp-options.js';
import {
  resolveOutgoingRequestOptions,
  type ResolvedOutgoingRequestOptions,
} from './outgoing-request-options.js';
import { resolveIdentityOptions, type ResolvedIdentityOptions } from './identity-options.js';
import {
  checkOpsPaths,
  resolveHealthOptions,
  resolveMetricsOptions,
  type ResolvedHealthOptions,
  type ResolvedMetricsOptions,
} from './ops-options.js';
import { ActingWebConfigError } from '../errors/startup-errors.js';
import { resolveWwwOptions, type ResolvedWwwOptions } from './www-options.js';

/**
 * The resolved, validated, frozen configuration every service reads.
 * Built once by {@link resolveConfig}; inject it with `@Inject(AwConfig)`.
 *
 * @publicApi
 */
export class AwConfig {
  readonly type!: string;
  /** Public root URL with a trailing `/`. */
  readonly root!: string;
  readonly description!: string;
  readonly version!: string;
  readonly specVersion!: string;
  readonly info!: string | null;
  readonly specification!: string | null;
  readonly formats!: readonly string[];
  /** Option tags advertised in `/meta/actingweb/supported`. */
  readonly optionTags!: readonly string[];
  readonly defaultRelationship!: string;
  /** App-defined trust types, validated and normalized (an entry named like a built-in replaces it). */
  readonly trustTypes!: readonly Readonly<TrustTypeDefinition>[];
  readonly autoApprove!: readonly string[];
  readonly devtest!: boolean;
  readonly uniqueCreator!: boolean;
  /** Property names kept in the lookup table for `ActorService.findByProperty` (option `indexedProperties`). */
  readonly indexedProperties!: readonly string[];
  readonly storage!: Readonly<StorageOptions>;
  readonly bodyLimit!: number;
  readonly maxJsonDepth!: number;
  /** Whether the request id is carried through async work (see the option). */
  readonly requestContext!: boolean;
  readonly peerTimeoutMs!: number;
  readonly peerMaxConcurrency!: number;
  /** Unapproved inbound trust requests kept per actor (`trust.maxPendingRequests`). */
  readonly maxPendingTrustRequests!: number;
  /** Exceptions to the outgoing-request policy (`peers.allowedHosts`, `peers.allowedCidrs`). */
  readonly outgoingRequests!: ResolvedOutgoingRequestOptions;
  /** The `realm` of `WWW-Authenticate: Basic` challenges (the host of `root`). */
  readonly authRealm!: string;
  /** Subscription callback delivery, with defaults applied. */
  readonly subscriptions!: Readonly<ResolvedSubscriptionOptions>;
  /** Callbacks claimed from PostgreSQL (`subscriptions.outbox`), with defaults applied; null when turned off. */
  readonly callbackOutbox!: Readonly<{ leaseMs: number; pollMs: number }> | null;
  /** The MCP server settings, with defaults applied. */
  readonly mcp!: ResolvedMcpOptions;
  /** Identity (OAuth authorization server, sign-in), with defaults applied; null when off. */
  readonly identity!: ResolvedIdentityOptions | null;
  /** `/health` and `/ready` (docs/operations.md). */
  readonly health!: ResolvedHealthOptions;
  /** `/metrics` (docs/operations.md). */
  readonly metrics!: ResolvedMetricsOptions;
  /** The owner's web console (docs/www.md). */
  readonly www!: ResolvedWwwOptions;

  constructor(values: Omit<AwConfig, 'actorUrl' | 'describe'>) {
    Object.assign(this, values);
    Object.freeze(this);
  }

  /** Absolute root URL of an actor (no trailing slash). */
  actorUrl(actorId: string): string {
    return this.root + actorId;
  }

  /** `/meta/desc` text for an actor. */
  describe(actorId: string): string {
    return this.description.replaceAll('{id}', actorId);
  }
}

const TYPE_URN = /^urn:actingweb:[^\s:]+:[^\s]+$/;
const VERSION = /^\d+\.\d+(\.\d+)?$/;
const TAG = /^[a-z0-9_-]+$/;
const TRUST_TYPE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const TRUST_TYPE_KEYS = ['name', 'displayName', 'description', 'permissions'];

/**
 * Applies defaults and validates options. Throws one ActingWebConfigError listing every
 * problem, so a misconfigured app fails at startup with a clear message.
 */
export function resolveConfig(options: ActingWebModuleOptions): AwConfig {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<ActingWebModuleOptions>;

  if (typeof o.type !== 'string' || !TYPE_URN.test(o.type)) {
    problems.push(
      `type must be a URN like "urn:actingweb:example.com:notes" (got ${JSON.stringify(o.type)})`,
    );
  }
  let root = '';
  if (typeof o.baseUrl !== 'string') {
    problems.push('baseUrl is required, e.g. "https://example.com/"');
  } else {
    try {
      const url = new URL(o.baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
      if (url.search || url.hash) throw new Error('query');
      root = url.href.endsWith('/') ? url.href : url.href + '/';
    } catch {
      problems.push(
        `baseUrl must be an absolute http(s) URL without query or fragment (got ${JSON.stringify(o.baseUrl)})`,
      );
    }
  }
  const version = o.version ?? '1.0';
  if (!VERSION.test(version))
    problems.push(`version must look like "1.0" or "1.2.3" (got ${JSON.stringify(version)})`);
  const specVersion = o.specVersion ?? ACTINGWEB_SPEC_VERSION;
  if (!VERSION.test(specVersion))
    problems.push(`specVersion must look like "1.4" (got ${JSON.stringify(specVersion)})`);

  const extraTags = o.optionTags ?? [];
  if (!Array.isArray(extraTags) || extraTags.some((t) => typeof t !== 'string' || !TAG.test(t))) {
    problems.push('optionTags must be lowercase words such as "www"');
  }
  const formats = o.formats ?? ['json'];
  if (!Array.isArray(formats) || formats.some((f) => typeof f !== 'string' || !TAG.test(f))) {
    problems.push('formats must be format names such as "json"');
  }
  const autoApprove = o.autoApprove ?? [];
  if (!Array.isArray(autoApprove) || autoApprove.some((r) => typeof r !== 'string' || !r)) {
    problems.push('autoApprove must be a list of relationship names');
  }
  const bodyLimit = o.bodyLimit ?? 1024 * 1024;
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024)
    problems.push('bodyLimit must be an integer number of bytes >= 1024');
  if (o.requestContext !== undefined && typeof o.requestContext !== 'boolean')
    problems.push('requestContext must be true or false');
  const maxJsonDepth = o.maxJsonDepth ?? 64;
  if (!Number.isInteger(maxJsonDepth) || maxJsonDepth < 1 || maxJsonDepth > 1000) {
    problems.push('maxJsonDepth must be an integer from 1 to 1000');
  }
  const peerTimeoutMs = o.peers?.timeoutMs ?? 5000;
  if (!Number.isInteger(peerTimeoutMs) || peerTimeoutMs < 1)
    problems.push('peers.timeoutMs must be a positive integer');
  const peerMaxConcurrency = o.peers?.maxConcurrency ?? 32;
  if (!Number.isInteger(peerMaxConcurrency) || peerMaxConcurrency < 1) {
    problems.push('peers.maxConcurrency must be a positive integer');
  }
  const maxPendingTrustRequests = o.trust?.maxPendingRequests ?? 100;
  if (!Number.isInteger(maxPendingTrustRequests) || maxPendingTrustRequests < 0) {
    problems.push('trust.maxPendingRequests must be an integer >= 0');
  }
  const indexedProperties = resolveIndexedProperties(o.indexedProperties, problems);
  const outgoingRequests = resolveOutgoingRequestOptions(o.peers, problems);
  const storage = resolveStorage(o.storage, problems);
  const subscriptions = resolveSubscriptions(o.subscriptions, problems);
  const callbackOutbox = resolveCallbackOutbox(o.subscriptions?.outbox, problems);
  const mcp = resolveMcpOptions(o.mcp, problems);
  const trustTypes = resolveTrustTypes(o.trustTypes, problems);
  const health = resolveHealthOptions(o.health, problems);
  const metrics = resolveMetricsOptions(o.metrics, problems);
  checkOpsPaths(health, metrics, problems);
  const defaultRelationship = o.defaultRelationship ?? 'associate';
  const knownTypes = new Set([...BUILT_IN_TRUST_TYPES, ...trustTypes].map((t) => t.name));
  if (typeof defaultRelationship !== 'string' || !knownTypes.has(defaultRelationship)) {
    problems.push(
      `defaultRelationship must be a built-in or configured trust type (got ${JSON.stringify(defaultRelationship)}; known: ${[...knownTypes].join(', ')})`,
    );
  }
  const identity = resolveIdentityOptions(o.identity, root, knownTypes, problems);
  const www = resolveWwwOptions(o.www, o.type, problems);
  if (o.info !== undefined) {
    try {
      new URL(o.info);
    } catch {
      problems.push(`info must be an absolute URL (got ${JSON.stringify(o.info)})`);
    }
  }

  if (problems.length > 0) {
    throw new ActingWebConfigError(problems);
  }

  return new AwConfig({
    type: o.type!,
    root,
    description: o.description ?? 'ActingWeb actor {id}',
    version,
    specVersion,
    info: o.info ?? null,
    specification: o.specification ?? null,
    formats: Object.freeze([...formats]),
    optionTags: Object.freeze([
      ...new Set([
        ...BUILT_IN_OPTION_TAGS,
        ...(mcp.enabled ? ['mcp'] : []),
        ...(www.enabled ? ['www'] : []),
        ...extraTags,
      ]),
    ]),
    defaultRelationship,
    trustTypes: Object.freeze(trustTypes),
    autoApprove: Object.freeze([...autoApprove]),
    devtest: o.devtest ?? false,
    uniqueCreator: o.uniqueCreator ?? false,
    indexedProperties,
    storage: Object.freeze(storage),
    bodyLimit,
    maxJsonDepth,
    requestContext: o.requestContext ?? Number(process.versions.node.split('.')[0]) >= 22,
    peerTimeoutMs,
    peerMaxConcurrency,
    maxPendingTrustRequests,
    outgoingRequests,
    authRealm: root ? new URL(root).host : '',
    subscriptions,
    callbackOutbox,
    mcp,
    identity,
    health,
    metrics,
    www,
  });
}

/** {@link SubscriptionOptions} with every default filled in. @publicApi */
export interface ResolvedSubscriptionOptions {
  maxConcurrentCallbacks: number;
  callbackTimeoutMs: number;
  retries: Readonly<{ attempts: number; baseDelayMs: number }>;
  maxCallbackBytes: number;
  breaker: Readonly<{ threshold: number; cooldownMs: number }>;
}

function resolveSubscriptions(
  input: SubscriptionOptions | undefined,
  problems: string[],
): ResolvedSubscriptionOptions {
  const o = input ?? {};
  const int = (value: unknown, fallback: number, name: string, min: number): number => {
    const n = value ?? fallback;
    if (!Number.isInteger(n) || (n as number) < min) {
      problems.push(`subscriptions.${name} must be an integer >= ${min}`);
      return fallback;
    }
    return n as number;
  };
  if (typeof o !== 'object' || Array.isArray(o)) problems.push('subscriptions must be an object');
  const retries = o.retries ?? { attempts: 0, baseDelayMs: 1000 };
  const breaker = o.breaker ?? { threshold: 5, cooldownMs: 60_000 };
  return Object.freeze({
    maxConcurrentCallbacks: int(o.maxConcurrentCallbacks, 256, 'maxConcurrentCallbacks', 1),
    callbackTimeoutMs: int(o.callbackTimeoutMs, 10_000, 'callbackTimeoutMs', 1),
    retries: Object.freeze({
      attempts: int(retries.attempts, 0, 'retries.attempts', 0),
      baseDelayMs: int(retries.baseDelayMs, 1000, 'retries.baseDelayMs', 1),
    }),
    maxCallbackBytes: int(o.maxCallbackBytes, 256 * 1024, 'maxCallbackBytes', 1024),
    breaker: Object.freeze({
      threshold: int(breaker.threshold, 5, 'breaker.threshold', 1),
      cooldownMs: int(breaker.cooldownMs, 60_000, 'breaker.cooldownMs', 1),
    }),
  });
}

function resolveCallbackOutbox(
  input: SubscriptionOptions['outbox'],
  problems: string[],
): Readonly<{ leaseMs: number; pollMs: number }> | null {
  if (input === false) return null;
  if (input !== undefined && (input === null || typeof input !== 'object')) {
    problems.push('subscriptions.outbox must be false or an object');
    return null;
  }
  const o = input ?? {};
  const int = (value: unknown, fallback: number, name: string, min: number): number => {
    if (value === undefined) return fallback;
    if (Number.isInteger(value) && (value as number) >= min) return value as number;
    problems.push(`subscriptions.outbox.${name} must be an integer >= ${min}`);
    return fallback;
  };
  return Object.freeze({
    leaseMs: int(o.leaseMs, 5000, 'leaseMs', 100),
    pollMs: int(o.pollMs, 1000, 'pollMs', 10),
  });
}

/** Property names, each valid and listed once. */
function resolveIndexedProperties(input: unknown, problems: string[]): readonly string[] {
  if (input === undefined) return Object.freeze([]);
  if (!Array.isArray(input)) {
    problems.push('indexedProperties must be a list of property names, e.g. ["email"]');
    return Object.freeze([]);
  }
  const seen = new Set<string>();
  input.forEach((name: unknown, i) => {
    const problem =
      typeof name === 'string' ? propertySegmentProblem(name, true) : 'Property names are strings';
    if (problem !== null) problems.push(`indexedProperties[${i}]: ${problem}`);
    else if (seen.has(name as string))
      problems.push(`indexedProperties[${i}]: ${JSON.stringify(name)} is listed more than once`);
    else seen.add(name as string);
  });
  return Object.freeze([...seen]);
}

function resolveTrustTypes(input: unknown, problems: string[]): TrustTypeDefinition[] {
  if (input === undefined) return [];
  if (!Array.isArray(input)) {
    problems.push('trustTypes must be a list of trust type definitions');
    return [];
  }
  const out: TrustTypeDefinition[] = [];
  const seen = new Set<string>();
  input.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`trustTypes[${i}] must be an object with name and permissions`);
      return;
    }
    const t = entry as Record<string, unknown>;
    const label =
      typeof t.name === 'string' ? `trustTypes[${i}] (${JSON.stringify(t.name)})` : `trustTypes[${i}]`;
    const before = problems.length;
    const unknown = Object.keys(t).filter((k) => !TRUST_TYPE_KEYS.includes(k));
    if (unknown.length > 0) {
      problems.push(
        `${label} has unknown keys ${unknown.join(', ')} (expected ${TRUST_TYPE_KEYS.join(', ')})`,
      );
    }
    if (typeof t.name !== 'string' || !TRUST_TYPE_NAME.test(t.name)) {
      problems.push(`${label}.name must match /^[a-z][a-z0-9_-]{0,63}$/`);
    } else if (RESERVED_ROLE_NAMES.has(t.name)) {
      problems.push(
        `${label}.name is reserved for an access-rule role (${[...RESERVED_ROLE_NAMES].join(', ')})`,
      );
    } else if (seen.has(t.name)) {
      problems.push(`${label}.name is defined more than once`);
    } else {
      seen.add(t.name);
    }
    for (const key of ['displayName', 'description'] as const) {
      if (t[key] !== undefined && typeof t[key] !== 'string')
        problems.push(`${label}.${key} must be a string`);
    }
    let permissions: TrustTypeDefinition['permissions'] = {};
    if (t.permissions === undefined) {
      problems.push(`${label}.permissions is required`);
    } else {
      try {
        permissions = normalizeOverride(t.permissions);
      } catch (err) {
        if (!(err instanceof ActingWebError)) throw err;
        problems.push(`${label}.permissions: ${err.message}`);
      }
    }
    if (problems.length > before) return;
    const name = t.name as string;
    out.push(
      deepFreeze({
        name,
        displayName: (t.displayName as string | undefined) ?? name,
        description: (t.description as string | undefined) ?? '',
        permissions,
      }),
    );
  });
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function resolveStorage(storage: StorageOptions | undefined, problems: string[]): StorageOptions {
  if (storage === undefined) return { type: 'sqlite', filename: DEFAULT_SQLITE_FILENAME };
  if (storage.type === 'sqlite') {
    const filename = storage.filename ?? DEFAULT_SQLITE_FILENAME;
    if (typeof filename !== 'string' || !filename)
      problems.push('storage.filename must be a path or ":memory:"');
    return { type: 'sqlite', filename };
  }
  if (storage.type === 'postgres') {
    if (
      typeof storage.connectionString !== 'string' ||
      !/^postgres(ql)?:\/\//.test(storage.connectionString)
    ) {
      problems.push('storage.connectionString must be a postgres:// URL');
    }
    if (storage.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(storage.schema)) {
      problems.push('storage.schema must be a lowercase SQL identifier');
    }
    if (storage.poolSize !== undefined && (!Number.isInteger(storage.poolSize) || storage.poolSize < 1)) {
      problems.push('storage.poolSize must be a positive integer');
    }
    return { ...storage };
  }
  problems.push(
    `storage.type must be "sqlite" or "postgres" (got ${JSON.stringify((storage as { type?: unknown }).type)})`,
  );
  return { type: 'sqlite' };
}

import { basename, dirname, join } from 'node:path';
import type { LogLevel } from '@nestjs/common';
import { DEFAULT_SQLITE_FILENAME, type ActingWebModuleOptions } from '@actingweb/nestjs';

/** The example server's settings, read from the environment (see README "Configuration"). */
export interface ExampleEnv {
  port: number;
  host: string;
  logLevels: LogLevel[];
  /** `AW_LOG_FORMAT`: Nest's coloured text, or one JSON object per line (JsonLogger). */
  logFormat: 'text' | 'json';
  actingweb: ActingWebModuleOptions;
}

/**
 * The environment variable behind each module option this server sets, so a
 * configuration error names what to change (the longest matching option wins).
 */
const ENV_FOR_OPTION: Record<string, string> = {
  type: 'AW_TYPE',
  baseUrl: 'AW_BASE_URL',
  devtest: 'AW_DEVTEST',
  uniqueCreator: 'AW_UNIQUE_CREATOR',
  autoApprove: 'AW_AUTO_APPROVE',
  'peers.allowedHosts': 'AW_PEERS_ALLOWED_HOSTS',
  'peers.allowedCidrs': 'AW_PEERS_ALLOWED_CIDRS',
  storage: 'DATABASE_URL',
  'storage.filename': 'AW_DATA_DIR',
  requestContext: 'AW_REQUEST_CONTEXT',
  health: 'AW_HEALTH',
  metrics: 'AW_METRICS',
  'metrics.bearerToken': 'AW_METRICS_TOKEN',
  identity: 'AW_IDENTITY',
};

/** `storage.connectionString` → `DATABASE_URL`; undefined for options no variable sets. */
export function envVariableFor(option: string): string | undefined {
  for (let key = option; key; key = key.slice(0, Math.max(0, key.lastIndexOf('.')))) {
    if (ENV_FOR_OPTION[key]) return ENV_FOR_OPTION[key];
  }
  return undefined;
}

const LOG_LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new Error(`${name} must be true or false (got "${value}")`);
}

/** A comma list (`a, b,c`) as its non-empty items. */
function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Parses the environment contract of docs/configuration.md; throws with a clear message on bad values. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): ExampleEnv {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a TCP port (got "${env.PORT}")`);
  const host = env.HOST || '0.0.0.0';
  const level = (env.AW_LOG_LEVEL || 'info').toLowerCase();
  const logLevels = LOG_LEVELS[level];
  if (!logLevels)
    throw new Error(
      `AW_LOG_LEVEL must be one of ${Object.keys(LOG_LEVELS).join(', ')} (got "${env.AW_LOG_LEVEL}")`,
    );

  const logFormat = (env.AW_LOG_FORMAT || 'text').toLowerCase();
  if (logFormat !== 'text' && logFormat !== 'json')
    throw new Error(`AW_LOG_FORMAT must be text or json (got "${env.AW_LOG_FORMAT}")`);
  const metricsToken = env.AW_METRICS_TOKEN || undefined;
  const requestContext = env.AW_REQUEST_CONTEXT
    ? flag(env.AW_REQUEST_CONTEXT, 'AW_REQUEST_CONTEXT')
    : undefined;

  // AW_DATA_DIR moves the library's default SQLite file to another directory.
  const dataDir = env.AW_DATA_DIR || dirname(DEFAULT_SQLITE_FILENAME);
  const sqliteFile = dataDir === 'memory://' ? ':memory:' : join(dataDir, basename(DEFAULT_SQLITE_FILENAME));
  const storage: ActingWebModuleOptions['storage'] = env.DATABASE_URL
    ? { type: 'postgres', connectionString: env.DATABASE_URL }
    : { type: 'sqlite', filename: sqliteFile };

  return {
    port,
    host,
    logLevels,
    logFormat,
    actingweb: {
      type: env.AW_TYPE || 'urn:actingweb:example.com:demo',
      baseUrl: env.AW_BASE_URL || `http://localhost:${port}/`,
      description: 'ActingWeb demo actor {id}',
      devtest: flag(env.AW_DEVTEST, 'AW_DEVTEST'),
      uniqueCreator: flag(env.AW_UNIQUE_CREATOR, 'AW_UNIQUE_CREATOR'),
      autoApprove: list(env.AW_AUTO_APPROVE),
      peers: {
        allowedHosts: list(env.AW_PEERS_ALLOWED_HOSTS),
        allowedCidrs: list(env.AW_PEERS_ALLOWED_CIDRS),
      },
      storage,
      // Sign-in and OAuth for MCP clients (docs/identity.md); AW_IDENTITY=false turns it off.
      ...(env.AW_IDENTITY === undefined || env.AW_IDENTITY === '' || flag(env.AW_IDENTITY, 'AW_IDENTITY')
        ? { identity: {} }
        : {}),
      ...(requestContext === undefined ? {} : { requestContext }),
      // Operations (docs/operations.md): health on unless AW_HEALTH=false; metrics when asked for.
      health: env.AW_HEALTH === undefined || env.AW_HEALTH === '' ? true : flag(env.AW_HEALTH, 'AW_HEALTH'),
      metrics:
        flag(env.AW_METRICS, 'AW_METRICS') || metricsToken !== undefined
          ? { enabled: true, bearerToken: metricsToken }
          : false,
    },
  };
}

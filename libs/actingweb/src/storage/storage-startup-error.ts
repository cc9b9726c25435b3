import type { StorageOptions } from '../config/actingweb-options.interface.js';
import { StorageStartupError } from '../errors/startup-errors.js';
import { DEFAULT_SQLITE_FILENAME } from '../config/actingweb.constants.js';

/**
 * Storage failures at startup and in the readiness check, in one line that
 * names the option to fix and the address (never the password); see
 * docs/operations.md, "Startup errors".
 */

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  SQLITE_CANTOPEN: 'the file cannot be opened or created (is the directory writable?)',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_NOTADB: 'the file is not an SQLite database',
  SQLITE_CORRUPT: 'the database file is corrupt',
  // PostgreSQL SQLSTATEs
  '28P01': 'password authentication failed',
  '28000': 'the server rejected the login',
  '3D000': 'the database does not exist',
  '42501': 'permission denied (the user may not create the schema or tables)',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
};

/**
 * Turns a failure to open SQLite or to reach PostgreSQL (or to migrate it)
 * into one line that names the option and the address (never the password).
 * Errors that already are a {@link StorageStartupError} pass through.
 */
export function storageStartupError(err: unknown, storage: Readonly<StorageOptions>): StorageStartupError {
  if (err instanceof StorageStartupError) return err;
  const reason = failureReason(err);
  const code = errorCode(err);
  if (storage.type === 'postgres') {
    return new StorageStartupError(
      'storage.connectionString',
      `Cannot use PostgreSQL at ${redact(storage.connectionString)} (storage.connectionString): ${reason}`,
      code,
    );
  }
  const filename = storage.filename ?? DEFAULT_SQLITE_FILENAME;
  return new StorageStartupError(
    'storage.filename',
    `Cannot open the SQLite database ${filename} (storage.filename): ${reason}`,
    code,
  );
}

/**
 * A short, address-free reason for a storage failure: `connection refused
 * (ECONNREFUSED)`, `the database does not exist (3D000)`, else the error's first line.
 */
export function failureReason(err: unknown): string {
  const e = firstCause(err);
  const code = errorCode(err);
  const known = code === undefined ? undefined : (REASONS[code] ?? REASONS[code.replace(/_[A-Z]+$/, '')]);
  if (known) return `${known} (${code})`;
  return firstLine(typeof e.message === 'string' ? e.message : String(err));
}

function errorCode(err: unknown): string | undefined {
  const code = firstCause(err).code;
  return typeof code === 'string' ? code : undefined;
}

/** Node reports "localhost" failures as an AggregateError of one error per address. */
function firstCause(err: unknown): { code?: unknown; message?: string } {
  const e = (err ?? {}) as { code?: unknown; message?: string; errors?: unknown[] };
  if (e.code === undefined && Array.isArray(e.errors) && e.errors.length > 0)
    return e.errors[0] as { code?: unknown; message?: string };
  return e;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim() || 'unknown error';
}

/** `postgres://user:secret@host:5432/db?x` → `postgres://user@host:5432/db`. */
function redact(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.password = '';
    url.search = '';
    return url.href;
  } catch {
    return 'the configured URL';
  }
}

import { describe, expect, it } from '@jest/globals';
import { StorageStartupError } from '../errors/startup-errors.js';
import { failureReason, storageStartupError } from './storage-startup-error.js';

const postgres = {
  type: 'postgres' as const,
  connectionString: 'postgres://app:s3cret@db.internal:5432/actingweb?sslmode=require',
};
const sqlite = { type: 'sqlite' as const, filename: '/srv/data/actingweb.sqlite' };
const error = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('storageStartupError', () => {
  it('names the option and the server, never the password', () => {
    const e = storageStartupError(error('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'), postgres);
    expect(e).toBeInstanceOf(StorageStartupError);
    expect(e.option).toBe('storage.connectionString');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.message).toBe(
      'Cannot use PostgreSQL at postgres://app@db.internal:5432/actingweb (storage.connectionString): connection refused (ECONNREFUSED)',
    );
    expect(e.message).not.toContain('s3cret');
  });

  it('reads the first error of an AggregateError (localhost resolves to two addresses)', () => {
    const aggregate = new AggregateError([error('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], '');
    expect(storageStartupError(aggregate, postgres).message).toMatch(
      /: connection refused \(ECONNREFUSED\)$/,
    );
  });

  it('explains PostgreSQL SQLSTATEs', () => {
    expect(storageStartupError(error('database "x" does not exist', '3D000'), postgres).message).toMatch(
      /: the database does not exist \(3D000\)$/,
    );
    expect(storageStartupError(error('password authentication failed', '28P01'), postgres).message).toMatch(
      /: password authentication failed \(28P01\)$/,
    );
  });

  it('names storage.filename for SQLite, with the file and the reason', () => {
    const e = storageStartupError(error("ENOTDIR: not a directory, mkdir '/srv/data'", 'ENOTDIR'), sqlite);
    expect(e.option).toBe('storage.filename');
    expect(e.message).toBe(
      'Cannot open the SQLite database /srv/data/actingweb.sqlite (storage.filename): a part of the path is a file, not a directory (ENOTDIR)',
    );
    expect(
      storageStartupError(error('attempt to write a readonly database', 'SQLITE_READONLY_DIRECTORY'), sqlite)
        .message,
    ).toMatch(/: the database is read-only \(SQLITE_READONLY_DIRECTORY\)$/);
  });

  it('uses the first line of an unknown error, and passes StorageStartupErrors through', () => {
    expect(storageStartupError(new Error('something odd\n    at x'), sqlite).message).toMatch(
      /: something odd$/,
    );
    const own = new StorageStartupError('storage.type', 'needs pg');
    expect(storageStartupError(own, postgres)).toBe(own);
  });
});

describe('failureReason', () => {
  it('has no address in it', () => {
    expect(failureReason(error('connect ECONNREFUSED 10.0.0.5:5432', 'ECONNREFUSED'))).toBe(
      'connection refused (ECONNREFUSED)',
    );
  });
});

import type pg from 'pg';
import { StorageStartupError } from '../errors/startup-errors.js';

/**
 * Loads the `pg` driver on first use. It is an optional peer dependency: apps
 * on the embedded SQLite default never install it, and an app that selects
 * PostgreSQL without it gets one clear line instead of a resolver stack.
 */
export async function loadPg(): Promise<typeof pg> {
  try {
    const module = await import('pg');
    return (module.default ?? module) as typeof pg;
  } catch (err) {
    if (isMissingModule(err, 'pg'))
      throw new StorageStartupError(
        'storage.type',
        "PostgreSQL storage needs the 'pg' package, which is not installed: run `npm install pg` " +
          "(or use the embedded SQLite storage, storage: { type: 'sqlite' }).",
      );
    throw err;
  }
}

function isMissingModule(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    typeof e.message === 'string' &&
    e.message.includes(`'${name}'`)
  );
}

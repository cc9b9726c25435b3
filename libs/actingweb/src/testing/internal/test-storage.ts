import type { StorageOptions } from '../../config/actingweb-options.interface.js';
import { createTemporaryStorage } from '../temporary-storage.js';

/**
 * The backends the library's own suites run on (not shipped): SQLite (a
 * temporary file) always, and PostgreSQL when `TEST_DATABASE_URL` is set,
 * each use in its own schema, dropped by `cleanup()`. Built on the public
 * testing kit's `createTemporaryStorage`.
 */
export interface TestStorage {
  readonly name: 'sqlite' | 'postgres';
  /** Fresh, empty storage options plus a cleanup to call when done. */
  create(): Promise<{ options: StorageOptions; cleanup: () => Promise<void> }>;
}

export function testStorages(): TestStorage[] {
  const storages: TestStorage[] = [{ name: 'sqlite', create: () => createTemporaryStorage('sqlite') }];
  const connectionString = process.env.TEST_DATABASE_URL;
  if (connectionString) {
    storages.push({
      name: 'postgres',
      create: () => createTemporaryStorage({ type: 'postgres', connectionString }),
    });
  }
  return storages;
}

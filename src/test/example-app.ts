import type { TemporaryStorageKind, TestAppOptions } from '@actingweb/nestjs/testing';
import { AppModule } from '../app.module.js';

/**
 * The storages the example's tests run on: SQLite always, PostgreSQL too when
 * TEST_DATABASE_URL is set (each test application gets a schema of its own).
 */
export const STORAGES: Array<{ name: string; storage: TemporaryStorageKind }> = [
  { name: 'sqlite', storage: 'sqlite' },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: 'postgres',
          storage: { type: 'postgres' as const, connectionString: process.env.TEST_DATABASE_URL },
        },
      ]
    : []),
];

/** `createTestApp` options that start the example's own AppModule, as main.ts does. */
export function exampleApp(storage: TemporaryStorageKind): TestAppOptions {
  return { appModule: (options) => AppModule.register(options), storage };
}

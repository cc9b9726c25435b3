/*
 * Baseline server: plain Fastify, no Nest, with the routes of raw-routes.ts. Storage comes from
 * BENCH_STORAGE (JSON StorageOptions).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Logger } from '@nestjs/common';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { resolveConfig } from '../../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';
import { rawRoutes } from './raw-routes.js';

Logger.overrideLogger(['error', 'warn']);

const config = resolveConfig({
  type: 'urn:actingweb:bench.example:foundation',
  baseUrl: process.env.BENCH_BASE_URL ?? 'http://127.0.0.1/',
  storage: storageFromEnv<StorageOptions>(),
});
const database = new ActingWebDatabase(config);
const app = Fastify({ logger: false });

const child = serveAsBenchChild(async () => {
  await app.close();
  await database.onApplicationShutdown();
});
await database.migrate();
rawRoutes(app, config, database);

await app.listen({ port: 0, host: '127.0.0.1' });
child.ready((app.server.address() as AddressInfo).port);

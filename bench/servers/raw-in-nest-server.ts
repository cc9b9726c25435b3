/*
 * Benchmark server: the raw routes of raw-routes.ts under `/raw/`, inside a Nest application on
 * Fastify, with ActingWebModule (BENCH_WITH_MODULE=1) or without it (an empty Nest application).
 * Against the plain raw server it shows what Nest's FastifyAdapter costs a route over real HTTP,
 * and what the module's global hooks add (bench/http-layers.ts). Storage from BENCH_STORAGE.
 */
import type { AddressInfo } from 'node:net';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { resolveConfig } from '../../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';
import { rawRoutes } from './raw-routes.js';

Logger.overrideLogger(['error', 'warn']);
const options = {
  type: 'urn:actingweb:bench.example:foundation',
  baseUrl: 'http://127.0.0.1/',
  storage: storageFromEnv<StorageOptions>(),
};
const withModule = process.env.BENCH_WITH_MODULE === '1';

@Module({ imports: withModule ? [ActingWebModule.forRoot(options)] : [] })
class LayersModule {}

const config = resolveConfig(options);
const database = new ActingWebDatabase(config);
await database.migrate();
const app = await NestFactory.create<NestFastifyApplication>(LayersModule, new FastifyAdapter(), {
  logger: ['error', 'warn'],
});
const child = serveAsBenchChild(async () => {
  await app.close();
  await database.onApplicationShutdown();
});
await app.init();
const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
void fastify.register(async (scope) => rawRoutes(scope, config, database), { prefix: '/raw' });
await app.listen(0, '127.0.0.1');
child.ready((app.getHttpServer().address() as AddressInfo).port);

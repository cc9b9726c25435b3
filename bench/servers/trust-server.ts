/*
 * Benchmark server for the trust suite: a Nest application with
 * ActingWebModule on Fastify that knows its own URL, so its actors can
 * establish trust with each other over real HTTP. It picks a free port
 * itself, builds `baseUrl` from it and listens there. Storage comes from
 * BENCH_STORAGE (JSON StorageOptions).
 */
import { createServer } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';

const port = await new Promise<number>((resolve, reject) => {
  const probe = createServer();
  probe.on('error', reject);
  probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as { port: number };
    probe.close(() => resolve(port));
  });
});

@Module({
  imports: [
    ActingWebModule.forRoot({
      type: 'urn:actingweb:bench.example:trust',
      baseUrl: `http://127.0.0.1:${port}/`,
      storage: storageFromEnv<StorageOptions>(),
    }),
  ],
})
class TrustBenchModule {}

const app = await NestFactory.create<NestFastifyApplication>(TrustBenchModule, new FastifyAdapter(), {
  logger: ['error', 'warn'],
});
const child = serveAsBenchChild(() => app.close());
await app.listen(port, '127.0.0.1');
child.ready(port);

/*
 * Benchmark server: a Nest application with ActingWebModule on Fastify, as an
 * app would run it. Storage comes from BENCH_STORAGE (JSON StorageOptions).
 * BENCH_DIAGNOSTICS=1 adds routes for finding where time goes:
 * `GET /_bench/noop` (Nest only) and `GET /_bench/actor/:id` (Nest + one actor read, no guard).
 * BENCH_AW_OPTIONS (JSON) adds module options, e.g. `{"metrics":true}`; BENCH_LOGGER=json uses
 * JsonLogger (bench/ops.ts compares these variants).
 */
import type { AddressInfo } from 'node:net';
import { Controller, Get, Inject, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type { ActingWebModuleOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { JsonLogger } from '../../libs/actingweb/src/ops/json-logger.js';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { ActorRepository } from '../../libs/actingweb/src/storage/actor.repository.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';

@Controller('_bench')
class DiagnosticsController {
  private readonly actors: ActorRepository;

  constructor(@Inject(ActingWebDatabase) database: ActingWebDatabase) {
    this.actors = new ActorRepository(database);
  }

  @Get('noop')
  noop() {
    return { ok: true };
  }

  @Get('actor/:id')
  async actor(@Param('id') id: string) {
    const actor = await this.actors.findById(id);
    if (!actor) throw new NotFoundException();
    return { id: actor.id, creator: actor.creator, passphrase: actor.passphrase };
  }
}

@Module({
  imports: [
    ActingWebModule.forRoot({
      type: 'urn:actingweb:bench.example:foundation',
      baseUrl: process.env.BENCH_BASE_URL ?? 'http://127.0.0.1/',
      storage: storageFromEnv<StorageOptions>(),
      ...(JSON.parse(process.env.BENCH_AW_OPTIONS ?? '{}') as Partial<ActingWebModuleOptions>),
    }),
  ],
  controllers: process.env.BENCH_DIAGNOSTICS === '1' ? [DiagnosticsController] : [],
})
class BenchAppModule {}

const app = await NestFactory.create<NestFastifyApplication>(BenchAppModule, new FastifyAdapter(), {
  logger:
    process.env.BENCH_LOGGER === 'json'
      ? new JsonLogger({ logLevels: ['error', 'warn'] })
      : ['error', 'warn'],
});
const child = serveAsBenchChild(() => app.close());
await app.listen(0, '127.0.0.1');
child.ready((app.getHttpServer().address() as AddressInfo).port);

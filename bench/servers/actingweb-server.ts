/*
 * Benchmark server: a Nest application with ActingWebModule on Fastify, as an
 * app would run it. Storage comes from BENCH_STORAGE (JSON StorageOptions).
 * BENCH_DIAGNOSTICS=1 adds routes for finding where time goes:
 * `GET /_bench/noop` (Nest only), `GET /_bench/actor/:id` (Nest + one actor read, no guard), and
 * `PUT /_bench/write-raw/...` and `/_bench/write-dispatcher/...` (`DiagnosticRoutes` below).
 * BENCH_AW_OPTIONS (JSON) adds module options, e.g. `{"metrics":true}`; BENCH_LOGGER=json uses
 * JsonLogger (bench/ops.ts compares these variants).
 */
import type { AddressInfo } from 'node:net';
import type { Transaction } from 'kysely';
import {
  Controller,
  Get,
  Inject,
  Injectable,
  Module,
  NotFoundException,
  type OnModuleInit,
  Param,
} from '@nestjs/common';
import { ModuleRef, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type { ActingWebModuleOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { JsonLogger } from '../../libs/actingweb/src/ops/json-logger.js';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { ActorRepository } from '../../libs/actingweb/src/storage/actor.repository.js';
import { PropertyRepository } from '../../libs/actingweb/src/storage/property.repository.js';
import { actorRoute } from '../../libs/actingweb/src/auth/actor-route.js';
import { ActorRouter } from '../../libs/actingweb/src/auth/actor-router.js';
import { setAt } from '../../libs/actingweb/src/common/json-path.js';
import { ActorHandleFactory } from '../../libs/actingweb/src/properties/actor-handle.factory.js';
import { PropertyDispatcher } from '../../libs/actingweb/src/properties/property-dispatcher.service.js';
import { PropertiesService } from '../../libs/actingweb/src/properties/properties.service.js';
import type { AwDatabase } from '../../libs/actingweb/src/storage/database.types.js';
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

/**
 * Property PUTs through `ActorRouter` (the access check, then the handler), for telling the
 * write path's share from the router's: the raw route's transaction (`write-raw`), the same with
 * the library's two statements (`write-watched`), `PropertiesService.put` (`write-service`) and
 * `PropertyDispatcher.write` (`write-dispatcher`), each with the path already parsed.
 */
@Injectable()
class DiagnosticRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(ModuleRef) private readonly modules: ModuleRef,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  onModuleInit(): void {
    const { database, handles } = this;
    // Not exported by the library's modules: looked up, as a diagnostic may.
    const dispatcher = this.modules.get(PropertyDispatcher, { strict: false });
    const service = this.modules.get(PropertiesService, { strict: false });
    const properties = new PropertyRepository(database);
    type Statements = {
      /** The stored value and, where the read knows it, whether anyone subscribes. */
      read(
        actorId: string,
        name: string,
        tx: Transaction<AwDatabase>,
      ): Promise<{ value: string | null; watched?: boolean }>;
      write(
        actorId: string,
        name: string,
        value: string,
        tx: Transaction<AwDatabase>,
        watched: boolean | undefined,
      ): Promise<unknown>;
    };
    // The raw route's transaction, with the given read and write statements.
    const rawWrite = (url: string, statements: Statements) =>
      actorRoute({
        method: 'PUT',
        url,
        access: 'properties',
        status: 204,
        handle: ({ actor, params, body }) =>
          database.transaction(async (tx) => {
            const name = params['*'];
            await database.lockInTransaction(tx, `${actor.id}/properties/${name}`);
            const stored = await statements.read(actor.id, name, tx);
            const value = setAt(stored.value === null ? undefined : JSON.parse(stored.value), [], body);
            await statements.write(actor.id, name, JSON.stringify(value), tx, stored.watched);
          }),
      });
    this.router.install([
      rawWrite('/_bench/write-raw/:actorId/properties/*', {
        read: async (actorId, name, tx) => ({ value: await properties.get(actorId, name, tx) }),
        write: (actorId, name, value, tx) => properties.put(actorId, name, value, tx),
      }),
      rawWrite('/_bench/write-watched/:actorId/properties/*', {
        read: (actorId, name, tx) => properties.getForWrite(actorId, name, tx),
        write: (actorId, name, value, tx, watched) =>
          properties.putWatched(actorId, name, value, tx, watched),
      }),
      actorRoute({
        method: 'PUT',
        url: '/_bench/write-service/:actorId/properties/*',
        access: 'properties',
        status: 204,
        handle: ({ actor, caller, params, body }) =>
          service.put(handles.create(actor), caller, [params['*']], body),
      }),
      actorRoute({
        method: 'PUT',
        url: '/_bench/write-dispatcher/:actorId/properties/*',
        access: 'properties',
        status: 204,
        handle: ({ actor, caller, params, body }) =>
          dispatcher.write(handles.create(actor), caller, [params['*']], body, {}),
      }),
    ]);
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
  providers: process.env.BENCH_DIAGNOSTICS === '1' ? [DiagnosticRoutes] : [],
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

import type { LogLevel, ModuleMetadata, Provider, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import { ActingWebModule } from '../actingweb.module.js';
import type { ActingWebModuleExtras } from '../actingweb.module-definition.js';
import { ActorService, type CreateActorInput } from '../actors/actor.service.js';
import type { ActingWebModuleOptions } from '../config/actingweb-options.interface.js';
import { CallbackDelivery } from '../subscriptions/publisher/callback-delivery.service.js';
import { FakePeer, type FakePeerOptions } from './fake-peer.js';
import { freePort, LOOPBACK } from './loopback.js';
import { track } from './settle.js';
import {
  createTemporaryStorage,
  type TemporaryStorage,
  type TemporaryStorageKind,
} from './temporary-storage.js';
import { KitActor, type TestActor } from './test-actor.js';

/** Options of `ActingWebModule.forRoot()`, ports and extras included. @publicApi */
export type ActingWebTestOptions = ActingWebModuleOptions & ActingWebModuleExtras;

/** Options of {@link createTestApp}. @publicApi */
export interface TestAppOptions {
  /** Your providers: hook classes and the services they use. */
  readonly providers?: Provider[];
  /** Your modules (those that do not import `ActingWebModule` themselves; see {@link appModule}). */
  readonly imports?: ModuleMetadata['imports'];
  /** Your controllers, if the test needs them. */
  readonly controllers?: Type[];
  /**
   * Module options over the test defaults: `type` is
   * `urn:actingweb:test.example:app`, `baseUrl` the server's loopback URL,
   * `storage` the temporary storage. Give `storage` here to use your own
   * (the kit then leaves it as it is at close).
   */
  readonly options?: Partial<ActingWebTestOptions>;
  /**
   * Your root module, when it imports `ActingWebModule` itself: a function
   * that builds it from the options the kit chose (pass them on to
   * `ActingWebModule.forRoot`), e.g. `(options) => AppModule.register(options)`.
   * The kit then adds no `ActingWebModule` of its own.
   */
  readonly appModule?: (options: ActingWebTestOptions) => NonNullable<ModuleMetadata['imports']>[number];
  /** Which temporary storage (default: a SQLite file in a new temporary directory). */
  readonly storage?: TemporaryStorageKind;
  /** Nest's log levels for the application, or `false` for none. Default `['error', 'warn']`. */
  readonly logger?: LogLevel[] | false;
  /** Changes the testing module before it is compiled, e.g. `(b) => b.overrideProvider(Clock).useValue(fake)`. */
  readonly configure?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * A running ActingWeb application for tests: Nest on Fastify with the module,
 * listening on a free port of 127.0.0.1, on fresh storage.
 *
 * @publicApi
 */
export interface TestApp {
  /** The Nest application (e.g. `nest.get(MyService)`, `nest.inject(...)`). */
  readonly nest: NestFastifyApplication;
  /** The compiled testing module. */
  readonly moduleRef: TestingModule;
  /** The base URL, with trailing slash: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The options the module was given. */
  readonly options: Readonly<ActingWebTestOptions>;
  /** A provider of the application, e.g. one of your hook classes or `TrustManager`. */
  get<T>(token: Type<T> | (abstract new (...args: any[]) => T) | string | symbol): T;
  /** Creates an actor (as `ActorService.create` does, `actor_created` hooks included). */
  createActor(input?: CreateActorInput): Promise<TestActor>;
  /** Starts a {@link FakePeer}, closed with this application. */
  fakePeer(options?: FakePeerOptions): Promise<FakePeer>;
  /** Stops the fake peers it started, closes the application and removes its temporary storage. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_TYPE = 'urn:actingweb:test.example:app';

/**
 * Starts an ActingWeb application for tests in one call: your providers and
 * modules with `ActingWebModule`, on a fresh SQLite file (or the storage you
 * pick), listening on 127.0.0.1 so peers (fake ones, or other test
 * applications) can call it. Its `baseUrl` is on loopback, so the
 * outgoing-request policy lets it call peers on loopback too
 * (`peers.allowBaseUrlClass`). Close it with {@link TestApp.close}.
 *
 * ```ts
 * const app = await createTestApp({ providers: [NotesHooks] });
 * const alice = await app.createActor({ creator: 'alice@example.com' });
 * expect(await alice.callAction('add_note', { text: 'hi' })).toEqual({ notes: 1 });
 * await app.close();
 * ```
 *
 * @publicApi
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const port = await freePort();
  const url = `http://${LOOPBACK}:${port}/`;
  const storage: TemporaryStorage | undefined = options.options?.storage
    ? undefined
    : await createTemporaryStorage(options.storage);
  const moduleOptions: ActingWebTestOptions = {
    type: DEFAULT_TYPE,
    baseUrl: url,
    ...(storage && { storage: storage.options }),
    ...options.options,
  };
  let nest: NestFastifyApplication | undefined;
  try {
    let builder = Test.createTestingModule({
      imports: [
        options.appModule ? options.appModule(moduleOptions) : ActingWebModule.forRoot(moduleOptions),
        ...(options.imports ?? []),
      ],
      providers: options.providers ?? [],
      controllers: options.controllers ?? [],
    });
    if (options.configure) builder = options.configure(builder);
    const moduleRef = await builder.compile();
    nest = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: options.logger ?? ['error', 'warn'],
    });
    await nest.listen(port, LOOPBACK);
    return new KitApp(nest, moduleRef, url, moduleOptions, storage);
  } catch (err) {
    await nest?.close().catch(() => undefined);
    await storage?.cleanup();
    throw err;
  }
}

class KitApp implements TestApp {
  private readonly peers = new Set<FakePeer>();
  private readonly untrack: () => void;
  private closing?: Promise<void>;

  constructor(
    readonly nest: NestFastifyApplication,
    readonly moduleRef: TestingModule,
    readonly url: string,
    readonly options: Readonly<ActingWebTestOptions>,
    private readonly storage: TemporaryStorage | undefined,
  ) {
    const delivery = nest.get(CallbackDelivery, { strict: false });
    this.untrack = track({ whenIdle: () => delivery.whenIdle(), pending: () => delivery.stats().pending });
  }

  get<T>(token: Type<T> | (abstract new (...args: any[]) => T) | string | symbol): T {
    return this.nest.get(token as never, { strict: false });
  }

  async createActor(input: CreateActorInput = {}): Promise<TestActor> {
    const created = await this.get(ActorService).create(input);
    return new KitActor(this, created.actor, created.passphrase);
  }

  async fakePeer(options: FakePeerOptions = {}): Promise<FakePeer> {
    const peer = await FakePeer.start(options);
    this.peers.add(peer);
    return peer;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.untrack();
    // Peers first: a callback hanging at a fake peer is cut instead of holding the shutdown.
    await Promise.all([...this.peers].map((peer) => peer.close()));
    try {
      await this.nest.close();
    } finally {
      await this.storage?.cleanup();
    }
  }
}

import { createServer } from 'node:net';
import { describe, it } from '@jest/globals';
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ActingWebModule, type ActingWebModuleOptions, type StorageOptions } from '@actingweb/nestjs';
import { testStorages, type TestStorage } from '../../libs/actingweb/src/testing/internal/test-storage.js';

/** A running ActingWeb server on a real port, for tests. */
export interface TestServer {
  readonly app: INestApplication;
  /** Base URL with trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  close(): Promise<void>;
}

export const STORAGES: TestStorage[] = testStorages();

/** Why PostgreSQL-only suites did not run; the closing summary line repeats it (summary-reporter.cjs). */
export const POSTGRES_SKIPPED = 'PostgreSQL suites skipped: TEST_DATABASE_URL is not set';

/**
 * `describe.each` over the PostgreSQL storage only (e.g. several instances on
 * one database). Without TEST_DATABASE_URL the suite is reported as skipped,
 * with the reason in its title, instead of failing on an empty `.each`.
 */
export function describeOnPostgres(title: string, suite: (storage: TestStorage) => void): void {
  const postgres = STORAGES.filter((s) => s.name === 'postgres');
  if (postgres.length > 0) {
    describe.each(postgres)(title, suite);
    return;
  }
  describe.skip(`${title.replace('$name', 'postgres')} (${POSTGRES_SKIPPED})`, () => {
    it('runs with TEST_DATABASE_URL set', () => undefined);
  });
}

/** A free TCP port on loopback (the kernel picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a Nest application with ActingWebModule on Fastify, listening on
 * 127.0.0.1, on the given storage. `close()` stops the app; the storage stays.
 */
export async function startServer(
  storageOptions: StorageOptions,
  options: Partial<ActingWebModuleOptions> = {},
  metadata: Pick<ModuleMetadata, 'providers'> = {},
): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const moduleRef = await Test.createTestingModule({
    imports: [
      ActingWebModule.forRoot({
        type: 'urn:actingweb:test.example:e2e',
        baseUrl: url,
        storage: storageOptions,
        ...options,
      }),
    ],
    providers: metadata.providers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url,
    close: () => app.close(),
  };
}

/**
 * Starts a Nest application on Fastify from the modules `imports(url)` returns
 * (an application module of the test's own, importing ActingWebModule however
 * it likes), listening on 127.0.0.1. `close()` stops the app.
 */
export async function startApp(
  imports: (url: string) => NonNullable<ModuleMetadata['imports']>,
): Promise<TestServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const moduleRef = await Test.createTestingModule({ imports: imports(url) }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  await app.listen(port, '127.0.0.1');
  return { app, url, close: () => app.close() };
}

/** Starts a server on fresh storage of the given backend; `close()` also drops the storage. */
export async function startFreshServer(
  storage: TestStorage,
  options: Partial<ActingWebModuleOptions> = {},
  metadata: Pick<ModuleMetadata, 'providers'> = {},
): Promise<TestServer> {
  const { options: storageOptions, cleanup } = await storage.create();
  const server = await startServer(storageOptions, options, metadata);
  return {
    ...server,
    close: async () => {
      await server.close();
      await cleanup();
    },
  };
}

/** JSON request helper over real HTTP (fetch). */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: string | Uint8Array } = {},
): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  // A raw body with no content-type header is sent as bytes, so fetch adds no content type either.
  let body: string | Uint8Array | undefined =
    typeof init.raw === 'string' && !('content-type' in headers)
      ? new TextEncoder().encode(init.raw)
      : init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** `Authorization: Basic` header value. */
export function basic(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/**
 * A request sent byte-for-byte (no URL normalisation), for paths such as
 * `a/../b` that fetch would rewrite before sending.
 */
export async function rawCall(
  baseUrl: string,
  rawPath: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  const { request } = await import('node:http');
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: rawPath,
        method: init.method ?? 'GET',
        headers: init.headers,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/*
 * MCP benchmark baseline: plain Fastify, no Nest, calling the same trivial
 * async tool (`bench/servers/mcp-tool.ts`) from two routes:
 *
 * - `POST /:id/tool` does the storage work an authenticated `tools/call`
 *   needs, through the library's own repositories (same SQL): load the actor,
 *   resolve the Bearer trust secret, load the trust's permissions and check
 *   `tools`/`use`, then call the tool and answer the same JSON-RPC result;
 * - `POST /bare/tool` only parses the request and calls the tool.
 *
 * Storage comes from BENCH_STORAGE (JSON StorageOptions).
 */
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Logger } from '@nestjs/common';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { resolveConfig } from '../../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { ActorRepository } from '../../libs/actingweb/src/storage/actor.repository.js';
import { TrustPermissionRepository } from '../../libs/actingweb/src/storage/trust-permission.repository.js';
import { TrustRepository } from '../../libs/actingweb/src/storage/trust.repository.js';
import { PermissionService } from '../../libs/actingweb/src/permissions/permission.service.js';
import { TrustTypeRegistry } from '../../libs/actingweb/src/permissions/trust-type-registry.service.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';
import { echoTool, toolResult } from './mcp-tool.js';

Logger.overrideLogger(['error', 'warn']);

const config = resolveConfig({
  type: 'urn:actingweb:bench.example:mcp',
  baseUrl: process.env.BENCH_BASE_URL ?? 'http://127.0.0.1/',
  storage: storageFromEnv<StorageOptions>(),
});
const database = new ActingWebDatabase(config);
const actors = new ActorRepository(database);
const trusts = new TrustRepository(database);
const permissions = new PermissionService(
  new TrustTypeRegistry(config),
  new TrustPermissionRepository(database),
);
const app = Fastify({ logger: false });

const child = serveAsBenchChild(async () => {
  await app.close();
  await database.onApplicationShutdown();
});
await database.onModuleInit();

interface ToolCall {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: { name?: unknown; arguments?: unknown };
}

const rpcError = (id: unknown, code: number, message: string) => ({
  jsonrpc: '2.0',
  id,
  error: { code, message },
});

app.post<{ Body: ToolCall }>('/bare/tool', async (request) => {
  const message = request.body;
  return { jsonrpc: '2.0', id: message.id, result: toolResult(await echoTool(message.params?.arguments)) };
});

app.post<{ Params: { id: string }; Body: ToolCall }>('/:id/tool', async (request, reply) => {
  const message = request.body;
  const name = message?.params?.name;
  if (message?.jsonrpc !== '2.0' || message.method !== 'tools/call' || typeof name !== 'string') {
    return reply.status(400).send(rpcError(null, -32600, 'Invalid Request'));
  }
  const actor = await actors.findById(request.params.id);
  if (!actor) return reply.status(404).send(rpcError(message.id, -32000, 'Actor not found'));
  const header = request.headers.authorization;
  const credential = header?.startsWith('Bearer ')
    ? await trusts.findCredential(actor.id, header.slice(7))
    : null;
  if (!credential?.approved)
    return reply.status(401).send(rpcError(message.id, -32001, 'Authentication required'));
  const decision = await permissions.decide(
    actor.id,
    credential.peerId,
    credential.relationship,
    'tools',
    name,
    'use',
  );
  if (decision !== 'allowed') return rpcError(message.id, -32003, 'Access denied');
  return { jsonrpc: '2.0', id: message.id, result: toolResult(await echoTool(message.params?.arguments)) };
});

await app.listen({ port: 0, host: '127.0.0.1' });
child.ready((app.server.address() as AddressInfo).port);

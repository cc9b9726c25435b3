/*
 * MCP benchmark server: a Nest application with ActingWebModule on Fastify and
 * one provider exposing the trivial async tool (`bench/servers/mcp-tool.ts`)
 * as an action hook + MCP tool. Storage comes from BENCH_STORAGE.
 */
import type { AddressInfo } from 'node:net';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActingWebModule } from '../../libs/actingweb/src/actingweb.module.js';
import type { StorageOptions } from '../../libs/actingweb/src/config/actingweb-options.interface.js';
import { ActionHook, McpTool } from '../../libs/actingweb/src/hooks/hook.decorators.js';
import type { ActionHookContext } from '../../libs/actingweb/src/hooks/hook.types.js';
import { serveAsBenchChild, storageFromEnv } from '../lib/child.js';
import { echoTool, TOOL_NAME } from './mcp-tool.js';

@Injectable()
class BenchTools {
  @ActionHook(TOOL_NAME)
  @McpTool({
    description: 'Echoes its text',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
  })
  echo(ctx: ActionHookContext) {
    return echoTool(ctx.data);
  }
}

@Module({
  imports: [
    ActingWebModule.forRoot({
      type: 'urn:actingweb:bench.example:mcp',
      baseUrl: process.env.BENCH_BASE_URL ?? 'http://127.0.0.1/',
      storage: storageFromEnv<StorageOptions>(),
      // The authorization server, so OAuth access tokens are checked too (bench/mcp.ts).
      identity: {},
    }),
  ],
  providers: [BenchTools],
})
class McpBenchModule {}

const app = await NestFactory.create<NestFastifyApplication>(McpBenchModule, new FastifyAdapter(), {
  logger: ['error', 'warn'],
});
const child = serveAsBenchChild(() => app.close());
await app.listen(0, '127.0.0.1');
child.ready((app.getHttpServer().address() as AddressInfo).port);

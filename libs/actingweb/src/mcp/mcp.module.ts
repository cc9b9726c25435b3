import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HooksModule } from '../hooks/hooks.module.js';
import { HttpPlumbingModule } from '../http/http-plumbing.module.js';
import { PermissionsModule } from '../permissions/permissions.module.js';
import { PropertiesModule } from '../properties/properties.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { McpAuthenticator } from './mcp-auth.service.js';
import { McpCatalog } from './mcp-catalog.service.js';
import { McpRoutes } from './mcp.routes.js';
import { mcpTokenChainProvider, TrustSecretMcpTokenResolver } from './mcp-token-resolver.js';
import { McpToolSchemas } from './mcp-tool-schemas.js';
import { McpTools } from './mcp-tools.service.js';
import { McpService } from './mcp.service.js';

/**
 * The MCP server at `/mcp` and `/<id>/mcp`: routes registered on Fastify at
 * init (a Fastify plugin, no Nest controller), tools, prompts and resources
 * from the hooks. `McpService` is exported for the identity feature
 * (protected-resource metadata).
 */
@Module({
  imports: [StorageModule, HttpPlumbingModule, HooksModule, PermissionsModule, PropertiesModule, AuthModule],
  providers: [
    TrustSecretMcpTokenResolver,
    mcpTokenChainProvider,
    McpAuthenticator,
    McpToolSchemas,
    McpTools,
    McpCatalog,
    McpService,
    McpRoutes,
  ],
  exports: [McpService],
})
export class McpModule {}

import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HookExplorer } from './hook-explorer.service.js';
import { HookInvoker } from './hook-invoker.service.js';
import { HookRegistry } from './hook-registry.service.js';

/** Finds the application's hook methods at bootstrap (registry) and runs them per kind (invoker). */
@Module({
  imports: [DiscoveryModule],
  providers: [HookRegistry, HookExplorer, HookInvoker],
  exports: [HookRegistry, HookInvoker],
})
export class HooksModule {}

import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { getHookMetadata } from './hook.decorators.js';
import { HookRegistry } from './hook-registry.service.js';

type InstanceWrapper = ReturnType<DiscoveryService['getProviders']>[number];

/**
 * Finds the hook-decorated methods of every provider and controller at
 * application bootstrap and registers them, bound to their instance.
 */
@Injectable()
export class HookExplorer implements OnApplicationBootstrap {
  private readonly logger = new Logger(HookExplorer.name);
  /** Methods already registered, per instance: scanning again registers nothing twice. */
  private readonly scanned = new WeakMap<object, Set<string>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: HookRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.explore();
  }

  /** Scans all providers and controllers; safe to call more than once. */
  explore(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      this.exploreWrapper(wrapper);
    }
  }

  private exploreWrapper(wrapper: InstanceWrapper): void {
    if (wrapper.isAlias) return;
    if (!wrapper.isDependencyTreeStatic()) {
      const prototype: unknown = typeof wrapper.metatype === 'function' ? wrapper.metatype.prototype : null;
      if (this.hookMethodNames(prototype).length > 0) {
        this.logger.warn(
          `${String(wrapper.name)} is request-scoped or transient; its hooks are ignored. ` +
            'Hook providers must be singletons.',
        );
      }
      return;
    }
    const instance: unknown = wrapper.instance;
    if (typeof instance !== 'object' || instance === null) return;
    this.exploreInstance(instance);
  }

  private exploreInstance(instance: object): void {
    const prototype: unknown = Object.getPrototypeOf(instance);
    const done = this.scanned.get(instance) ?? new Set<string>();
    this.scanned.set(instance, done);
    const className = instance.constructor?.name ?? 'Object';
    for (const methodName of this.hookMethodNames(prototype)) {
      if (done.has(methodName)) continue;
      done.add(methodName);
      const method = (prototype as Record<string, (ctx: never) => unknown>)[methodName];
      const label = `${className}.${methodName}`;
      const { hooks, mcp } = this.registry.registerDecorated({
        entries: getHookMetadata(method),
        handler: method.bind(instance),
        methodName,
        label,
      });
      for (const hook of hooks) this.logger.log(`${label} -> ${hook.kind}:${hook.name}`);
      for (const entry of mcp) this.logger.log(`${label} -> ${entry}`);
    }
  }

  private hookMethodNames(prototype: unknown): string[] {
    if (typeof prototype !== 'object' || prototype === null) return [];
    return this.scanner
      .getAllMethodNames(prototype)
      .filter((name) => getHookMetadata((prototype as Record<string, unknown>)[name]).length > 0);
  }
}

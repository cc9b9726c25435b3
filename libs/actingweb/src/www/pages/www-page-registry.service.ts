import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebConfigError } from '../../errors/startup-errors.js';
import {
  WWW_PAGE_METADATA,
  type WwwPageContext,
  type WwwPageMetadata,
  type WwwPageResult,
} from '../www-page.decorator.js';

/** An application page, found on a provider. */
export interface AppPage {
  readonly path: string;
  readonly title: string;
  readonly nav: boolean;
  readonly label: string;
  readonly handler: (ctx: WwwPageContext) => WwwPageResult | Promise<WwwPageResult>;
}

/** First segments the console's own pages use; an application page cannot start with one. */
export const CONSOLE_SEGMENTS: ReadonlySet<string> = new Set([
  'properties',
  'trust',
  'subscriptions',
  'clients',
  'methods',
  'assets',
]);
const SEGMENT = /^(?:[a-z0-9][a-z0-9_-]{0,63}|:[A-Za-z][A-Za-z0-9_]{0,63})$/;

/**
 * The application's console pages (`@WwwPage`), found on every singleton
 * provider and controller when the module initializes (with `www` on). A bad
 * path, a path taken twice or one that would shadow a console page stops the start.
 */
@Injectable()
export class WwwPageRegistry implements OnModuleInit {
  private readonly logger = new Logger('ActingWebConsole');
  private found: AppPage[] | null = null;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.www.enabled) this.pages();
  }

  /** Every application page, discovered once. */
  pages(): readonly AppPage[] {
    if (this.found) return this.found;
    const pages: AppPage[] = [];
    const problems: string[] = [];
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance: unknown = wrapper.instance;
      if (wrapper.isAlias || !wrapper.isDependencyTreeStatic()) continue;
      if (typeof instance !== 'object' || instance === null) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        const meta = Reflect.getMetadata(WWW_PAGE_METADATA, method) as WwwPageMetadata | undefined;
        if (!meta) continue;
        const label = `${instance.constructor.name}.${name}`;
        const problem = pathProblem(meta.path, pages);
        if (problem) {
          problems.push(`@WwwPage(${JSON.stringify(meta.path)}) on ${label}: ${problem}`);
          continue;
        }
        const title = meta.options.title ?? meta.path;
        pages.push({
          path: meta.path,
          title,
          nav: (meta.options.nav ?? true) && !meta.path.includes(':'),
          label,
          handler: (method as AppPage['handler']).bind(instance),
        });
        this.logger.log(`${label} -> console page /<actorId>/www/${meta.path}`);
      }
    }
    if (problems.length > 0) throw new ActingWebConfigError(problems.map((p) => `www pages: ${p}`));
    return (this.found = pages);
  }
}

function pathProblem(path: unknown, taken: readonly AppPage[]): string | null {
  if (typeof path !== 'string' || path === '') return 'the path must be a non-empty string';
  const segments = path.split('/');
  if (!segments.every((s) => SEGMENT.test(s)))
    return 'each path segment must be lowercase letters, digits, "-" and "_", or a :parameter';
  if (segments[0].startsWith(':')) return 'the path must start with a fixed segment';
  if (CONSOLE_SEGMENTS.has(segments[0])) return `"${segments[0]}" is a console page`;
  if (taken.some((p) => p.path === path)) return 'another page has this path';
  return null;
}

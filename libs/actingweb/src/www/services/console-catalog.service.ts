import { Inject, Injectable } from '@nestjs/common';
import { HookRegistry } from '../../hooks/hook-registry.service.js';

/** A method, action or MCP tool as the methods page lists it. */
export interface CatalogEntry {
  readonly name: string;
  readonly description: string;
  /** The argument names of its input schema, if it has one. */
  readonly inputs: readonly string[];
}

/** What the application declares: methods and actions (`@MethodHook`, `@ActionHook`) and MCP tools. */
@Injectable()
export class ConsoleCatalog {
  constructor(@Inject(HookRegistry) private readonly hooks: HookRegistry) {}

  methods(): CatalogEntry[] {
    return this.hooks.listMetadata('method').map((l) => entry(l.name, l.description, l.inputSchema));
  }

  actions(): CatalogEntry[] {
    return this.hooks.listMetadata('action').map((l) => entry(l.name, l.description, l.inputSchema));
  }

  tools(): CatalogEntry[] {
    return this.hooks.mcpTools().map((t) => entry(t.name, t.description, t.inputSchema));
  }
}

function entry(
  name: string,
  description: string | undefined,
  schema: Record<string, unknown> | undefined,
): CatalogEntry {
  const properties = schema?.properties;
  const inputs = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
  return { name, description: description ?? '', inputs: inputs.sort() };
}

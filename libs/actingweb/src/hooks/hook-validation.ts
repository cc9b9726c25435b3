import type {
  McpPromptOptions,
  McpResourceOptions,
  McpToolOptions,
  MethodHookOptions,
  PropertyHookOptions,
  PropertyOperation,
} from './hook.types.js';
import { isPlainObject } from '../common/json.js';

const PROPERTY_OPERATIONS: readonly PropertyOperation[] = ['get', 'put', 'post', 'delete'];

/** Throws unless `value` is a non-blank string. */
export function assertName(decorator: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`@${decorator}: ${what} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

function assertOptionalName(decorator: string, what: string, value: unknown): void {
  if (value !== undefined) assertName(decorator, what, value);
}

function assertOptionalString(decorator: string, what: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') {
    throw new Error(`@${decorator}: ${what} must be a string`);
  }
}

function assertOptionalObject(decorator: string, what: string, value: unknown): void {
  if (value !== undefined && !isPlainObject(value)) {
    throw new Error(`@${decorator}: ${what} must be a plain object`);
  }
}

function assertOptionsObject(decorator: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new Error(`@${decorator}: options must be an object`);
  }
}

function assertPriority(decorator: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    throw new Error(`@${decorator}: priority must be a finite number, got ${String(value)}`);
  }
}

export function validatePropertyOptions(opts: PropertyHookOptions | undefined): void {
  assertOptionsObject('PropertyHook', opts);
  assertPriority('PropertyHook', opts?.priority);
  const operations: unknown = opts?.operations;
  if (operations === undefined) return;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw new Error(
      `@PropertyHook: operations must be a non-empty array of ${PROPERTY_OPERATIONS.join(', ')}`,
    );
  }
  for (const op of operations) {
    if (!PROPERTY_OPERATIONS.includes(op as PropertyOperation)) {
      throw new Error(
        `@PropertyHook: unknown operation ${JSON.stringify(op)}; expected one of ${PROPERTY_OPERATIONS.join(', ')}`,
      );
    }
  }
}

export function validateMethodOptions(decorator: string, opts: MethodHookOptions | undefined): void {
  assertOptionsObject(decorator, opts);
  assertOptionalString(decorator, 'description', opts?.description);
  assertOptionalObject(decorator, 'inputSchema', opts?.inputSchema);
  assertOptionalObject(decorator, 'outputSchema', opts?.outputSchema);
  assertOptionalObject(decorator, 'annotations', opts?.annotations);
  assertPriority(decorator, opts?.priority);
}

export function validateMcpToolOptions(opts: McpToolOptions): void {
  if (!isPlainObject(opts)) throw new Error('@McpTool: options with a description are required');
  assertOptionalName('McpTool', 'name', opts.name);
  assertName('McpTool', 'description', opts.description);
  assertOptionalString('McpTool', 'title', opts.title);
  assertOptionalObject('McpTool', 'inputSchema', opts.inputSchema);
  assertOptionalObject('McpTool', 'outputSchema', opts.outputSchema);
  assertOptionalObject('McpTool', 'annotations', opts.annotations);
  const clients: unknown = opts.allowedClients;
  if (clients !== undefined && (!Array.isArray(clients) || clients.some((c) => typeof c !== 'string'))) {
    throw new Error('@McpTool: allowedClients must be an array of strings');
  }
  const descriptions: unknown = opts.clientDescriptions;
  if (
    descriptions !== undefined &&
    (!isPlainObject(descriptions) || Object.values(descriptions).some((d) => typeof d !== 'string'))
  ) {
    throw new Error('@McpTool: clientDescriptions must map client families to strings');
  }
  assertOptionalObject('McpTool', 'requiredClientCapabilities', opts.requiredClientCapabilities);
}

export function validateMcpPromptOptions(opts: McpPromptOptions | undefined): void {
  assertOptionsObject('McpPrompt', opts);
  assertOptionalName('McpPrompt', 'name', opts?.name);
  assertOptionalString('McpPrompt', 'description', opts?.description);
  const args: unknown = opts?.arguments;
  if (args === undefined) return;
  if (!Array.isArray(args)) throw new Error('@McpPrompt: arguments must be an array');
  for (const arg of args as unknown[]) {
    if (!isPlainObject(arg)) throw new Error('@McpPrompt: each argument must be an object with a name');
    assertName('McpPrompt', 'argument name', arg.name);
  }
}

export function validateMcpResourceOptions(opts: McpResourceOptions): void {
  if (!isPlainObject(opts))
    throw new Error('@McpResource: options with a name and a uri or uriTemplate are required');
  assertName('McpResource', 'name', opts.name);
  assertOptionalName('McpResource', 'uri', opts.uri);
  assertOptionalName('McpResource', 'uriTemplate', opts.uriTemplate);
  if ((opts.uri === undefined) === (opts.uriTemplate === undefined)) {
    throw new Error(`@McpResource(${opts.name}): exactly one of uri and uriTemplate is required`);
  }
  assertOptionalString('McpResource', 'description', opts.description);
  assertOptionalString('McpResource', 'mimeType', opts.mimeType);
}

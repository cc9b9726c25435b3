import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isPlainObject } from '../common/json.js';
import { JSONRPC_ERRORS, JsonRpcError } from '../common/json-rpc.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { McpToolEntry } from '../hooks/hook-registry.types.js';
import type { HeaderParam } from './mcp-eras.js';

/** A tool's schemas, compiled once. */
interface CompiledTool {
  readonly input?: ValidateFunction;
  readonly output?: ValidateFunction;
  /** Arguments mirrored into `Mcp-Param-*` headers (`x-mcp-header`). */
  readonly headerParams: readonly HeaderParam[];
}

type Schema = Record<string, unknown>;

const DRAFT_2020_12 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;
const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
/** RFC 9110 §5.6.2 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Subschemas an `x-mcp-header` may not sit in: only a chain of `properties` is statically reachable. */
const UNREACHABLE = [
  'items',
  'prefixItems',
  'contains',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'if',
  'then',
  'else',
];
/** Keywords holding a map of subschemas, equally unreachable. */
const UNREACHABLE_MAPS = ['patternProperties', 'dependentSchemas', '$defs', 'definitions'];

/**
 * Tool `inputSchema`s and `outputSchema`s as validators (ajv): JSON Schema
 * 2020-12 unless a schema names draft-07 in `$schema` (MCP "JSON Schema
 * usage"); any other dialect, an invalid schema, an unresolvable `$ref` (never
 * fetched) or a bad `x-mcp-header` fails at startup, naming the tool. `format`
 * is an annotation, as in 2020-12. Compiled at application bootstrap (after
 * the hooks are found) and, for tools registered later, on first use.
 */
@Injectable()
export class McpToolSchemas implements OnApplicationBootstrap {
  private readonly compiled = new WeakMap<McpToolEntry, CompiledTool>();
  private validators?: { draft2020: Ajv2020; draft07: Ajv };

  constructor(@Inject(HookRegistry) private readonly registry: HookRegistry) {}

  onApplicationBootstrap(): void {
    for (const tool of this.registry.mcpTools()) this.of(tool);
  }

  /** `-32602` naming the first failing path unless `args` match the tool's input schema. */
  checkArguments(tool: McpToolEntry, args: Record<string, unknown>): void {
    const validate = this.of(tool).input;
    if (!validate || validate(args)) return;
    const { path, problem } = describe(validate.errors?.[0]);
    throw new JsonRpcError(
      JSONRPC_ERRORS.INVALID_PARAMS,
      `Invalid arguments for tool ${tool.name}: ${path} ${problem}`,
      200,
      { path, problem },
    );
  }

  /** Why `structuredContent` does not match the tool's output schema, or undefined when it does. */
  outputProblem(tool: McpToolEntry, structuredContent: unknown): string | undefined {
    const validate = this.of(tool).output;
    if (!validate || validate(structuredContent)) return undefined;
    const { path, problem } = describe(validate.errors?.[0]);
    return `${path} ${problem}`;
  }

  headerParams(tool: McpToolEntry): readonly HeaderParam[] {
    return this.of(tool).headerParams;
  }

  private of(tool: McpToolEntry): CompiledTool {
    let compiled = this.compiled.get(tool);
    if (!compiled) {
      compiled = {
        input: tool.inputSchema && this.compile(tool, 'inputSchema', objectSchema(tool.inputSchema)),
        output: tool.outputSchema && this.compile(tool, 'outputSchema', objectSchema(tool.outputSchema)),
        headerParams: tool.inputSchema ? headerParamsOf(tool, tool.inputSchema) : [],
      };
      this.compiled.set(tool, compiled);
    }
    return compiled;
  }

  private compile(tool: McpToolEntry, what: string, schema: Schema): ValidateFunction {
    const dialect = schema.$schema;
    const { draft2020, draft07 } = (this.validators ??= createValidators());
    let ajv: Ajv | Ajv2020;
    if (dialect === undefined || (typeof dialect === 'string' && DRAFT_2020_12.test(dialect)))
      ajv = draft2020;
    else if (typeof dialect === 'string' && DRAFT_07.test(dialect)) ajv = draft07;
    else {
      throw new Error(
        `@McpTool(${tool.name}) ${what}: $schema ${JSON.stringify(dialect)} is not supported ` +
          '(JSON Schema 2020-12, the default, and draft-07 are)',
      );
    }
    try {
      return ajv.compile(schema);
    } catch (err) {
      throw new Error(
        `@McpTool(${tool.name}) ${what} is not a valid JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
}

/** Tool schemas must be `type: "object"` at the root (the SDKs reject the whole list otherwise). */
export function objectSchema(schema: Schema): Schema {
  return schema.type === 'object' ? schema : { ...schema, type: 'object' };
}

function createValidators(): { draft2020: Ajv2020; draft07: Ajv } {
  const options: Options = {
    strict: false, // unknown keywords (x-mcp-header, vendor annotations) are annotations
    validateFormats: false, // `format` is an annotation in 2020-12
    unicodeRegExp: false, // patterns as JavaScript reads them (class-validator `Matches`)
    addUsedSchema: false, // two tools may use the same `$id`
    allErrors: false,
  };
  return { draft2020: new Ajv2020(options), draft07: new Ajv(options) };
}

/** The failing JSON Pointer and what is wrong there, from ajv's first error. */
function describe(error: ErrorObject | undefined): { path: string; problem: string } {
  if (!error) return { path: '/', problem: 'is invalid' };
  let path = error.instancePath;
  let problem = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    path += `/${pointerToken(params.missingProperty)}`;
    problem = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    path += `/${pointerToken(params.additionalProperty)}`;
    problem = 'is not allowed';
  }
  return { path: path === '' ? '/' : path, problem };
}

function pointerToken(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The `x-mcp-header` declarations of an input schema (MCP 2026-07-28
 * "x-mcp-header"): on properties reachable through `properties` only, a
 * token, unique ignoring case, on a string, integer or boolean property.
 */
function headerParamsOf(tool: McpToolEntry, schema: Schema): HeaderParam[] {
  const found: HeaderParam[] = [];
  const seen = new Set<string>();
  const fail = (path: readonly string[], problem: string): never => {
    throw new Error(`@McpTool(${tool.name}) inputSchema: x-mcp-header at /${path.join('/')} ${problem}`);
  };
  const visit = (node: unknown, path: string[], reachable: boolean): void => {
    if (!isPlainObject(node)) return;
    if (Object.hasOwn(node, 'x-mcp-header')) {
      const name = node['x-mcp-header'];
      if (!reachable || path.length === 0)
        fail(path, 'is only allowed on properties reached through "properties"');
      if (typeof name !== 'string' || !TOKEN.test(name)) fail(path, 'must be a header name token');
      if (!['string', 'integer', 'boolean'].includes(node.type as string)) {
        fail(path, 'is only allowed on string, integer and boolean properties');
      }
      const lower = (name as string).toLowerCase();
      if (seen.has(lower)) fail(path, `repeats ${JSON.stringify(name)}`);
      seen.add(lower);
      found.push({ header: name as string, path: [...path] });
    }
    if (isPlainObject(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) visit(child, [...path, key], reachable);
    }
    for (const keyword of UNREACHABLE) {
      const sub = node[keyword];
      for (const branch of Array.isArray(sub) ? sub : [sub]) visit(branch, [...path, keyword], false);
    }
    for (const keyword of UNREACHABLE_MAPS) {
      const map = node[keyword];
      if (isPlainObject(map))
        for (const branch of Object.values(map)) visit(branch, [...path, keyword], false);
    }
  };
  visit(schema, [], true);
  return found;
}

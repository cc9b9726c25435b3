import 'reflect-metadata';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

type Schema = Record<string, unknown>;

/** Options of {@link jsonSchemaFromDto}. @publicApi */
export interface DtoSchemaOptions {
  /** `description` of the schema. */
  description?: string;
  /** Extra per-property schema keywords (e.g. descriptions), merged over the derived ones. */
  properties?: Record<string, Schema>;
}

/**
 * A JSON Schema (`type: "object"`) for a class-validator DTO, for
 * `@McpTool({ inputSchema })` and `@ActionHook`/`@MethodHook` listings, so one
 * class both documents and validates a tool's arguments:
 *
 * ```ts
 * class SearchDto {
 *   @IsString() @MaxLength(200) query!: string;
 *   @IsOptional() @IsInt() @Min(1) @Max(50) limit?: number;
 * }
 *
 * @ActionHook('search')
 * @McpTool({ description: 'Search notes', inputSchema: jsonSchemaFromDto(SearchDto) })
 * async search(ctx: ActionHookContext) {
 *   const args = await validateBody(SearchDto, ctx.data); // 4xx → an isError result listing the problems
 *   ...
 * }
 * ```
 *
 * Understood: the type checks (`IsString`, `IsInt`, `IsNumber`, `IsBoolean`,
 * `IsArray`, `IsObject`, `IsIn`, `IsEnum`, formats `IsEmail`, `IsUrl`,
 * `IsUUID`, `IsDateString`/`IsISO8601`), bounds (`Min`, `Max`, `MinLength`,
 * `MaxLength`, `Length`, `ArrayMinSize`, `ArrayMaxSize`, `IsNotEmpty`,
 * `Matches`), `each: true` (array items) and `IsOptional` (everything else is
 * `required`). Without a type check the TypeScript type (`design:type`) is
 * used. Other validators are ignored: the schema may be looser than the DTO,
 * never stricter, so validate in the hook as shown.
 *
 * @publicApi
 */
export function jsonSchemaFromDto(
  dto: abstract new (...args: never[]) => object,
  options: DtoSchemaOptions = {},
): Schema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const m of metadata) {
    const list = byProperty.get(m.propertyName) ?? [];
    list.push(m);
    byProperty.set(m.propertyName, list);
  }
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [property, list] of byProperty) {
    const item: Schema = {};
    const outer: Schema = {};
    let optional = false;
    let each = false;
    for (const m of list) {
      if (m.type === 'conditionalValidation') {
        optional = true;
        continue;
      }
      const target = m.each ? item : outer;
      if (m.each) each = true;
      apply(target, m.name ?? '', m.constraints ?? []);
    }
    let schema: Schema;
    if (each || outer.type === 'array') {
      const { type: _type, minItems, maxItems, ...rest } = outer;
      schema = {
        ...rest,
        type: 'array',
        ...(Object.keys(item).length > 0 && { items: item }),
        ...(minItems !== undefined && { minItems }),
        ...(maxItems !== undefined && { maxItems }),
      };
    } else {
      schema = outer;
      if (schema.type === undefined && schema.enum === undefined) {
        const designed = designType(dto, property);
        if (designed) schema.type = designed;
      }
    }
    properties[property] = { ...schema, ...(options.properties?.[property] ?? {}) };
    if (!optional) required.push(property);
  }
  return {
    type: 'object',
    ...(options.description !== undefined && { description: options.description }),
    properties,
    ...(required.length > 0 && { required }),
  };
}

function apply(schema: Schema, name: string, constraints: unknown[]): void {
  const [first, second] = constraints;
  switch (name) {
    case 'isString':
      schema.type = 'string';
      break;
    case 'isInt':
      schema.type = 'integer';
      break;
    case 'isNumber':
    case 'isNumberString':
      schema.type = name === 'isNumber' ? 'number' : 'string';
      break;
    case 'isBoolean':
      schema.type = 'boolean';
      break;
    case 'isArray':
      schema.type = 'array';
      break;
    case 'isObject':
      schema.type = 'object';
      break;
    case 'isIn':
      if (Array.isArray(first)) schema.enum = [...first];
      break;
    case 'isEnum':
      if (first && typeof first === 'object') schema.enum = enumValues(first as Record<string, unknown>);
      break;
    case 'isEmail':
      Object.assign(schema, { type: 'string', format: 'email' });
      break;
    case 'isUrl':
      Object.assign(schema, { type: 'string', format: 'uri' });
      break;
    case 'isUuid':
    case 'isUUID':
      Object.assign(schema, { type: 'string', format: 'uuid' });
      break;
    case 'isDateString':
    case 'isIso8601':
    case 'isISO8601':
      Object.assign(schema, { type: 'string', format: 'date-time' });
      break;
    case 'min':
      if (typeof first === 'number') schema.minimum = first;
      break;
    case 'max':
      if (typeof first === 'number') schema.maximum = first;
      break;
    case 'minLength':
      if (typeof first === 'number') schema.minLength = first;
      break;
    case 'maxLength':
      if (typeof first === 'number') schema.maxLength = first;
      break;
    case 'isLength':
      if (typeof first === 'number') schema.minLength = first;
      if (typeof second === 'number') schema.maxLength = second;
      break;
    case 'isNotEmpty':
      if (schema.type === 'string' || schema.type === undefined) schema.minLength ??= 1;
      break;
    case 'arrayMinSize':
      if (typeof first === 'number') schema.minItems = first;
      break;
    case 'arrayMaxSize':
      if (typeof first === 'number') schema.maxItems = first;
      break;
    case 'matches':
      if (first instanceof RegExp) schema.pattern = first.source;
      else if (typeof first === 'string') schema.pattern = first;
      break;
    default:
      break;
  }
}

/** TypeScript enums: the values, without the reverse mapping of numeric enums. */
function enumValues(e: Record<string, unknown>): unknown[] {
  return Object.keys(e)
    .filter((key) => !/^\d+$/.test(key))
    .map((key) => e[key]);
}

function designType(dto: abstract new (...args: never[]) => object, property: string): string | undefined {
  const type: unknown = Reflect.getMetadata('design:type', dto.prototype, property);
  if (type === String) return 'string';
  if (type === Number) return 'number';
  if (type === Boolean) return 'boolean';
  if (type === Array) return 'array';
  return undefined;
}

import { Inject, Injectable } from '@nestjs/common';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { Caller } from '../common/caller.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { HookInvoker, type HookDispatchResult } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { PermissionGate } from '../permissions/permission-gate.js';

/** Prefix of the callback hooks that serve `/resources/<name>`. */
export const RESOURCE_HOOK_PREFIX = 'resource_';

/** The trust-permission operation (category `resources`) of each HTTP method. */
const OPERATION = { GET: 'read', POST: 'write', PUT: 'write', DELETE: 'delete' } as const;

/** The HTTP methods `/resources/<name>` serves. */
export type ResourceMethod = keyof typeof OPERATION;

const MAX_SEGMENT_LENGTH = 255;
const MAX_SEGMENTS = 32;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * The `data` a `resource_<name>` callback hook receives.
 *
 * @publicApi
 */
export interface ResourceHookData {
  /** The HTTP method, upper case. */
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path segments below the name: `/resources/notes/2024/05` → `['2024', '05']`. */
  readonly path: readonly string[];
  /** The parsed request body (POST and PUT). */
  readonly body?: unknown;
}

/**
 * `/resources`: each `/resources/<name>[/<sub>...]` request runs the callback
 * hooks named `resource_<name>` with {@link ResourceHookData} (the reference's
 * mapping, with the sub-path and body kept apart from the method). Trust peers
 * are checked against their `resources` permissions on `<name>/<sub>...`
 * (read for GET, write for POST/PUT, delete for DELETE) before any hook runs.
 */
@Injectable()
export class ResourcesService {
  constructor(
    @Inject(HookRegistry) private readonly registry: HookRegistry,
    @Inject(HookInvoker) private readonly invoker: HookInvoker,
    @Inject(PermissionGate) private readonly gate: PermissionGate,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /** Names with a `resource_<name>` callback hook, in registration order. */
  names(): string[] {
    const names = new Set<string>();
    for (const hook of this.registry.list()) {
      if (hook.kind === 'callback' && hook.name.startsWith(RESOURCE_HOOK_PREFIX)) {
        const name = hook.name.slice(RESOURCE_HOOK_PREFIX.length);
        if (name) names.add(name);
      }
    }
    return [...names];
  }

  async call(
    actor: ActorRecord,
    caller: Caller,
    rawPath: string,
    method: ResourceMethod,
    body: unknown,
  ): Promise<HookDispatchResult> {
    const segments = rawPath.split('/').filter((s) => s !== '');
    if (
      segments.length === 0 ||
      segments.length > MAX_SEGMENTS ||
      segments.some(
        (s) => s.length > MAX_SEGMENT_LENGTH || s === '.' || s === '..' || CONTROL_CHARACTERS.test(s),
      )
    ) {
      throw new NotFoundError('No such resource', 'resource_not_found');
    }
    (await this.gate.for(actor, caller, 'rules')).assert('resources', segments.join('/'), OPERATION[method]);
    const [name, ...path] = segments;
    const data: ResourceHookData = { method, path, ...(body !== undefined && { body }) };
    return this.invoker.runCallback(
      {
        actor: this.handles.create(actor),
        name: RESOURCE_HOOK_PREFIX + name,
        data,
        caller,
        httpMethod: method,
      },
      { answersWithError: true },
    );
  }
}

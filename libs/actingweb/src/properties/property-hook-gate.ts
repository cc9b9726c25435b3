import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import { BadRequestError, ForbiddenError } from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { PropertyHookContext, PropertyListOperation } from '../hooks/hook.types.js';

/**
 * How property hooks decide (docs/properties.md#property-hooks), in one place for
 * simple and list properties. Every method is a no-op when no hook is
 * registered for the name or for `'*'` (the common case, kept off the hot path).
 */
@Injectable()
export class PropertyHookGate {
  constructor(
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(HookRegistry) private readonly registry: HookRegistry,
  ) {}

  has(name: string): boolean {
    return this.registry.has('property', name) || this.registry.has('property', '*');
  }

  /** The value after get hooks; null/undefined means a hook hid it (→ 404, left out of listings). */
  async afterGet(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    path: readonly string[],
    value: unknown,
  ): Promise<unknown> {
    if (!this.has(name)) return value;
    const result = await this.hooks.runProperty({
      actor,
      operation: 'get',
      name,
      path: [...path],
      value,
      caller,
    });
    return result.value;
  }

  /**
   * Runs put/post hooks; `rejected` when a hook returned null (an error a hook throws propagates).
   * `listOperation`: what the write does to a list property, for the hooks to see.
   */
  async write(
    actor: ActorHandle,
    caller: Caller,
    operation: 'put' | 'post',
    name: string,
    path: readonly string[],
    value: unknown,
    listOperation?: PropertyListOperation,
  ): Promise<{ value: unknown; rejected: boolean }> {
    if (!this.has(name)) return { value, rejected: false };
    return this.hooks.runProperty(
      withListOperation({ actor, operation, name, path: [...path], value, caller }, listOperation),
    );
  }

  /** The value to store; a rejected write is a 400 "Payload is not accepted" (nothing is stored). */
  async accept(
    actor: ActorHandle,
    caller: Caller,
    operation: 'put' | 'post',
    name: string,
    path: readonly string[],
    value: unknown,
    listOperation?: PropertyListOperation,
  ): Promise<unknown> {
    const result = await this.write(actor, caller, operation, name, path, value, listOperation);
    if (result.rejected) throw new BadRequestError('Payload is not accepted', 'rejected_by_hook');
    return result.value;
  }

  /** Delete hooks get the current value; a hook that turns it into null refuses the delete (403). */
  async allowDelete(
    actor: ActorHandle,
    caller: Caller,
    name: string,
    path: readonly string[],
    current: unknown,
    listOperation?: PropertyListOperation,
  ): Promise<void> {
    if (!this.has(name)) return;
    const result = await this.hooks.runProperty(
      withListOperation(
        { actor, operation: 'delete', name, path: [...path], value: current ?? true, caller },
        listOperation,
      ),
    );
    if (result.value === null || result.value === undefined || result.rejected) {
      throw new ForbiddenError('Delete refused by the application', 'rejected_by_hook');
    }
  }
}

/** The context, with `listOperation` only when there is one (simple properties have none). */
function withListOperation(
  ctx: PropertyHookContext,
  listOperation: PropertyListOperation | undefined,
): PropertyHookContext {
  return listOperation === undefined ? ctx : { ...ctx, listOperation };
}

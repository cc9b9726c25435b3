import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { Caller } from '../common/caller.js';
import { BadRequestError, ForbiddenError } from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';

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

  /** Runs put/post hooks; `rejected` when a hook returned null (an error a hook throws propagates). */
  async write(
    actor: ActorHandle,
    caller: Caller,
    operation: 'put' | 'post',
    name: string,
    path: readonly string[],
    value: unknown,
  ): Promise<{ value: unknown; rejected: boolean }> {
    if (!this.has(name)) return { value, rejected: false };
    return this.hooks.runProperty({ actor, operation, name, path: [...path], value, caller });
  }

  /** The value to store; a rejected write is a 400 "Payload is not accepted" (nothing is stored). */
  async accept(
    actor: ActorHandle,
    caller: Caller,
    operation: 'put' | 'post',
    name: string,
    path: readonly string[],
    value: unknown,
  ): Promise<unknown> {
    const result = await this.write(actor, caller, operation, name, path, value);
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
  ): Promise<void> {
    if (!this.has(name)) return;
    const result = await this.hooks.runProperty({
      actor,
      operation: 'delete',
      name,
      path: [...path],
      value: current ?? true,
      caller,
    });
    if (result.value === null || result.value === undefined || result.rejected) {
      throw new ForbiddenError('Delete refused by the application', 'rejected_by_hook');
    }
  }
}

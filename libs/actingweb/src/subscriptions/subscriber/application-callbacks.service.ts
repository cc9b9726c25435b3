import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../../common/caller.js';
import { AwConfig } from '../../config/aw-config.js';
import { NotFoundError, UnauthorizedError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { HookInvoker, type HookDispatchResult } from '../../hooks/hook-invoker.service.js';

/** `subscriptions/...` and `permissions/...` are the protocol's own callbacks, never an application's. */
const RESERVED = /^(subscriptions|permissions)(\/|$)/;

/**
 * Any other `/<me>/callbacks/<name>` (ActingWeb spec, "/callbacks"): the
 * application's `@CallbackHook`s for `<name>` (then `*`) answer it.
 */
@Injectable()
export class ApplicationCallbacks {
  constructor(
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  /**
   * Runs the hooks for `name` with the body (or, without one, the query). A
   * reserved name that no protocol route matched is 404 (401 first for an
   * anonymous caller, as on the protocol routes), and so is an empty name.
   */
  run(
    actor: ActorHandle,
    caller: Caller,
    httpMethod: string,
    path: string,
    input: unknown,
  ): Promise<HookDispatchResult> {
    const name = path.replace(/\/+$/, '');
    const reserved = RESERVED.test(name);
    if (reserved && caller.kind === 'anonymous')
      throw new UnauthorizedError('Authentication required', `Basic realm="${this.config.authRealm}"`);
    if (!name || reserved) throw new NotFoundError('No such callback', 'callback_not_found');
    return this.hooks.runCallback(
      { actor, name, data: input, caller, httpMethod },
      { answersWithError: true },
    );
  }
}

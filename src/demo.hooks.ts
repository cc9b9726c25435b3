import { Injectable, Logger } from '@nestjs/common';
import { ActionHook, LifecycleHook, type ActionHookContext, type LifecycleHookContext } from '@actingweb/nestjs';

/**
 * Demo hooks: plain methods on a provider, found by the module at startup.
 * Sync and async hooks are equally fine.
 */
@Injectable()
export class DemoHooks {
  private readonly logger = new Logger('DemoHooks');

  @LifecycleHook('actor_created')
  onActorCreated({ actor }: LifecycleHookContext): void {
    this.logger.log(`Actor ${actor.id} created for ${actor.creator}`);
  }

  @LifecycleHook('actor_deleted')
  async onActorDeleted({ actor }: LifecycleHookContext): Promise<void> {
    this.logger.log(`Actor ${actor.id} is being deleted`);
  }

  /** `POST /<id>/actions/echo` (served once the actions feature lands) returns what it was given. */
  @ActionHook('echo', { description: 'Returns its input unchanged.' })
  echo({ data }: ActionHookContext): unknown {
    return { echo: data ?? null };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { APPLICATION } from '../common/caller.js';
import { PropertiesService } from './properties.service.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import type { ActorHandle, ActorProperties } from '../hooks/actor-handle.js';

/**
 * Builds {@link ActorHandle}s: the actor's identity plus facades over the
 * singleton services, bound to that actor, acting as the application.
 */
@Injectable()
export class ActorHandleFactory {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PropertiesService) private readonly propertiesService: PropertiesService,
  ) {}

  create(record: ActorRecord): ActorHandle {
    return new BoundActorHandle(record, this.config.actorUrl(record.id), this.propertiesService);
  }
}

/**
 * One per request (the hot path builds one for every actor route), so the
 * property facade is only built when a hook or the application asks for it.
 */
class BoundActorHandle implements ActorHandle {
  readonly id: string;
  readonly creator: string;
  readonly trusteeRoot: string | null;
  #properties?: ActorProperties;

  constructor(
    record: ActorRecord,
    readonly url: string,
    private readonly service: PropertiesService,
  ) {
    this.id = record.id;
    this.creator = record.creator;
    this.trusteeRoot = record.trusteeRoot;
    Object.freeze(this);
  }

  get properties(): ActorProperties {
    return (this.#properties ??= propertiesFacade(this, this.service));
  }
}

function propertiesFacade(handle: ActorHandle, service: PropertiesService): ActorProperties {
  return Object.freeze({
    all: () => service.getAll(handle, APPLICATION),
    get: async (...path: string[]) => {
      try {
        return await service.get(handle, APPLICATION, path);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    set: (path: string | readonly string[], value: unknown) => service.put(handle, APPLICATION, toPath(path), value),
    setMany: (values: Record<string, unknown>) => service.post(handle, APPLICATION, values).then(() => undefined),
    delete: async (...path: string[]) => {
      try {
        await service.delete(handle, APPLICATION, path);
        return true;
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return false;
        throw err;
      }
    },
  });
}

function toPath(path: string | readonly string[]): string[] {
  return typeof path === 'string' ? path.split('/') : [...path];
}

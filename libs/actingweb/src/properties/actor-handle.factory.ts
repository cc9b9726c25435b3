import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { APPLICATION } from '../common/caller.js';
import { PropertiesService } from './properties.service.js';
import { parseListIndex, PropertyListsService } from './property-lists.service.js';
import { done, orMissing, propertyListHandle } from './property-list-handle.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import type {
  ActorHandle,
  ActorProperties,
  ActorPropertyList,
  ActorSubscriptions,
  ActorTrust,
} from '../hooks/actor-handle.js';

/**
 * Binds the trust and subscription managers' actor-scoped methods to one
 * actor. Those managers live in layers above this one, so the module that
 * sees them supplies the binders ({@link ActorHandleFactory.bindFacades}).
 */
export interface ActorFacadeBinders {
  trust(actor: ActorHandle): ActorTrust;
  subscriptions(actor: ActorHandle): ActorSubscriptions;
}

/** What every handle of one factory shares. */
interface HandleServices {
  readonly properties: PropertiesService;
  readonly lists: PropertyListsService;
  facades(): ActorFacadeBinders;
}

/**
 * Builds {@link ActorHandle}s: the actor's identity plus facades over the
 * singleton services, bound to that actor, acting as the application.
 */
@Injectable()
export class ActorHandleFactory {
  #binders?: ActorFacadeBinders;
  private readonly services: HandleServices;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(PropertiesService) properties: PropertiesService,
    @Inject(PropertyListsService) lists: PropertyListsService,
  ) {
    this.services = Object.freeze({
      properties,
      lists,
      facades: () => {
        if (!this.#binders)
          throw new Error(
            'actor.trust and actor.subscriptions are available once the module has initialized',
          );
        return this.#binders;
      },
    });
  }

  create(record: ActorRecord): ActorHandle {
    return new BoundActorHandle(record, this.config.actorUrl(record.id), this.services);
  }

  /** Supplies `actor.trust` and `actor.subscriptions`; called once, at module initialization. */
  bindFacades(binders: ActorFacadeBinders): void {
    this.#binders = binders;
  }
}

/**
 * One per request (the hot path builds one for every actor route), so the
 * facades are only built when a hook or the application asks for them.
 */
class BoundActorHandle implements ActorHandle {
  readonly id: string;
  readonly creator: string;
  readonly trusteeRoot: string | null;
  #properties?: ActorProperties;
  #trust?: ActorTrust;
  #subscriptions?: ActorSubscriptions;

  constructor(
    record: ActorRecord,
    readonly url: string,
    private readonly services: HandleServices,
  ) {
    this.id = record.id;
    this.creator = record.creator;
    this.trusteeRoot = record.trusteeRoot;
    Object.freeze(this);
  }

  get properties(): ActorProperties {
    return (this.#properties ??= propertiesFacade(this, this.services));
  }

  propertyList(name: string): ActorPropertyList {
    return propertyListHandle(this, name, this.services.lists, this.services.properties);
  }

  propertyListNames(): Promise<string[]> {
    return this.services.lists.names(this.id);
  }

  get trust(): ActorTrust {
    return (this.#trust ??= this.services.facades().trust(this));
  }

  get subscriptions(): ActorSubscriptions {
    return (this.#subscriptions ??= this.services.facades().subscriptions(this));
  }
}

/** `actor.properties`: a path whose name is a list is served as the same path over HTTP. */
function propertiesFacade(handle: ActorHandle, { properties, lists }: HandleServices): ActorProperties {
  const caller = APPLICATION;
  return Object.freeze({
    all: () => properties.getAll(handle, caller),
    get: async (...path: string[]) => {
      const value = await orMissing(properties.get(handle, caller, path), undefined);
      // Names are either simple or lists, so only a miss needs the list lookup.
      if (value !== undefined || !(await lists.exists(handle.id, path[0]))) return value;
      const [name, index, ...sub] = path;
      const read =
        index === undefined
          ? lists.items(handle, caller, name)
          : lists.item(handle, caller, name, parseListIndex(index), sub);
      return orMissing(read, undefined);
    },
    set: async (path: string | readonly string[], value: unknown) => {
      const segments = toPath(path);
      const [name, index, ...sub] = segments;
      if (index !== undefined && (await lists.exists(handle.id, name)))
        return lists.set(handle, caller, name, parseListIndex(index), sub, value);
      return properties.put(handle, caller, segments, value);
    },
    setMany: (values: Record<string, unknown>) =>
      properties.post(handle, caller, values).then(() => undefined),
    delete: async (...path: string[]) => {
      const [name, index, ...sub] = path;
      if (!(await lists.exists(handle.id, name))) return done(properties.delete(handle, caller, path));
      return done(
        index === undefined
          ? lists.delete(handle, caller, name)
          : lists.deleteItem(handle, caller, name, parseListIndex(index), sub),
      );
    },
  });
}

function toPath(path: string | readonly string[]): string[] {
  return typeof path === 'string' ? path.split('/') : [...path];
}

import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { APPLICATION } from '../common/caller.js';
import { BadRequestError } from '../errors/actingweb.errors.js';
import { PropertiesService } from './properties.service.js';
import { PropertyDispatcher } from './property-dispatcher.service.js';
import { PropertyListReader } from './lists/list-reader.service.js';
import { PropertyListWriter } from './lists/list-writer.service.js';
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
  readonly dispatcher: PropertyDispatcher;
  readonly reader: PropertyListReader;
  readonly writer: PropertyListWriter;
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
    @Inject(PropertyDispatcher) dispatcher: PropertyDispatcher,
    @Inject(PropertyListReader) reader: PropertyListReader,
    @Inject(PropertyListWriter) writer: PropertyListWriter,
  ) {
    this.services = Object.freeze({
      properties,
      dispatcher,
      reader,
      writer,
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
    return propertyListHandle(this, name, this.services);
  }

  propertyListNames(): Promise<string[]> {
    return this.services.reader.names(this.id);
  }

  get trust(): ActorTrust {
    return (this.#trust ??= this.services.facades().trust(this));
  }

  get subscriptions(): ActorSubscriptions {
    return (this.#subscriptions ??= this.services.facades().subscriptions(this));
  }
}

/**
 * `actor.properties`: the HTTP routes' dispatcher, as the application, so a
 * path whose name is a list is served as the same path over HTTP.
 */
function propertiesFacade(handle: ActorHandle, { properties, dispatcher }: HandleServices): ActorProperties {
  const caller = APPLICATION;
  return Object.freeze({
    all: () => properties.getAll(handle, caller),
    get: async (...path: string[]) =>
      (await orMissing(dispatcher.read(handle, caller, named(path), {}), undefined))?.value,
    set: (path: string | readonly string[], value: unknown) =>
      dispatcher.write(handle, caller, named(toPath(path)), value, {}),
    setMany: (values: Record<string, unknown>) =>
      dispatcher.postAll(handle, caller, values).then(() => undefined),
    delete: (...path: string[]) => done(dispatcher.delete(handle, caller, named(path), {})),
  });
}

/** The path, which must start with a name (an empty one would address every property). */
function named(path: string[]): string[] {
  if (path.length === 0 || path[0] === '')
    throw new BadRequestError('A property path starts with a name', 'invalid_path');
  return path;
}

function toPath(path: string | readonly string[]): string[] {
  return typeof path === 'string' ? path.split('/') : [...path];
}

import { Inject, Injectable, type PipeTransform } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { ActorHandleFactory } from './actor-handle.factory.js';

/** `@Actor(ActorHandlePipe)`: the actor the guard loaded, as the handle services and hooks take. */
@Injectable()
export class ActorHandlePipe implements PipeTransform<ActorRecord, ActorHandle> {
  constructor(@Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory) {}

  transform(record: ActorRecord): ActorHandle {
    return this.handles.create(record);
  }
}

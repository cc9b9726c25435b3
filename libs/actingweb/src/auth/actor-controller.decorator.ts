import { applyDecorators, Controller, type CanActivate, UseFilters, UseGuards } from '@nestjs/common';
import { ActingWebExceptionFilter } from '../http/actingweb-exception.filter.js';
import { ActorAccessGuard } from './actor-access.guard.js';

type GuardClass = new (...args: never[]) => CanActivate;

/**
 * A controller for routes below an actor, `/:actorId/<path>`: JSON error
 * bodies (ActingWebExceptionFilter) and the access guard (actor lookup,
 * credentials, access rules). `guardsBefore` run ahead of the access guard.
 */
export function ActorController(path: string, guardsBefore: GuardClass[] = []): ClassDecorator {
  return applyDecorators(
    Controller(path ? `:actorId/${path}` : ':actorId'),
    UseFilters(ActingWebExceptionFilter),
    UseGuards(...guardsBefore, ActorAccessGuard),
  );
}

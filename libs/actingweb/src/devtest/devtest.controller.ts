import { Delete, Get, HttpCode, Put } from '@nestjs/common';
import { Access } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { DevtestEnabledGuard } from './devtest-enabled.guard.js';

/**
 * `/<id>/devtest/ping` (the Python reference's devtest handler). Every
 * `/devtest` route exists only with the `devtest` option (404 otherwise, for
 * anyone) and is open to the creator, the trustee and admin peers; the
 * attribute buckets and the twin proxy have their own controllers.
 */
@ActorController('devtest', [DevtestEnabledGuard])
export class DevtestController {
  @Get('ping')
  @Access('devtest')
  @HttpCode(204)
  ping(): void {}

  @Put('ping')
  @Access('devtest')
  @HttpCode(204)
  putPing(): void {}

  @Delete('ping')
  @Access('devtest')
  @HttpCode(204)
  deletePing(): void {}
}

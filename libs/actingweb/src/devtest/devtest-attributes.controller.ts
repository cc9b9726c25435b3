import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { DevtestAttributes } from './devtest-attributes.service.js';
import { DevtestEnabledGuard } from './devtest-enabled.guard.js';

/** Both spellings of the Python reference. */
const ALL = ['attribute', 'attributes'];
const BUCKET = ALL.map((p) => `${p}/:bucket`);
const ONE = ALL.map((p) => `${p}/:bucket/:name`);

/** `/<id>/devtest/attribute[s]...`: the actor's attribute buckets (see `DevtestAttributes`). */
@ActorController('devtest', [DevtestEnabledGuard])
export class DevtestAttributesController {
  constructor(@Inject(DevtestAttributes) private readonly attributes: DevtestAttributes) {}

  @Get(ALL)
  @Access('devtest')
  all(@Actor() actor: ActorRecord) {
    return this.attributes.all(actor.id);
  }

  @Get(BUCKET)
  @Access('devtest')
  bucket(@Actor() actor: ActorRecord, @Param('bucket') bucket: string) {
    return this.attributes.bucket(actor.id, bucket);
  }

  @Get(ONE)
  @Access('devtest')
  get(@Actor() actor: ActorRecord, @Param('bucket') bucket: string, @Param('name') name: string) {
    return this.attributes.get(actor.id, bucket, name);
  }

  @Put(ONE)
  @Access('devtest')
  @HttpCode(204)
  async set(
    @Actor() actor: ActorRecord,
    @Param('bucket') bucket: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.attributes.set(actor.id, bucket, name, body);
  }

  @Post(BUCKET)
  @Access('devtest')
  @HttpCode(200)
  setMany(@Actor() actor: ActorRecord, @Param('bucket') bucket: string, @Body() body: unknown) {
    return this.attributes.setMany(actor.id, bucket, body);
  }

  @Delete(ALL)
  @Access('devtest')
  @HttpCode(204)
  async deleteAll(@Actor() actor: ActorRecord): Promise<void> {
    await this.attributes.deleteAll(actor.id);
  }

  @Delete(BUCKET)
  @Access('devtest')
  @HttpCode(204)
  async deleteBucket(@Actor() actor: ActorRecord, @Param('bucket') bucket: string): Promise<void> {
    await this.attributes.deleteBucket(actor.id, bucket);
  }

  @Delete(ONE)
  @Access('devtest')
  @HttpCode(204)
  async delete(
    @Actor() actor: ActorRecord,
    @Param('bucket') bucket: string,
    @Param('name') name: string,
  ): Promise<void> {
    await this.attributes.delete(actor.id, bucket, name);
  }
}

import { Body, Delete, Get, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import type { Method } from 'axios';
import type { FastifyReply } from 'fastify';
import { Access, Actor } from '../auth/access.decorators.js';
import { ActorController } from '../auth/actor-controller.decorator.js';
import { RawPathAfter } from '../http/raw-path.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { DevtestEnabledGuard } from './devtest-enabled.guard.js';
import { DevtestTwin } from './devtest-twin.service.js';
import { relayedAnswer } from './devtest.view.js';

const PROXIED = ['proxy/properties', 'proxy/properties/*'];
/** Where the twin's property path starts in the request URL. */
const BELOW = '/devtest/proxy/properties/';

/** `/<id>/devtest/proxy/...`: the actor's twin, reached through a real trust (see `DevtestTwin`). */
@ActorController('devtest', [DevtestEnabledGuard])
export class DevtestProxyController {
  constructor(@Inject(DevtestTwin) private readonly twin: DevtestTwin) {}

  /** The twin's `/properties[/<path>]`, through the trust: its status and body as it answered. */
  @Get(PROXIED)
  @Access('devtest')
  proxyGet(
    @Actor() actor: ActorRecord,
    @RawPathAfter(BELOW) path: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.relay(reply, actor, 'GET', path);
  }

  @Put('proxy/properties/*')
  @Access('devtest')
  proxyPut(
    @Actor() actor: ActorRecord,
    @RawPathAfter(BELOW) path: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.relay(reply, actor, 'PUT', path, body);
  }

  @Delete(PROXIED)
  @Access('devtest')
  proxyDelete(
    @Actor() actor: ActorRecord,
    @RawPathAfter(BELOW) path: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.relay(reply, actor, 'DELETE', path);
  }

  /** The twin's `/meta` (see `DevtestTwin.twinMeta`); `Location` is the twin. */
  @Post('proxy/create')
  @Access('devtest')
  @HttpCode(200)
  async proxyCreate(
    @Actor() actor: ActorRecord,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { twin, meta } = await this.twin.twinMeta(actor, body);
    reply.header('location', twin.baseuri);
    return meta;
  }

  private async relay(reply: FastifyReply, actor: ActorRecord, method: Method, path: string, body?: unknown) {
    return relayedAnswer(reply, await this.twin.proxyProperties(actor, method, path, body));
  }
}

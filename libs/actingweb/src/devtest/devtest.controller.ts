import { Body, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Method } from 'axios';
import type { FastifyReply } from 'fastify';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { AwConfig } from '../config/aw-config.js';
import { BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { parsePropertyPath } from '../properties/property-path.js';
import type { PeerResponse } from '../peers/aw-proxy.service.js';
import { DevtestEnabledGuard } from './devtest-enabled.guard.js';
import { DevtestService } from './devtest.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

const ATTRIBUTE = ['attribute', 'attributes'];
const MAX_KEY = 255;

/**
 * `/<id>/devtest/...` (Python reference `handlers/devtest.py`), only with the
 * `devtest` option; 404 otherwise. Creator, trustee and admin peers only.
 */
@ActorController('devtest', [DevtestEnabledGuard])
export class DevtestController {
  constructor(
    @Inject(DevtestService) private readonly devtest: DevtestService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

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

  /** Every bucket, `{bucket: {name: {data, timestamp}}}`; 404 when there is none (as the reference). */
  @Get(ATTRIBUTE)
  @Access('devtest')
  async allBuckets(@Req() req: AwRequest) {
    const all = await this.devtest.allBuckets(req.aw!.actor.id);
    if (Object.keys(all).length === 0) throw new NotFoundError('No attributes', 'attribute_not_found');
    return all;
  }

  /** One bucket, `{name: {data, timestamp}}`; 404 when it is empty (as the reference). */
  @Get(ATTRIBUTE.map((p) => `${p}/:bucket`))
  @Access('devtest')
  async bucket(@Req() req: AwRequest, @Param('bucket') bucket: string) {
    const entries = await this.devtest.bucket(req.aw!.actor.id, key(bucket));
    if (Object.keys(entries).length === 0) throw new NotFoundError('Bucket is empty', 'attribute_not_found');
    return entries;
  }

  @Get(ATTRIBUTE.map((p) => `${p}/:bucket/:name`))
  @Access('devtest')
  async attribute(@Req() req: AwRequest, @Param('bucket') bucket: string, @Param('name') name: string) {
    const entry = await this.devtest.attribute(req.aw!.actor.id, key(bucket), key(name));
    if (!entry) throw new NotFoundError('Attribute not found', 'attribute_not_found');
    return entry;
  }

  @Put(ATTRIBUTE.map((p) => `${p}/:bucket/:name`))
  @Access('devtest')
  @HttpCode(204)
  async setAttribute(
    @Req() req: AwRequest,
    @Param('bucket') bucket: string,
    @Param('name') name: string,
    @Body() body: unknown,
  ): Promise<void> {
    if (body === undefined) throw new BadRequestError('PUT needs a JSON body', 'invalid_body');
    await this.devtest.setAttribute(req.aw!.actor.id, key(bucket), key(name), body);
  }

  /** Writes every key of a JSON object into the bucket; answers with the object (as the reference). */
  @Post(ATTRIBUTE.map((p) => `${p}/:bucket`))
  @Access('devtest')
  @HttpCode(200)
  async setMany(@Req() req: AwRequest, @Param('bucket') bucket: string, @Body() body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new BadRequestError('Body must be a JSON object', 'invalid_body');
    for (const [name, value] of Object.entries(body))
      await this.devtest.setAttribute(req.aw!.actor.id, key(bucket), key(name), value);
    return body;
  }

  @Delete(ATTRIBUTE)
  @Access('devtest')
  @HttpCode(204)
  async deleteAll(@Req() req: AwRequest): Promise<void> {
    await this.devtest.deleteAllBuckets(req.aw!.actor.id);
  }

  @Delete(ATTRIBUTE.map((p) => `${p}/:bucket`))
  @Access('devtest')
  @HttpCode(204)
  async deleteBucket(@Req() req: AwRequest, @Param('bucket') bucket: string): Promise<void> {
    await this.devtest.deleteBucket(req.aw!.actor.id, key(bucket));
  }

  @Delete(ATTRIBUTE.map((p) => `${p}/:bucket/:name`))
  @Access('devtest')
  @HttpCode(204)
  async deleteAttribute(
    @Req() req: AwRequest,
    @Param('bucket') bucket: string,
    @Param('name') name: string,
  ): Promise<void> {
    await this.devtest.deleteAttribute(req.aw!.actor.id, key(bucket), key(name));
  }

  /** The twin's `/properties[/<path>]`, through the trust: its status and body as it answered. */
  @Get(['proxy/properties', 'proxy/properties/*'])
  @Access('devtest')
  proxyGet(@Req() req: AwRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.relay(req, reply, 'GET');
  }

  @Put('proxy/properties/*')
  @Access('devtest')
  proxyPut(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    if (body === undefined) throw new BadRequestError('PUT needs a JSON body', 'invalid_body');
    return this.relay(req, reply, 'PUT', body);
  }

  @Delete(['proxy/properties', 'proxy/properties/*'])
  @Access('devtest')
  proxyDelete(@Req() req: AwRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.relay(req, reply, 'DELETE');
  }

  /** The twin's `/meta` (creating the twin if needed; a JSON object body is written to its properties first); `Location` is the twin. */
  @Post('proxy/create')
  @Access('devtest')
  @HttpCode(200)
  async proxyCreate(
    @Req() req: AwRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const properties =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : undefined;
    const { twin, meta } = await this.devtest.twinMeta(this.handles.create(req.aw!.actor), properties);
    reply.header('location', twin.baseuri);
    return meta;
  }

  private async relay(req: AwRequest, reply: FastifyReply, method: Method, body?: unknown) {
    const answer = await this.devtest.proxyProperties(
      this.handles.create(req.aw!.actor),
      method,
      this.propertyPath(req),
      body,
    );
    return send(reply, answer);
  }

  /** The path below `/devtest/proxy/properties/`, from the raw URL (validated like a property path). */
  private propertyPath(req: AwRequest): string[] {
    const raw = req.url.split('?', 1)[0];
    const marker = '/devtest/proxy/properties/';
    const at = raw.indexOf(marker);
    return parsePropertyPath(at < 0 ? '' : raw.slice(at + marker.length), this.config.maxJsonDepth);
  }
}

/** A twin's answer, relayed: same status, same body; JSON stays JSON, text stays text. */
function send(reply: FastifyReply, answer: PeerResponse): string | undefined {
  reply.status(answer.status);
  if (answer.data === undefined) return undefined;
  const type = answer.headers['content-type'] ?? '';
  if (typeof answer.data === 'string' && !type.includes('json')) {
    reply.type(type || 'text/plain; charset=utf-8');
    return answer.data;
  }
  reply.type('application/json; charset=utf-8');
  return JSON.stringify(answer.data);
}

function key(value: string): string {
  if (value.length === 0 || value.length > MAX_KEY)
    throw new BadRequestError(`Bucket and attribute names are 1 to ${MAX_KEY} characters`, 'invalid_path');
  return value;
}

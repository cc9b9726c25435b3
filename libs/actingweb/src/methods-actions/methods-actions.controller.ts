import { Body, Delete, Get, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Access, type AwRequest } from '../auth/access.decorators.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../errors/actingweb.errors.js';
import { isJsonRpc, MethodsActionsService, type HookEndpointKind } from './methods-actions.service.js';
import { ActorController } from '../auth/actor-controller.decorator.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Status codes of `/methods/<name>` and `/actions/<name>` (`shared/docs/reference-sdk.md`
 * §2c, `shared/docs/protocol.md` §9):
 *
 * | Request | A hook answered | No hook, or every hook returned null |
 * | --- | --- | --- |
 * | GET | 200 JSON | 404 |
 * | POST | 200 JSON (methods), **201** JSON (actions, as the spec requires) | 400 |
 * | PUT | 200 JSON | 400 |
 * | DELETE | 204 | 403 |
 *
 * A hook that throws answers with its error: an `ActingWebError`'s status and
 * message, anything else 500 (with the request id). A trust peer whose
 * permissions deny the name gets 403 before any hook runs.
 */
abstract class HookEndpointController {
  protected abstract readonly kind: HookEndpointKind;
  /** Status of a successful POST. */
  protected abstract readonly postStatus: number;

  constructor(protected readonly service: MethodsActionsService) {}

  protected async listing(req: AwRequest): Promise<Record<string, unknown>[]> {
    return this.service.list(this.kind, req.aw!.actor, req.aw!.caller);
  }

  protected async read(req: AwRequest, name: string, reply: FastifyReply): Promise<string> {
    const outcome = await this.run(req, name, 'GET', { ...(req.query as object) });
    if (!outcome.handled)
      throw new NotFoundError(`No result for ${this.kind} ${name}`, `${this.kind}_not_found`);
    return json(reply, 200, outcome.result);
  }

  protected async write(
    req: AwRequest,
    name: string,
    body: unknown,
    reply: FastifyReply,
    httpMethod: 'POST' | 'PUT',
  ): Promise<string> {
    const outcome = await this.run(req, name, httpMethod, body ?? {});
    if (!outcome.handled) throw new BadRequestError('Processing error', `${this.kind}_failed`);
    return json(reply, httpMethod === 'POST' ? this.postStatus : 200, outcome.result);
  }

  protected async remove(req: AwRequest, name: string): Promise<void> {
    const outcome = await this.run(req, name, 'DELETE', {});
    if (!outcome.handled)
      throw new ForbiddenError(`${this.kind} ${name} was not deleted`, `${this.kind}_not_deleted`);
  }

  private async run(req: AwRequest, name: string, httpMethod: string, data: unknown) {
    const outcome = await this.service.call(this.kind, req.aw!.actor, req.aw!.caller, name, httpMethod, data);
    if (outcome.error !== undefined) throw outcome.error;
    return outcome;
  }
}

/** `/<id>/methods[/<name>]`: method hooks, plus JSON-RPC 2.0 on POST. */
@ActorController('methods')
export class MethodsController extends HookEndpointController {
  protected readonly kind = 'method';
  protected readonly postStatus = 200;

  constructor(@Inject(MethodsActionsService) service: MethodsActionsService) {
    super(service);
  }

  @Get()
  @Access('methods')
  async list(@Req() req: AwRequest) {
    return { methods: await this.listing(req) };
  }

  @Get('*')
  @Access('methods')
  async get(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return name === '' ? this.list(req) : this.read(req, name, reply);
  }

  /** `POST /methods` takes JSON-RPC only: the method name is in the body. */
  @Post()
  @Access('methods')
  async rpc(@Req() req: AwRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    if (!isJsonRpc(body)) {
      throw new BadRequestError(
        'POST /methods takes a JSON-RPC 2.0 request; or POST /methods/<name>',
        'invalid_body',
      );
    }
    const answer = await this.service.jsonRpc(req.aw!.actor, req.aw!.caller, undefined, body);
    return json(reply, answer.status, answer.body);
  }

  @Post('*')
  @Access('methods')
  post(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.call(req, name, body, reply, 'POST');
  }

  @Put('*')
  @Access('methods')
  put(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.call(req, name, body, reply, 'PUT');
  }

  @Delete('*')
  @Access('methods')
  async delete(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.remove(req, name);
    reply.status(204);
  }

  private async call(
    req: AwRequest,
    name: string,
    body: unknown,
    reply: FastifyReply,
    method: 'POST' | 'PUT',
  ) {
    if (name === '') return this.rpc(req, body, reply);
    if (!isJsonRpc(body)) return this.write(req, name, body, reply, method);
    // The URL names the method: the REST permission check applies first (403).
    await this.service.assertMayCall('method', req.aw!.actor, req.aw!.caller, name);
    const answer = await this.service.jsonRpc(req.aw!.actor, req.aw!.caller, name, body);
    return json(reply, answer.status, answer.body);
  }
}

/** `/<id>/actions[/<name>]`: action hooks (the same hooks MCP tools run). */
@ActorController('actions')
export class ActionsController extends HookEndpointController {
  protected readonly kind = 'action';
  protected readonly postStatus = 201;

  constructor(@Inject(MethodsActionsService) service: MethodsActionsService) {
    super(service);
  }

  @Get()
  @Access('actions')
  async list(@Req() req: AwRequest) {
    return { actions: await this.listing(req) };
  }

  @Get('*')
  @Access('actions')
  async get(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return name === '' ? this.list(req) : this.read(req, name, reply);
  }

  @Post('*')
  @Access('actions')
  post(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.write(req, name, body, reply, 'POST');
  }

  @Put('*')
  @Access('actions')
  put(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.write(req, name, body, reply, 'PUT');
  }

  @Delete('*')
  @Access('actions')
  async delete(
    @Req() req: AwRequest,
    @Param('*') name: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.remove(req, name);
    reply.status(204);
  }
}

/** Any JSON value (including a bare string) as a JSON body with `status`. */
function json(reply: FastifyReply, status: number, value: unknown): string {
  reply.status(status).type(JSON_TYPE);
  return JSON.stringify(value ?? null);
}

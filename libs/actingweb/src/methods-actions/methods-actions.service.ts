import { Inject, Injectable, Logger } from '@nestjs/common';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { Caller } from '../common/caller.js';
import { ActingWebError, BadRequestError, NotFoundError } from '../errors/actingweb.errors.js';
import { logFailure } from '../errors/failures.js';
import { HookInvoker, type HookDispatchResult } from '../hooks/hook-invoker.service.js';
import { HookRegistry } from '../hooks/hook-registry.service.js';
import type { HookListing } from '../hooks/hook-registry.types.js';
import { WILDCARD } from '../hooks/hook.constants.js';
import { isPlainObject } from '../common/json.js';
import { logPrefix } from '../common/request-context.js';
import {
  idOf,
  JSONRPC_ERRORS,
  type JsonRpcError,
  jsonRpcError,
  jsonRpcResult,
  type JsonRpcId,
  toJsonRpcError,
} from '../common/json-rpc.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { PermissionGate } from '../permissions/permission-gate.js';

/** `method` hooks answer `/methods`, `action` hooks `/actions`. */
export type HookEndpointKind = 'method' | 'action';

/** The trust-permission category and operation of each kind (docs/trust.md#permissions). */
const PERMISSION = {
  method: { category: 'methods', operation: 'call' },
  action: { category: 'actions', operation: 'execute' },
} as const;

const MAX_NAME_LENGTH = 255;

/** A JSON-RPC answer of `POST /methods` and the HTTP status carrying it. */
export interface JsonRpcAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** What a POST or PUT to `/methods[/<name>]` answers with: a JSON-RPC answer, or the hooks' outcome. */
export type MethodCallAnswer = { readonly rpc: JsonRpcAnswer } | { readonly hooks: HookDispatchResult };

/**
 * `/methods` and `/actions` (ActingWeb spec, "/methods (OPTIONAL)" and
 * "/actions (OPTIONAL)"; docs/methods-actions.md): listings from the hook
 * registry, calls dispatched to `@MethodHook`/`@ActionHook` by name (named
 * hooks first, then `'*'`; the first non-null result answers), and JSON-RPC 2.0
 * on `POST /methods`. Trust peers are checked against their trust permissions
 * (`methods`/`call`, `actions`/`execute`) before any hook runs; the route's
 * access rules were already applied by the guard.
 */
@Injectable()
export class MethodsActionsService {
  private readonly logger = new Logger('ActingWeb');

  constructor(
    @Inject(HookRegistry) private readonly registry: HookRegistry,
    @Inject(HookInvoker) private readonly invoker: HookInvoker,
    @Inject(PermissionGate) private readonly gate: PermissionGate,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /**
   * Named hooks with their published metadata, in the Python wire shape
   * (`name, description, input_schema, output_schema, annotations`). A trust
   * peer sees exactly the names it may call (its permissions do not deny them).
   */
  async list(kind: HookEndpointKind, actor: ActorRecord, caller: Caller): Promise<HookListing[]> {
    const { category, operation } = PERMISSION[kind];
    const check = await this.gate.for(actor, caller, 'rules');
    return check.filter(category, this.registry.listMetadata(kind), operation, (l) => l.name);
  }

  /** Runs the hooks for `name` after the peer permission check (403). */
  async call(
    kind: HookEndpointKind,
    actor: ActorRecord,
    caller: Caller,
    name: string,
    httpMethod: string,
    data: unknown,
  ): Promise<HookDispatchResult> {
    await this.assertMayCall(kind, actor, caller, name);
    const ctx = { actor: this.handles.create(actor), name, data, caller, httpMethod };
    return kind === 'method' ? this.invoker.runMethod(ctx) : this.invoker.runAction(ctx);
  }

  /**
   * `POST`/`PUT /methods[/<name>]`: a JSON-RPC request (and anything sent to
   * `/methods` itself) is answered in JSON-RPC ({@link jsonRpc}); any other
   * body is the `data` of a plain call.
   */
  async post(
    actor: ActorRecord,
    caller: Caller,
    name: string | undefined,
    httpMethod: 'POST' | 'PUT',
    body: unknown,
  ): Promise<MethodCallAnswer> {
    if (!name || isJsonRpc(body)) return { rpc: await this.jsonRpc(actor, caller, name || undefined, body) };
    return { hooks: await this.call('method', actor, caller, name, httpMethod, body ?? {}) };
  }

  /** 404 for names no hook could ever be registered under; 403 for a peer whose permissions deny it. */
  async assertMayCall(
    kind: HookEndpointKind,
    actor: ActorRecord,
    caller: Caller,
    name: string,
  ): Promise<void> {
    checkName(kind, name);
    const { category, operation } = PERMISSION[kind];
    (await this.gate.for(actor, caller, 'rules')).assert(category, name, operation);
  }

  /**
   * JSON-RPC 2.0 over `POST /methods[/<name>]` (the Python reference's shape):
   * `{jsonrpc:"2.0", method, params?, id?}` → `{jsonrpc, result, id}`, or an
   * error: `-32600` invalid request (also a batch, or a method that differs
   * from the URL's name), `-32601` no hook answered, `-32603` the hook threw
   * (with an `ActingWebError`'s message, as over MCP; otherwise "Internal error").
   * These are HTTP 200; a peer without permission gets HTTP 403 with `-32003`.
   *
   * At `/methods/<name>` the URL names the method, so the REST checks come
   * first (HTTP 404 for an impossible name, 403 for a peer its permissions
   * deny); at `/methods` a body that is not JSON-RPC is 400.
   */
  async jsonRpc(
    actor: ActorRecord,
    caller: Caller,
    urlName: string | undefined,
    body: unknown,
  ): Promise<JsonRpcAnswer> {
    if (urlName !== undefined) await this.assertMayCall('method', actor, caller, urlName);
    else if (!isJsonRpc(body)) {
      throw new BadRequestError(
        'POST /methods takes a JSON-RPC 2.0 request; or POST /methods/<name>',
        'invalid_body',
      );
    }
    const id: JsonRpcId = idOf(body);
    const error = (code: number, message: string, data?: string): JsonRpcAnswer => ({
      status: 200,
      body: jsonRpcError(id, data === undefined ? { code, message } : { code, message, data }),
    });
    const answer = (failure: JsonRpcError): JsonRpcAnswer => ({
      status: failure.httpStatus,
      body: jsonRpcError(id, failure.toObject()),
    });
    if (Array.isArray(body))
      return error(JSONRPC_ERRORS.INVALID_REQUEST, 'Invalid Request', 'Batch requests are not supported');
    if (!isPlainObject(body) || typeof body.method !== 'string' || body.method === '') {
      return error(JSONRPC_ERRORS.INVALID_REQUEST, 'Invalid Request', 'Missing method');
    }
    const method = body.method;
    if (urlName !== undefined && urlName !== method) {
      return error(JSONRPC_ERRORS.INVALID_REQUEST, 'Invalid Request', 'Method name mismatch');
    }
    try {
      await this.assertMayCall('method', actor, caller, method);
    } catch (err) {
      if (!(err instanceof ActingWebError)) throw err;
      return answer(toJsonRpcError(err, 'check'));
    }
    const outcome = await this.invoker.runMethod({
      actor: this.handles.create(actor),
      name: method,
      data: body.params ?? {},
      caller,
      httpMethod: 'POST',
    });
    if (outcome.handled) return { status: 200, body: jsonRpcResult(id, outcome.result) };
    if (outcome.error !== undefined) {
      logFailure(this.logger, logPrefix(), outcome.error);
      return answer(toJsonRpcError(outcome.error, 'hook'));
    }
    return error(JSONRPC_ERRORS.METHOD_NOT_FOUND, 'Method not found');
  }
}

/** A JSON-RPC 2.0 request body (as opposed to a plain JSON call). */
export function isJsonRpc(body: unknown): boolean {
  return Array.isArray(body)
    ? body.some((m) => isPlainObject(m) && m.jsonrpc === '2.0')
    : isPlainObject(body) && body.jsonrpc === '2.0';
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function checkName(kind: HookEndpointKind, name: string): void {
  if (name === '' || name === WILDCARD || name.length > MAX_NAME_LENGTH || CONTROL_CHARACTERS.test(name)) {
    throw new NotFoundError(`No such ${kind}`, `${kind}_not_found`);
  }
}

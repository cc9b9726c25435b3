import { Inject, Injectable, Logger } from '@nestjs/common';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import type { Caller } from '../common/caller.js';
import { ActingWebError, NotFoundError } from '../errors/actingweb.errors.js';
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
import { evaluatePermission, leastPrivilege } from '../permissions/permission-evaluator.js';
import { PermissionService } from '../permissions/permission.service.js';

/** `method` hooks answer `/methods`, `action` hooks `/actions`. */
export type HookEndpointKind = 'method' | 'action';

/** The trust-permission category and operation of each kind (`shared/docs/reference-sdk.md` §5b). */
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

/**
 * `/methods` and `/actions` (`shared/docs/protocol.md` §9): listings from the
 * hook registry, calls dispatched to `@MethodHook`/`@ActionHook` by name (named
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
    @Inject(PermissionService) private readonly permissions: PermissionService,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  /**
   * Named hooks with their published metadata, in the Python wire shape
   * (`name, description, input_schema, output_schema, annotations`). A trust
   * peer sees exactly the names it may call (its permissions do not deny them).
   */
  async list(kind: HookEndpointKind, actor: ActorRecord, caller: Caller): Promise<Record<string, unknown>[]> {
    let listings = this.registry.listMetadata(kind);
    if (caller.kind === 'peer') {
      const { category, operation } = PERMISSION[kind];
      try {
        const { permissions, typed } = await this.permissions.effective(
          actor.id,
          caller.peerId,
          caller.relationship,
        );
        listings = listings.filter(
          (l) =>
            leastPrivilege(evaluatePermission(permissions, category, l.name, operation), typed) !== 'denied',
        );
      } catch {
        listings = []; // fail closed, as property listings do
      }
    }
    return listings.map(toWire);
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

  /** 404 for names no hook could ever be registered under; 403 for a peer whose permissions deny it. */
  async assertMayCall(
    kind: HookEndpointKind,
    actor: ActorRecord,
    caller: Caller,
    name: string,
  ): Promise<void> {
    checkName(kind, name);
    const { category, operation } = PERMISSION[kind];
    await this.permissions.assertPeerMay(actor.id, caller, category, name, operation);
  }

  /**
   * JSON-RPC 2.0 over `POST /methods[/<name>]` (the Python reference's shape):
   * `{jsonrpc:"2.0", method, params?, id?}` → `{jsonrpc, result, id}`, or an
   * error: `-32600` invalid request (also a batch, or a method that differs
   * from the URL's name), `-32601` no hook answered, `-32603` the hook threw
   * (with an `ActingWebError`'s message, as over MCP; otherwise "Internal error").
   * These are HTTP 200; a peer without permission gets HTTP 403 with `-32003`.
   */
  async jsonRpc(
    actor: ActorRecord,
    caller: Caller,
    urlName: string | undefined,
    body: unknown,
  ): Promise<JsonRpcAnswer> {
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

function toWire(listing: HookListing): Record<string, unknown> {
  return {
    name: listing.name,
    ...(listing.description !== undefined && { description: listing.description }),
    ...(listing.inputSchema !== undefined && { input_schema: listing.inputSchema }),
    ...(listing.outputSchema !== undefined && { output_schema: listing.outputSchema }),
    ...(listing.annotations !== undefined && { annotations: listing.annotations }),
  };
}

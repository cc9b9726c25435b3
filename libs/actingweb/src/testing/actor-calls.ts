import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ActorService } from '../actors/actor.service.js';
import { ActorAccess } from '../auth/actor-access.service.js';
import { AwConfig } from '../config/aw-config.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { MethodsActionsService } from '../methods-actions/methods-actions.service.js';
import { McpService } from '../mcp/mcp.service.js';
import { MCP_LATEST_VERSION } from '../mcp/mcp-protocol.js';
import { errorFromAnswer } from './wire-errors.js';

/** Options of a method, action or callback call. @publicApi */
export interface HookCallOptions {
  /** The HTTP method the hooks see as `httpMethod` (and the access rules check). Default `POST`. */
  readonly httpMethod?: 'GET' | 'POST' | 'PUT' | 'DELETE';
}

/** A tool as `tools/list` describes it to the caller. @publicApi */
export interface McpToolInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

/** The result of `tools/call`: a failing tool is `isError: true`, not a thrown error (MCP). @publicApi */
export interface McpToolResult {
  readonly content: Array<{ readonly type: string; readonly text?: string; readonly [key: string]: unknown }>;
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
  readonly [key: string]: unknown;
}

/**
 * A JSON-RPC error of an MCP request, e.g. `-32003` when the caller's trust
 * permissions do not allow the tool, or `-32602` for arguments that do not
 * match its `inputSchema`.
 *
 * @publicApi
 */
export class McpCallError extends Error {
  constructor(
    /** The JSON-RPC error code. */
    readonly code: number,
    message: string,
    /** The error's `data`, if any. */
    readonly data: unknown,
    /** The HTTP status the endpoint answers with. */
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'McpCallError';
  }
}

/**
 * What a test can do to one actor as one caller. Every call checks the caller
 * as a request would: the access rules for the route, the caller's trust
 * permissions, approval; then the hooks run.
 *
 * - Methods, actions and callbacks go through the library's services and
 *   hook invoker in process: they resolve with the value the hooks returned
 *   (`undefined` when none answered: the route would say 404, 400 or 403)
 *   and reject with the error a hook threw, as it was thrown, or with the
 *   `ForbiddenError`/`UnauthorizedError` of the access checks.
 * - MCP calls go through the JSON-RPC core of `/<actorId>/mcp`, credentials included.
 * - Property calls are HTTP requests to the actor's `/properties` routes on
 *   loopback: simple and list properties, hooks and permissions exactly as
 *   a client meets them. Failures reject with the library's error class for
 *   the status (`NotFoundError`, `ForbiddenError`, …).
 *
 * @publicApi
 */
export interface ActorCalls {
  /** Who calls, for messages: `creator`, `anonymous`, `peer <id> (friend)`, … */
  readonly callerLabel: string;
  /** Runs the method hooks for `name` (`/methods/<name>`). */
  callMethod(name: string, data?: unknown, options?: HookCallOptions): Promise<unknown>;
  /** Runs the action hooks for `name` (`/actions/<name>`). */
  callAction(name: string, data?: unknown, options?: HookCallOptions): Promise<unknown>;
  /**
   * Runs the callback hooks for `name` (`/callbacks/<name>`): resolves with the
   * last plain object a hook returned, else `true` when one returned something
   * truthy, else `undefined`. Subscription callbacks are not sent this way:
   * use a fake peer's `sendCallback`, or a second test application.
   */
  sendCallback(name: string, data?: unknown, options?: HookCallOptions): Promise<unknown>;
  /** `GET /properties/<path>`: the value as the caller sees it (text values as strings). */
  getProperty(...path: string[]): Promise<unknown>;
  /** `GET /properties`: every property the caller may read, lists as `{_list, count}` markers. */
  getProperties(): Promise<Record<string, unknown>>;
  /** `PUT /properties/<path>` with `value` as JSON. */
  setProperty(path: string | readonly string[], value: unknown): Promise<void>;
  /** `DELETE /properties/<path>`. */
  deleteProperty(...path: string[]): Promise<void>;
  /** `tools/list` (every page): the tools this caller may see. */
  listTools(): Promise<McpToolInfo[]>;
  /** `tools/call`. Rejects with {@link McpCallError} for JSON-RPC errors. */
  callTool(name: string, args?: Record<string, unknown>): Promise<McpToolResult>;
  /** Any MCP request (`prompts/get`, `resources/read`, …) in the legacy era; resolves with its `result`. */
  mcp(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Where calls go: the application and the actor, and how to find the caller's credentials. */
export interface CallTarget {
  readonly nest: NestFastifyApplication;
  readonly actorId: string;
  /** The actor's root URL (no trailing slash). */
  readonly url: string;
  readonly callerLabel: string;
  /** The caller's `Authorization` header (undefined: anonymous), looked up when a call is made. */
  readonly authorization: () => Promise<string | undefined>;
}

let rpcIds = 0;

/** {@link ActorCalls} for one actor and one caller. */
export class CallerSession implements ActorCalls {
  readonly callerLabel: string;

  constructor(private readonly target: CallTarget) {
    this.callerLabel = target.callerLabel;
  }

  callMethod(name: string, data?: unknown, options: HookCallOptions = {}): Promise<unknown> {
    return this.hookEndpoint('method', name, data, options);
  }

  callAction(name: string, data?: unknown, options: HookCallOptions = {}): Promise<unknown> {
    return this.hookEndpoint('action', name, data, options);
  }

  async sendCallback(name: string, data?: unknown, options: HookCallOptions = {}): Promise<unknown> {
    const trimmed = name.replace(/\/+$/, '');
    if (!trimmed || /^(subscriptions|permissions)(\/|$)/.test(trimmed)) {
      throw new Error(
        `sendCallback('${name}'): subscription and permission callbacks come from peers; use a fake peer's sendCallback`,
      );
    }
    const httpMethod = options.httpMethod ?? 'POST';
    const { actor, caller } = await this.access('callbacks', httpMethod);
    const outcome = await this.get(HookInvoker).runCallback(
      { actor: this.get(ActorService).handle(actor), name: trimmed, data: data ?? {}, caller, httpMethod },
      { answersWithError: true },
    );
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.handled ? outcome.result : undefined;
  }

  async getProperty(...path: string[]): Promise<unknown> {
    if (path.length === 0)
      throw new Error('getProperty() needs a property name; getProperties() reads them all');
    return (await this.properties('GET', path)).value;
  }

  async getProperties(): Promise<Record<string, unknown>> {
    return (await this.properties('GET', [])).value as Record<string, unknown>;
  }

  async setProperty(path: string | readonly string[], value: unknown): Promise<void> {
    await this.properties('PUT', typeof path === 'string' ? path.split('/') : [...path], value);
  }

  async deleteProperty(...path: string[]): Promise<void> {
    await this.properties('DELETE', path);
  }

  async listTools(): Promise<McpToolInfo[]> {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.mcp('tools/list', cursor === undefined ? {} : { cursor });
      tools.push(...(page.tools as McpToolInfo[]));
      cursor = typeof page.nextCursor === 'string' ? page.nextCursor : undefined;
    } while (cursor !== undefined);
    return tools;
  }

  async callTool(name: string, args: Record<string, unknown> = {}): Promise<McpToolResult> {
    return (await this.mcp('tools/call', { name, arguments: args })) as McpToolResult;
  }

  async mcp(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    if (!this.get(AwConfig).mcp.enabled)
      throw new Error('MCP is disabled in this application (mcp.enabled: false)');
    const authorization = await this.target.authorization();
    const answer = await this.get(McpService).handle(
      { jsonrpc: '2.0', id: ++rpcIds, method, params },
      {
        actorId: this.target.actorId,
        headers: { 'mcp-protocol-version': MCP_LATEST_VERSION, ...(authorization && { authorization }) },
      },
    );
    const body = (answer.body ?? {}) as { result?: Record<string, unknown>; error?: Record<string, unknown> };
    if (body.error) {
      const { code, message, data } = body.error as { code: number; message: string; data?: unknown };
      throw new McpCallError(code, message, data, answer.status);
    }
    return body.result ?? {};
  }

  /** The route's access check, as the guard runs it: the actor (404), the caller (401/403), the rules (403). */
  private async access(pathKey: string, httpMethod: string) {
    return this.get(ActorAccess).check(
      { pathKey },
      {
        method: httpMethod,
        params: { actorId: this.target.actorId },
        authorization: await this.target.authorization(),
      },
    );
  }

  /** Method or action hooks as `POST /methods/<name>` runs them: access, the peer's permission, the hooks. */
  private async hookEndpoint(
    kind: 'method' | 'action',
    name: string,
    data: unknown,
    options: HookCallOptions,
  ): Promise<unknown> {
    const httpMethod = options.httpMethod ?? 'POST';
    const { actor, caller } = await this.access(kind === 'method' ? 'methods' : 'actions', httpMethod);
    const outcome = await this.get(MethodsActionsService).call(
      kind,
      actor,
      caller,
      name,
      httpMethod,
      data ?? {},
    );
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.handled ? outcome.result : undefined;
  }

  /** One request to the property routes, over HTTP on loopback. */
  private async properties(method: 'GET' | 'PUT' | 'DELETE', path: readonly string[], value?: unknown) {
    const authorization = await this.target.authorization();
    const suffix = path.map((segment) => `/${encodeURIComponent(segment)}`).join('');
    const response = await fetch(`${this.target.url}/properties${suffix}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(authorization && { authorization }),
        ...(method === 'PUT' && { 'content-type': 'application/json' }),
      },
      ...(method === 'PUT' && { body: JSON.stringify(value ?? null) }),
      redirect: 'manual',
    });
    const text = await response.text();
    if (response.status >= 400) {
      throw errorFromAnswer(response.status, text, Object.fromEntries(response.headers.entries()));
    }
    const type = response.headers.get('content-type') ?? '';
    return { value: text === '' ? undefined : type.startsWith('application/json') ? JSON.parse(text) : text };
  }

  private get<T>(token: abstract new (...args: any[]) => T): T {
    return this.target.nest.get(token as never, { strict: false });
  }
}

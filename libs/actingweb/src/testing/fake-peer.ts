import { randomBytes } from 'node:crypto';
import { defaultAnswer, type FakePeerState, type FakeTrust } from './fake-peer-defaults.js';
import { FakePeerServer, type FakeAnswer, type FakePeerRequest } from './fake-peer-server.js';
import { LOOPBACK } from './loopback.js';
import type { WaitOptions } from './settle.js';

/** Options of {@link startFakePeer}. @publicApi */
export interface FakePeerOptions {
  /** The fake actor's id. Default: 32 random hex characters. */
  readonly id?: string;
  /** Its mini-app type URN, served at `/meta`. Default `urn:actingweb:test.example:fake-peer`. */
  readonly type?: string;
}

/**
 * Which requests a scripted answer applies to. `path` is relative to the fake
 * actor's root; a string matches that path and everything below it
 * (`'callbacks'` matches `callbacks/subscriptions/...`), a RegExp is tested
 * against the whole path. Both fields are optional: `{}` matches every request.
 *
 * @publicApi
 */
export interface FakeRoute {
  /** HTTP method, e.g. `GET`; any when omitted. */
  readonly method?: string;
  readonly path?: string | RegExp;
}

/** Computes an answer from the request. @publicApi */
export type FakeResponder = (request: FakePeerRequest) => FakeAnswer | Promise<FakeAnswer>;

/** Options of {@link FakePeer.respond}. @publicApi */
export interface RespondOptions {
  /** Answer only the next `times` matching requests this way, then fall through. Default: always. */
  readonly times?: number;
}

/** An actor a fake peer talks to: its id and root URL (a `TestActor` is one). @publicApi */
export interface ActorAddress {
  readonly id: string;
  /** The actor's root URL, `<baseUrl><id>`. */
  readonly url: string;
}

/** An answer the fake peer got from an actor. @publicApi */
export interface FakePeerResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  readonly json: any;
}

interface Script {
  readonly route: FakeRoute;
  readonly answer: FakeAnswer | FakeResponder;
  remaining: number;
}

const DEFAULT_TYPE = 'urn:actingweb:test.example:fake-peer';

/**
 * A fake ActingWeb peer on loopback whose answers a test scripts: slow, down,
 * 429, wrong data. By default it behaves like a minimal, well-behaved peer
 * (`/meta`, trust verification and notices, subscription requests and
 * callbacks accepted); {@link respond} overrides any of that, latest script first.
 *
 * It is also a caller: it asks an actor for a trust, subscribes, sends
 * callbacks and calls any route with its trust secret, over HTTP as a
 * real peer would. Start one with `app.fakePeer()` (closed with the app) or
 * {@link startFakePeer}.
 *
 * ```ts
 * const peer = await app.fakePeer();
 * peer.respond({ path: 'properties/status' }, 'hang');             // never answers
 * peer.respond({ method: 'POST', path: 'callbacks' }, { status: 429, headers: { 'retry-after': '1' } });
 * ```
 *
 * @publicApi
 */
export class FakePeer {
  /** The fake actor's id. */
  readonly id: string;
  /** The fake actor's root URL, `http://127.0.0.1:<port>/<id>` (no trailing slash). */
  readonly url: string;
  /** Its mini-app type URN. */
  readonly type: string;
  private constructor(
    private readonly server: FakePeerServer,
    private readonly state: FakePeerState,
    private readonly scripts: Script[],
  ) {
    this.id = state.id;
    this.type = state.type;
    this.url = `http://${LOOPBACK}:${server.port}/${state.id}`;
  }

  /** Starts a fake peer on a free loopback port (what {@link startFakePeer} does). */
  static async start(options: FakePeerOptions = {}): Promise<FakePeer> {
    const state: FakePeerState = {
      id: options.id ?? randomBytes(16).toString('hex'),
      type: options.type ?? DEFAULT_TYPE,
      trusts: new Map(),
    };
    const scripts: Script[] = [];
    const server = await FakePeerServer.start(`/${encodeURIComponent(state.id)}`, (request) =>
      answerFor(scripts, state, request),
    );
    return new FakePeer(server, state, scripts);
  }

  /** Every request received, in arrival order. */
  get requests(): readonly FakePeerRequest[] {
    return this.server.requests;
  }

  /**
   * Scripts the answer to requests matching `route`: a fixed {@link FakeAnswer}
   * or a function of the request. The latest matching script wins; with
   * `times`, it applies to that many requests only.
   */
  respond(route: FakeRoute, answer: FakeAnswer | FakeResponder, options: RespondOptions = {}): this {
    this.scripts.unshift({ route, answer, remaining: options.times ?? Infinity });
    return this;
  }

  /** Removes every scripted answer: the peer behaves well again. */
  reset(): this {
    this.scripts.length = 0;
    return this;
  }

  /** Cuts every connection, now and until {@link up}: callers see an unreachable peer. */
  down(): this {
    this.server.down();
    return this;
  }

  /** Accepts connections again after {@link down}. */
  up(): this {
    this.server.up();
    return this;
  }

  /** The requests matching `route`, in arrival order. */
  requestsTo(route: FakeRoute): FakePeerRequest[] {
    return this.requests.filter((request) => matches(route, request));
  }

  /** The subscription callbacks received (`POST`/`PUT callbacks/subscriptions/...`), parsed, in arrival order. */
  callbacks(): Array<Record<string, any>> {
    return this.requests
      .filter(
        (r) => (r.method === 'POST' || r.method === 'PUT') && r.path.startsWith('callbacks/subscriptions/'),
      )
      .map((r) => (r.json ?? {}) as Record<string, any>);
  }

  /** Resolves with the first request matching `route`, received already or later; fails after `timeoutMs` (default 10 s). */
  async waitForRequest(route: FakeRoute, options: WaitOptions = {}): Promise<FakePeerRequest> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.requests.find((request) => matches(route, request));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`waitForRequest(): no request matching ${describe(route)} reached the fake peer`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.server.nextRequest(),
        new Promise((resolve) => (timer = setTimeout(resolve, left))),
      ]);
      clearTimeout(timer);
    }
  }

  /** The trust this fake peer holds with `actor` (its relationship and shared secret), if any. */
  trustWith(actor: ActorAddress): FakeTrust | undefined {
    return this.state.trusts.get(actor.id);
  }

  /**
   * Asks `actor` for a trust (`POST <actor>/trust/<relationship>`, ActingWeb
   * spec, "Creation of a Trust Relationship") with a fresh secret and a verification token, which the
   * actor's server reads back from this peer. Resolves with `'approved'`
   * (201) or `'pending'` (202); any other answer throws.
   */
  async requestTrust(actor: ActorAddress, relationship: string): Promise<'approved' | 'pending'> {
    const trust: FakeTrust = {
      actorId: actor.id,
      actorUrl: actor.url,
      relationship,
      secret: randomBytes(20).toString('hex'),
      verificationToken: randomBytes(20).toString('hex'),
    };
    this.state.trusts.set(actor.id, trust); // stored first: the actor verifies while our request is open
    const answer = await this.send(
      actor.url,
      'POST',
      `trust/${encodeURIComponent(relationship)}`,
      undefined,
      {
        id: this.id,
        baseuri: this.url,
        type: this.type,
        secret: trust.secret,
        desc: `Fake peer ${this.id}`,
        verify: trust.verificationToken,
      },
    );
    if (answer.status === 201) return 'approved';
    if (answer.status === 202) return 'pending';
    this.state.trusts.delete(actor.id);
    throw new Error(`The trust request to ${actor.url} was answered ${answer.status}: ${answer.text}`);
  }

  /**
   * Calls `actor` as this peer: `Authorization: Bearer <trust secret>`, JSON
   * body. `path` is relative to the actor's root (`properties/status`).
   * Fails when there is no trust with the actor.
   */
  call(actor: ActorAddress, method: string, path: string, body?: unknown): Promise<FakePeerResponse> {
    return this.send(actor.url, method, path, this.secretWith(actor), body);
  }

  /**
   * Subscribes to `actor` (`POST <actor>/subscriptions/<this peer>`, spec: "Establishing a Subscription"),
   * high granularity unless given; resolves with the subscription id.
   * Callbacks then arrive here: see {@link callbacks}.
   */
  async subscribe(
    actor: ActorAddress,
    request: { target: string; subtarget?: string; resource?: string; granularity?: 'high' | 'low' | 'none' },
  ): Promise<string> {
    const answer = await this.call(actor, 'POST', `subscriptions/${encodeURIComponent(this.id)}`, {
      granularity: 'high',
      ...request,
    });
    if (answer.status !== 201 || typeof answer.json?.subscriptionid !== 'string')
      throw new Error(
        `The subscription request to ${actor.url} was answered ${answer.status}: ${answer.text}`,
      );
    return answer.json.subscriptionid;
  }

  /**
   * Sends a subscription callback to `actor` on its subscription to this
   * peer (`POST <actor>/callbacks/subscriptions/<this peer>/<subscriptionId>`,
   * spec: "Getting Subscription Updates, callbacks"), with any body: a proper diff, or wrong data to see how the hooks cope.
   */
  sendCallback(actor: ActorAddress, subscriptionId: string, body: unknown): Promise<FakePeerResponse> {
    return this.call(
      actor,
      'POST',
      `callbacks/subscriptions/${encodeURIComponent(this.id)}/${encodeURIComponent(subscriptionId)}`,
      body,
    );
  }

  /** Stops the server; requests in flight (and hanging ones) are cut. */
  close(): Promise<void> {
    return this.server.close();
  }

  private secretWith(actor: ActorAddress): string {
    const trust = this.state.trusts.get(actor.id);
    if (!trust) throw new Error(`Fake peer ${this.id} has no trust with actor ${actor.id}`);
    return trust.secret;
  }

  private async send(
    root: string,
    method: string,
    path: string,
    secret: string | undefined,
    body?: unknown,
  ): Promise<FakePeerResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (secret) headers.authorization = `Bearer ${secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${root}/${path.replace(/^\/+/, '')}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }
}

/**
 * Starts a {@link FakePeer} on a free loopback port. Close it when done
 * (`app.fakePeer()` does that with the app).
 *
 * @publicApi
 */
export function startFakePeer(options: FakePeerOptions = {}): Promise<FakePeer> {
  return FakePeer.start(options);
}

/** The latest script matching the request, else the well-behaved default. */
async function answerFor(
  scripts: Script[],
  state: FakePeerState,
  request: FakePeerRequest,
): Promise<FakeAnswer> {
  const script = scripts.find((s) => s.remaining > 0 && matches(s.route, request));
  if (!script) return defaultAnswer(state, request);
  script.remaining--;
  return typeof script.answer === 'function' ? script.answer(request) : script.answer;
}

function matches(route: FakeRoute, request: FakePeerRequest): boolean {
  if (route.method && route.method.toUpperCase() !== request.method) return false;
  const { path } = route;
  if (path === undefined) return true;
  if (path instanceof RegExp) return path.test(request.path);
  const wanted = path.replace(/^\/+|\/+$/g, '');
  return wanted === '' || request.path === wanted || request.path.startsWith(`${wanted}/`);
}

function describe(route: FakeRoute): string {
  return `${route.method ?? '*'} ${route.path ?? '*'}`;
}

import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  CallbackHook,
  LifecycleHook,
  SubscriptionHook,
  type CallbackHookContext,
  type LifecycleHookContext,
  type SubscriptionHookContext,
} from '@actingweb/nestjs';
import { decodedBody, startFakePeer, type FakePeer } from './fake-peer.js';
import { bearer, type TestActor } from './actors.js';
import { call } from './test-app.js';

export { befriend, bearer, newActor, type TestActor } from './actors.js';

/**
 * `a` (creator call) subscribes to `b` through `POST /a/subscriptions` (204,
 * `Location: <b>/subscriptions/<a>/<subid>`); returns the subscription id.
 */
export async function subscribe(
  a: TestActor,
  b: TestActor,
  body: { target?: string; subtarget?: string; resource?: string; granularity?: string } = {},
): Promise<string> {
  const res = await call(`${a.url}/subscriptions`, {
    method: 'POST',
    headers: a.auth,
    body: { peerid: b.id, target: 'properties', granularity: 'high', ...body },
  });
  expect(res.status).toBe(204);
  const prefix = `${b.url}/subscriptions/${a.id}/`;
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(prefix)).toBe(true);
  return location.slice(prefix.length);
}

/** Everything the subscriber-side hooks saw, per actor. */
@Injectable()
export class SubscriberLog {
  readonly diffs: SubscriptionHookContext[] = [];
  readonly callbacks: CallbackHookContext[] = [];
  readonly lifecycle: LifecycleHookContext[] = [];

  @SubscriptionHook()
  onDiff(ctx: SubscriptionHookContext) {
    this.diffs.push(ctx);
  }

  @CallbackHook('subscription')
  onCallback(ctx: CallbackHookContext) {
    this.callbacks.push(ctx);
    return true;
  }

  @LifecycleHook('subscription_created')
  created(ctx: LifecycleHookContext) {
    this.lifecycle.push(ctx);
  }

  @LifecycleHook('subscription_deleted')
  deleted(ctx: LifecycleHookContext) {
    this.lifecycle.push(ctx);
  }

  /** The diffs one actor's hooks saw on one subscription, as `[sequence, data]` pairs. */
  seen(actorId: string, subscriptionId?: string): Array<[number, unknown]> {
    return this.diffs
      .filter((d) => d.actor.id === actorId && (!subscriptionId || d.subscriptionId === subscriptionId))
      .map((d) => [d.sequence, d.data]);
  }
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes; then fails with `what`. */
export async function waitFor(condition: () => unknown, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A subscriber that is not an ActingWeb server: a fake peer trusted by `publisher`, subscribed over HTTP. */
export interface FakeSubscriber {
  peer: FakePeer;
  id: string;
  secret: string;
  /** Callbacks received (parsed bodies), in arrival order. */
  callbacks(): Array<Record<string, any>>;
  /** Request headers of each callback, in arrival order. */
  headers: Array<Record<string, string | string[] | undefined>>;
  /**
   * Callback exchanges open now (arrived, neither answered nor given up by the publisher) and the
   * most open at once; shared between subscribers when passed as `options.inFlight`.
   */
  inFlight: InFlight;
  /** Sequences of the callbacks whose exchange has ended (answered, or given up by the publisher), in that order. */
  ended(): number[];
  /** When each callback arrived and when its answer was sent (epoch ms; `answeredAt` unset while unanswered). */
  timeline: Array<{ arrivedAt: number; answeredAt?: number }>;
  subscribe(body: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface InFlight {
  now: number;
  max: number;
}

/**
 * Starts a fake peer, makes `publisher` trust it as `options.relationship`
 * (default `friend`; the publisher must auto-approve it), and answers
 * callbacks with `answer`.
 */
export async function fakeSubscriber(
  publisher: TestActor,
  answer: (
    body: string,
    n: number,
  ) =>
    | {
        status: number;
        headers?: Record<string, string>;
        body?: string;
        delayMs?: number;
        /** Answers only once this settled (then after `delayMs`). */
        until?: Promise<unknown>;
      }
    | 'hang'
    | 'garbage',
  options: { relationship?: string; inFlight?: InFlight } = {},
): Promise<FakeSubscriber> {
  const { relationship = 'friend', inFlight = { now: 0, max: 0 } } = options;
  const id = randomBytes(16).toString('hex');
  const secret = randomBytes(20).toString('hex');
  let n = 0;
  const headers: FakeSubscriber['headers'] = [];
  const endedIndexes: number[] = [];
  const timeline: FakeSubscriber['timeline'] = [];
  const peer = await startFakePeer((req, res, body) => {
    if (req.method === 'POST' && req.url?.includes('/callbacks/subscriptions/')) {
      headers.push({ ...req.headers });
      const index = n;
      const times: FakeSubscriber['timeline'][number] = { arrivedAt: Date.now() };
      timeline.push(times);
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      res.on('close', () => {
        inFlight.now--;
        endedIndexes.push(index);
      });
      res.on('finish', () => (times.answeredAt = Date.now()));
      const reply = answer(body, n++);
      if (reply === 'hang') return;
      if (reply === 'garbage') {
        res.socket?.end('HTTP/1.1 banana\r\nnot a header\r\n\r\n');
        return;
      }
      const respond = () =>
        setTimeout(() => {
          res.writeHead(reply.status, reply.headers ?? {});
          res.end(reply.body ?? '');
        }, reply.delayMs ?? 0);
      if (reply.until) void reply.until.then(respond, respond);
      else respond();
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const trust = await call(`${publisher.url}/trust/${relationship}`, {
    method: 'POST',
    body: { id, baseuri: peer.url, type: 'urn:actingweb:fake.example:peer', secret },
  });
  expect(trust.status).toBe(201);
  const callbacks = () =>
    peer.requests
      .filter((r) => r.method === 'POST' && r.url.includes('/callbacks/subscriptions/'))
      .map((r) => JSON.parse(decodedBody(r)) as Record<string, any>);
  return {
    peer,
    id,
    secret,
    headers,
    inFlight,
    timeline,
    callbacks,
    ended: () => {
      const received = callbacks();
      return endedIndexes.map((i) => received[i].sequence as number);
    },
    subscribe: async (body) => {
      const res = await call(`${publisher.url}/subscriptions/${id}`, {
        method: 'POST',
        headers: bearer(secret),
        body,
      });
      expect(res.status).toBe(201);
      return res.json.subscriptionid as string;
    },
    close: () => peer.close(),
  };
}

/**
 * A forwarding HTTP proxy that can be switched off (connections are cut), to
 * make a server look down to its peers without stopping it: start the server
 * with `baseUrl: proxy.url` and set `proxy.target` to its real URL.
 */
export interface SwitchProxy {
  readonly url: string;
  target: string;
  down: boolean;
  close(): Promise<void>;
}

export async function startSwitchProxy(): Promise<SwitchProxy> {
  const { createServer, request } = await import('node:http');
  const proxy = { url: '', target: '', down: false } as SwitchProxy;
  const server = createServer((req, res) => {
    if (proxy.down || !proxy.target) {
      req.socket.destroy();
      return;
    }
    const target = new URL(proxy.target);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  Object.assign(proxy, {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return proxy;
}

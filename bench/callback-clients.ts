/*
 * HTTP clients for subscription callbacks, side by side: 10,000 callback-sized POSTs, 256 at a time,
 * to the 50 ms benchmark peer (bench/servers/slow-peer-server.ts), each client in its own process with
 * the V8 setting `npm start` uses, in alternating order over the rounds. Reports CPU µs per request
 * (user + system), wall time and the highest RSS of each.
 *
 *   npm run build && node dist/bench/callback-clients.js [rounds, default 3]
 *
 * - `node:http`: what callbacks used before, `http.request` on a keep-alive Agent;
 * - `undici request()`: undici's promise API (a response body stream per request);
 * - `undici dispatch`: the library's postCallback (peers/callback-http.ts) on its policed undici Agent.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { request as undiciRequest } from 'undici';
import { resolveConfig } from '../libs/actingweb/src/config/aw-config.js';
import { postCallback } from '../libs/actingweb/src/peers/callback-http.js';
import { OutgoingRequestPolicy } from '../libs/actingweb/src/peers/outgoing-request-policy.js';
import { policedUndiciAgent } from '../libs/actingweb/src/peers/peer-http.js';
import { spawnServer } from './lib/server-process.js';
import { fmt, markdownTable } from './lib/table.js';
import { NODE_ARGS } from './scale.js';

const CALLBACKS = 10_000;
const CONCURRENCY = 256;
const VARIANTS = ['node:http', 'undici request()', 'undici dispatch'] as const;
type Variant = (typeof VARIANTS)[number];

interface Result {
  variant: Variant;
  ok: number;
  ms: number;
  cpuUsPerRequest: number;
  maxRssMb: number;
}

const BODY = JSON.stringify({
  id: 'a'.repeat(32),
  subscriptionid: 'b'.repeat(32),
  target: 'properties',
  sequence: 2,
  timestamp: new Date().toISOString(),
  granularity: 'high',
  type: 'diff',
  data: { x: { value: 42, text: 'a small property value' } },
});
const SECRET = 'c'.repeat(40);

async function worker(variant: Variant, peerUrl: string): Promise<Result> {
  const origin = peerUrl.replace(/\/$/, '');
  const config = resolveConfig({
    type: 'urn:actingweb:bench.example:clients',
    baseUrl: 'http://127.0.0.1/',
  });
  const policy = await OutgoingRequestPolicy.forServer(config.root, config.outgoingRequests, 1000);
  const agents = { callbacks: policedUndiciAgent(policy, { connections: CONCURRENCY }) };
  const httpAgent = new HttpAgent({ keepAlive: true, maxFreeSockets: 64, maxSockets: CONCURRENCY });
  const headers = () => ({
    authorization: `Bearer ${SECRET}`,
    'content-type': 'application/json; charset=utf-8',
    accept: 'application/json',
    'x-request-id': randomUUID(),
  });
  const send: Record<Variant, (i: number) => Promise<number>> = {
    'node:http': (i) =>
      new Promise((resolve) => {
        const req = httpRequest(
          new URL(`${origin}/peer${i}/callbacks/subscriptions/a/s`),
          {
            method: 'POST',
            agent: httpAgent,
            headers: { ...headers(), 'content-length': Buffer.byteLength(BODY) },
          },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        const timer = setTimeout(() => req.destroy(), 10_000);
        req.on('close', () => clearTimeout(timer));
        req.on('error', () => resolve(0));
        req.end(BODY);
      }),
    'undici request()': async (i) => {
      try {
        const res = await undiciRequest(`${origin}/peer${i}/callbacks/subscriptions/a/s`, {
          method: 'POST',
          dispatcher: agents.callbacks,
          headers: headers(),
          body: BODY,
          signal: AbortSignal.timeout(10_000),
        });
        await res.body.dump();
        return res.statusCode;
      } catch {
        return 0;
      }
    },
    'undici dispatch': async (i) =>
      (
        await postCallback(`${origin}/peer${i}`, 'callbacks/subscriptions/a/s', SECRET, BODY, {
          timeoutMs: 10_000,
          agents,
        })
      ).status,
  };
  const run = async (count: number) => {
    let next = 0;
    let ok = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) if ((await send[variant](next++)) === 204) ok++;
      }),
    );
    return ok;
  };
  await run(1000); // warm-up: connections open, code optimised
  let maxRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage.rss())), 50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const ok = await run(CALLBACKS);
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  maxRss = Math.max(maxRss, process.memoryUsage.rss());
  return {
    variant,
    ok,
    ms,
    cpuUsPerRequest: (used.user + used.system) / CALLBACKS,
    maxRssMb: maxRss / 2 ** 20,
  };
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const peer = await spawnServer(new URL('./servers/slow-peer-server.js', import.meta.url), {
    BENCH_PEER_DELAY_MS: '50',
  });
  const results: Result[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the order: the machine's load drifts.
      const order = [...VARIANTS.slice(round % 3), ...VARIANTS.slice(0, round % 3)];
      for (const variant of order) {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [...NODE_ARGS, fileURLToPath(import.meta.url), '--worker', variant, peer.url],
          { maxBuffer: 1 << 20 },
        );
        const result = JSON.parse(stdout.trim().split('\n').pop()!) as Result;
        results.push(result);
        process.stdout.write(
          `round ${round + 1} ${variant}: ${fmt.int(result.cpuUsPerRequest)} µs CPU/request, ${fmt.ms(result.ms)} ms, ` +
            `max RSS ${fmt.mb(result.maxRssMb)} MB, ${result.ok} answered 204\n`,
        );
      }
    }
  } finally {
    await peer.stop();
  }
  const rows = VARIANTS.map((variant) => {
    const mine = results.filter((r) => r.variant === variant);
    return [
      variant,
      mine.map((r) => fmt.int(r.cpuUsPerRequest)).join(' / '),
      mine.map((r) => fmt.ms(r.ms)).join(' / '),
      mine.map((r) => fmt.mb(r.maxRssMb)).join(' / '),
    ];
  });
  process.stdout.write(
    '\n' + markdownTable(['Client', 'CPU µs/request (rounds)', 'Wall ms', 'Max RSS MB'], rows) + '\n',
  );
}

if (process.argv[2] === '--worker') {
  const result = await worker(process.argv[3] as Variant, process.argv[4]);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
} else {
  await main();
}

/*
 * Where the hot routes' gap to raw Fastify goes over real HTTP (sockets, HTTP parsing, autocannon
 * in another process), layer by layer. Four servers, each in its own process with the node flags of
 * `npm start`, on its own storage:
 *
 *   raw     plain Fastify with the raw routes (servers/raw-fastify-server.ts)
 *   nest    the same routes in an empty Nest application (Nest's FastifyAdapter)
 *   module  the same routes in a Nest application with ActingWebModule (its hooks and body parsers)
 *   ours    the library's own routes (servers/actingweb-server.ts)
 *
 * Every round runs each route against the four in a rotating order, and reports the servers' CPU
 * time per request (process.cpuUsage over the run) and req/s; the steps between columns are what
 * each layer costs. `pipeline-breakdown.ts` does the same in one process with `inject()`, which
 * has no sockets.
 *
 *   npm run build && node dist/bench/http-layers.js            # BENCH_BACKEND=postgres for PostgreSQL
 *
 * BENCH_LAYERS_ROUNDS (3) and BENCH_LAYERS_DURATION (5 s) set the sample.
 */
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { basicAuth, request, seedActors } from './lib/http.js';
import { runLoad } from './lib/load.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { startNodeFlags } from './lib/start-flags.js';
import { markdownTable } from './lib/table.js';

const backend = (process.env.BENCH_BACKEND ?? 'sqlite') as BackendName;
const ROUNDS = Number(process.env.BENCH_LAYERS_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_LAYERS_DURATION ?? 5);
const CREATOR = 'layers@example.com';

interface Layer {
  readonly name: 'raw' | 'nest' | 'module' | 'ours';
  readonly script: string;
  readonly env: Record<string, string>;
  /** Where the routes sit on this server. */
  readonly prefix: string;
}
const LAYERS: Layer[] = [
  { name: 'raw', script: './servers/raw-fastify-server.js', env: {}, prefix: '' },
  {
    name: 'nest',
    script: './servers/raw-in-nest-server.js',
    env: { BENCH_WITH_MODULE: '0' },
    prefix: 'raw/',
  },
  {
    name: 'module',
    script: './servers/raw-in-nest-server.js',
    env: { BENCH_WITH_MODULE: '1' },
    prefix: 'raw/',
  },
  { name: 'ours', script: './servers/actingweb-server.js', env: {}, prefix: '' },
];

interface Running {
  readonly layer: Layer;
  readonly server: ServerHandle;
  readonly storage: BenchStorage;
  readonly base: string;
  readonly auth: string;
}

const ROUTES = [
  { name: 'GET /{id} (Basic auth)', method: 'GET', path: '' },
  { name: 'GET /{id}/properties/name', method: 'GET', path: '/properties/name' },
  { name: 'PUT /{id}/properties/name', method: 'PUT', path: '/properties/name', body: '"Bob"' },
] as const;

const running: Running[] = [];
try {
  for (const layer of LAYERS) {
    const storage = await createStorage(backend, `layers-${layer.name}`);
    const server = await spawnServer(
      new URL(layer.script, import.meta.url),
      { ...layer.env, BENCH_STORAGE: JSON.stringify(storage.options) },
      { nodeArgs: startNodeFlags() },
    );
    const [actor] = await seedActors(`${server.url}${layer.prefix}`, 1, CREATOR);
    const auth = basicAuth(actor.creator, actor.passphrase);
    const base = `${server.url}${layer.prefix}${actor.id}`;
    const put = await request(`${base}/properties/name`, {
      method: 'PUT',
      headers: { authorization: auth },
      body: 'Alice',
    });
    if (put.status !== 204) throw new Error(`${layer.name}: seeding the property answered ${put.status}`);
    running.push({ layer, server, storage, base, auth });
  }

  const cpu = new Map<string, number[]>();
  const perSec = new Map<string, number[]>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const route of ROUTES) {
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const r of order) {
        const load = {
          url: `${r.base}${route.path}`,
          method: route.method,
          headers: { authorization: r.auth, 'content-type': 'application/json' },
          body: 'body' in route ? route.body : undefined,
          connections: 50,
        };
        await runLoad({ ...load, duration: 1 }); // warm-up
        const before = await r.server.takeStats();
        const result = await runLoad({ ...load, duration: DURATION });
        const after = await r.server.takeStats();
        if (result.non2xx + result.errors > 0)
          throw new Error(
            `${r.layer.name}: ${route.name} had ${result.non2xx} non-2xx, ${result.errors} errors`,
          );
        const key = `${route.name}|${r.layer.name}`;
        (cpu.get(key) ?? cpu.set(key, []).get(key)!).push(
          ((after.cpuMs - before.cpuMs) * 1000) / result.totalRequests,
        );
        (perSec.get(key) ?? perSec.set(key, []).get(key)!).push(result.requestsPerSec);
      }
      process.stdout.write(`${backend}: round ${round}, ${route.name}\n`);
    }
  }

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rows = ROUTES.map((route) => {
    const m = Object.fromEntries(LAYERS.map((l) => [l.name, median(cpu.get(`${route.name}|${l.name}`)!)]));
    const rps = Object.fromEntries(
      LAYERS.map((l) => [l.name, median(perSec.get(`${route.name}|${l.name}`)!)]),
    );
    const step = (a: number, b: number) => `${b - a >= 0 ? '+' : ''}${(b - a).toFixed(1)}`;
    return [
      backend,
      route.name,
      LAYERS.map((l) => m[l.name].toFixed(1)).join(' / '),
      step(m.raw, m.nest),
      step(m.nest, m.module),
      step(m.module, m.ours),
      LAYERS.map((l) => Math.round(rps[l.name]).toLocaleString('en-US')).join(' / '),
      (rps.ours / rps.raw).toFixed(2),
      (rps.module / rps.raw).toFixed(2),
    ];
  });
  process.stdout.write(
    '\n' +
      markdownTable(
        [
          'Backend',
          'Route',
          'CPU µs/req raw / nest / module / ours (median)',
          "Nest's adapter",
          'the module',
          'our route',
          'req/s raw / nest / module / ours',
          'ours ÷ raw',
          'module ÷ raw',
        ],
        rows,
      ) +
      '\n',
  );
} finally {
  for (const r of running) {
    await r.server.stop();
    await r.storage.cleanup();
  }
}

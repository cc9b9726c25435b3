/*
 * Scale benchmark, part (c): is the server's memory flat in the number of
 * actors? The foundation scenarios (bench/foundation.ts) run against a fresh
 * ActingWeb server seeded with 100 actors, then against one seeded with
 * 100,000, same backend, same V8 settings. The actor the scenarios use is
 * created through `POST /`; the others are written straight into the
 * server's database (the library's schema, as `POST /` stores them), which
 * takes seconds instead of minutes. Reported: the server's highest RSS while
 * the scenarios run, and the ratio large ÷ small.
 */
import { randomBytes } from 'node:crypto';
import { resolveConfig } from '../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import { measure, type RunSettings } from './lib/compare.js';
import { seedActors } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt } from './lib/table.js';
import { assertAnswers2xx, CREATOR, SCENARIOS, seedProperties } from './foundation.js';
import { log } from './lib/results.js';

export const ACTOR_COUNTS = { small: 100, large: 100_000 };

export interface MemoryRun {
  actors: number;
  /** Highest RSS (MB) while the foundation scenarios ran. */
  maxRssMb: number;
  /** Requests answered during the scenarios, and how many were not 2xx or failed. */
  requests: number;
  failed: number;
}

export interface MemoryResult {
  round: number;
  small: MemoryRun;
  large: MemoryRun;
}

const ACTINGWEB_SERVER = new URL('./servers/actingweb-server.js', import.meta.url);

export async function runMemoryScale(
  backend: BackendName,
  options: RunSettings & { rounds: number },
  nodeArgs: string[],
): Promise<MemoryResult[]> {
  const results: MemoryResult[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    // Alternate the order between rounds, so drift of the machine's load does not favour one.
    const order = round % 2 === 1 ? (['small', 'large'] as const) : (['large', 'small'] as const);
    const runs: Partial<Record<'small' | 'large', MemoryRun>> = {};
    for (const size of order) runs[size] = await oneServer(backend, ACTOR_COUNTS[size], options, nodeArgs);
    results.push({ round, small: runs.small!, large: runs.large! });
  }
  return results;
}

async function oneServer(
  backend: BackendName,
  actors: number,
  settings: RunSettings,
  nodeArgs: string[],
): Promise<MemoryRun> {
  let storage: BenchStorage | undefined;
  let server: ServerHandle | undefined;
  try {
    storage = await createStorage(backend, 'scale-memory');
    server = await spawnServer(
      ACTINGWEB_SERVER,
      { BENCH_STORAGE: JSON.stringify(storage.options) },
      { nodeArgs },
    );
    log(`${backend}: seeding ${fmt.int(actors)} actors`);
    const started = performance.now();
    const [actor] = await seedActors(server.url, 1, CREATOR);
    await seedInDatabase(storage, actors - 1);
    log(`  seeded in ${fmt.int((performance.now() - started) / 1000)} s`);
    const target = { server, actor };
    await seedProperties(target);
    await server.takeStats();
    let maxRssMb = 0;
    let requests = 0;
    let failed = 0;
    for (const scenario of SCENARIOS) {
      if (scenario.diagnostic) continue;
      const req = scenario.actingweb(target);
      await assertAnswers2xx(req);
      const m = await measure(server, req, settings);
      maxRssMb = Math.max(maxRssMb, m.maxRssMb);
      requests += m.totalRequests;
      failed += m.non2xx + m.errors;
      log(`  ${scenario.name}: ${fmt.int(m.requestsPerSec)} req/s, max RSS ${fmt.mb(m.maxRssMb)} MB`);
    }
    return { actors, maxRssMb, requests, failed };
  } finally {
    await server?.stop();
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
}

/** `count` more actors, as `POST /` stores them, in batches straight into the server's database. */
async function seedInDatabase(storage: BenchStorage, count: number): Promise<void> {
  const database = new ActingWebDatabase(
    resolveConfig({
      type: 'urn:actingweb:bench.example:seed',
      baseUrl: 'http://127.0.0.1/',
      storage: storage.options,
    }),
  );
  try {
    const createdAt = new Date().toISOString();
    for (let done = 0; done < count;) {
      const batch = Array.from({ length: Math.min(500, count - done) }, (_, i) => ({
        id: randomBytes(16).toString('hex'),
        creator: `seed${done + i}@example.com`,
        passphrase: randomBytes(20).toString('base64url'),
        trustee_root: null,
        created_at: createdAt,
      }));
      await database.db.insertInto('actors').values(batch).execute();
      done += batch.length;
    }
  } finally {
    await database.onApplicationShutdown();
  }
}

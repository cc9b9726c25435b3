/*
 * MCP benchmark, `npm run bench -- --suite mcp`:
 *
 * `tools/call` of a trivial async tool over `POST /{actorId}/mcp`,
 * authenticated with the Bearer secret of an `mcp_client` trust (and, as a
 * second ActingWeb target, with an OAuth access token of the identity
 * module's authorization server for a trust of the same type), against a
 * raw Fastify server calling the same function in the same run, from two
 * routes: one doing the same storage work (actor, trust secret, trust
 * permissions: the same SQL through the library's repositories) and one
 * doing nothing but calling the tool.
 *
 * Reported per backend and round:
 * - throughput under load (autocannon, --duration x --connections), the
 *   ratio ActingWeb ÷ raw, and server CPU time per request;
 * - latency of sequential requests (one keep-alive connection, no load): the
 *   median difference ActingWeb − raw is the server-side overhead per call.
 *
 * Both protocol eras are measured: the legacy `tools/call` (2025-11-25
 * header) and the 2026-07-28 one (the `_meta` envelope and mirrored headers).
 * The tool declares an `inputSchema`, so argument validation is included.
 *
 * Targets: median overhead < 0.3 ms on both eras and throughput >= 0.5 x raw
 * (against the raw route doing the same storage work).
 */
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../libs/actingweb/src/config/aw-config.js';
import { ActingWebDatabase } from '../libs/actingweb/src/storage/actingweb-database.js';
import { TrustRepository } from '../libs/actingweb/src/storage/trust.repository.js';
import { createStorage, type BackendName, type BenchStorage } from './lib/backends.js';
import {
  measure,
  type Comparison,
  type Measurement,
  type RunSettings,
  type TargetRequest,
} from './lib/compare.js';
import { request, seedActors } from './lib/http.js';
import { spawnServer, type ServerHandle } from './lib/server-process.js';
import { fmt, loudWarning, markdownTable } from './lib/table.js';
import {
  MODERN_HEADERS,
  MODERN_TOOL_CALL_BODY,
  modernToolResult,
  TOOL_CALL_BODY,
  toolResult,
} from './servers/mcp-tool.js';
import { log, writeResults } from './lib/results.js';

export interface McpSuiteOptions extends RunSettings {
  backends: BackendName[];
  /** How many times each measurement runs. */
  rounds: number;
  resultsDir: URL;
  /** Write a CPU profile of the ActingWeb server (`--cpu-prof`) into the OS temp directory. */
  cpuProf?: boolean;
}

const TARGET_OVERHEAD_MS = 0.3;
const TARGET_RATIO = 0.5;
const SEQUENTIAL_WARMUP = 300;
const SEQUENTIAL_SAMPLES = 2000;
const CREATOR = 'mcp-bench@example.com';
const SECRET = 'mcp-bench-secret-'.padEnd(48, 'x');
/** An OAuth access token (identity module), stored as its SHA-256 like every token the server issues. */
const ACCESS_TOKEN = 'awat_' + 'benchmark-access-token-'.padEnd(43, 'x');
const OAUTH_PEER_ID = 'oauth2_client:mcp-bench_at_example_dot_com:awc_bench';
/** Budget of the OAuth token check over the trust-secret check (median, sequential). */
const TARGET_OAUTH_ADDED_MS = 0.3;

const RAW_SERVER = new URL('./servers/mcp-raw-server.js', import.meta.url);
const ACTINGWEB_SERVER = new URL('./servers/mcp-actingweb-server.js', import.meta.url);

/** Latency of sequential requests, in microseconds. */
interface Sequential {
  p50Us: number;
  p90Us: number;
  p99Us: number;
}

interface McpRound {
  backend: BackendName;
  round: number;
  /** Raw route with the same storage work vs ActingWeb. */
  storage: Comparison;
  /** Raw route calling only the tool vs ActingWeb. */
  bare: Comparison;
  /** ActingWeb with the trust secret (baseline) vs ActingWeb with an OAuth access token. */
  oauth: Comparison;
  /** Raw route with the same storage work vs ActingWeb in the 2026-07-28 era. */
  modern: Comparison;
  sequential: {
    actingweb: Sequential;
    actingwebOAuth: Sequential;
    actingwebModern: Sequential;
    rawStorage: Sequential;
    rawBare: Sequential;
  };
  /** Median sequential latency, ActingWeb minus raw (same storage work), in ms. */
  overheadMs: number;
  /** The same against the bare route. */
  overheadVsBareMs: number;
  /** Median sequential latency, OAuth access token minus trust secret (both ActingWeb), in ms. */
  oauthAddedMs: number;
  /** Median sequential latency, ActingWeb 2026-07-28 minus raw (same storage work), in ms. */
  modernOverheadMs: number;
}

export async function runMcpSuite(options: McpSuiteOptions): Promise<void> {
  log(
    `MCP benchmark: tools/call of a trivial async tool, ${options.duration}s x ${options.connections} connections ` +
      `(+${options.warmup}s warm-up), then ${SEQUENTIAL_SAMPLES} sequential calls; ${options.rounds} rounds on ` +
      `${options.backends.join(', ')}; ${cpus().length} cores, node ${process.version}`,
  );
  const rounds: McpRound[] = [];
  for (const backend of options.backends) rounds.push(...(await runBackend(backend, options)));

  process.stdout.write('\n' + table(rounds) + '\n\n');
  for (const r of rounds) {
    const overheadOk = r.overheadMs < TARGET_OVERHEAD_MS;
    const ratioOk = r.storage.ratio >= TARGET_RATIO;
    log(
      `${r.backend} round ${r.round}: median overhead ${r.overheadMs.toFixed(3)} ms (target < ${TARGET_OVERHEAD_MS}) ` +
        `${overheadOk ? 'MET' : 'NOT MET'}; throughput ${fmt.ratio(r.storage.ratio)} x raw (target >= ${TARGET_RATIO}) ` +
        `${ratioOk ? 'MET' : 'NOT MET'}; 2026-07-28: median overhead ${r.modernOverheadMs.toFixed(3)} ms ` +
        `${r.modernOverheadMs < TARGET_OVERHEAD_MS ? 'MET' : 'NOT MET'}, ${fmt.ratio(r.modern.ratio)} x raw; vs the bare route: +${r.overheadVsBareMs.toFixed(3)} ms, ${fmt.ratio(r.bare.ratio)} x; ` +
        `OAuth token vs trust secret: ${r.oauthAddedMs >= 0 ? '+' : ''}${r.oauthAddedMs.toFixed(3)} ms median ` +
        `(target < ${TARGET_OAUTH_ADDED_MS}) ${r.oauthAddedMs < TARGET_OAUTH_ADDED_MS ? 'MET' : 'NOT MET'}, ` +
        `${fmt.ratio(r.oauth.ratio)} x throughput`,
    );
  }

  await writeResults(new URL('mcp.json', options.resultsDir), {
    benchmark: 'mcp',
    settings: {
      duration: options.duration,
      connections: options.connections,
      warmup: options.warmup,
      rounds: options.rounds,
      sequentialSamples: SEQUENTIAL_SAMPLES,
    },
    targets: {
      maxMedianOverheadMs: TARGET_OVERHEAD_MS,
      minThroughputRatio: TARGET_RATIO,
      maxOAuthAddedMedianMs: TARGET_OAUTH_ADDED_MS,
    },
    rounds,
  });

  const broken = rounds.some((r) =>
    [r.storage.baseline, r.storage.subject, r.bare.baseline, r.oauth.subject, r.modern.subject].some(
      (m) => m.non2xx + m.errors > 0,
    ),
  );
  if (broken) {
    loudWarning('Some calls failed or answered non-2xx: the numbers above are not valid.');
    process.exitCode = 1;
  }
}

async function runBackend(backend: BackendName, options: McpSuiteOptions): Promise<McpRound[]> {
  let storage: BenchStorage | undefined;
  const servers: ServerHandle[] = [];
  const results: McpRound[] = [];
  try {
    // One storage for both servers, started one after the other (see bench/foundation.ts).
    storage = await createStorage(backend, 'mcp');
    const env = { BENCH_STORAGE: JSON.stringify(storage.options) };
    const raw = await spawnServer(RAW_SERVER, env);
    servers.push(raw);
    const profileDir = join(tmpdir(), `aw-bench-mcp-cpuprof-${backend}-${Date.now()}`);
    const actingweb = await spawnServer(ACTINGWEB_SERVER, env, {
      nodeArgs: options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    if (options.cpuProf) log(`CPU profile of the ActingWeb server: ${profileDir}`);
    servers.push(actingweb);

    const [actor] = await seedActors(actingweb.url, 1, CREATOR);
    await addMcpClientTrust(storage, actor.id);

    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${SECRET}`,
      'mcp-protocol-version': '2025-11-25',
    };
    const oauthHeaders = { ...headers, authorization: `Bearer ${ACCESS_TOKEN}` };
    const targets = {
      actingweb: { url: `${actingweb.url}${actor.id}/mcp`, method: 'POST', headers, body: TOOL_CALL_BODY },
      actingwebOAuth: {
        url: `${actingweb.url}${actor.id}/mcp`,
        method: 'POST',
        headers: oauthHeaders,
        body: TOOL_CALL_BODY,
      },
      actingwebModern: {
        url: `${actingweb.url}${actor.id}/mcp`,
        method: 'POST',
        headers: { ...headers, ...MODERN_HEADERS },
        body: MODERN_TOOL_CALL_BODY,
      },
      rawStorage: { url: `${raw.url}${actor.id}/tool`, method: 'POST', headers, body: TOOL_CALL_BODY },
      rawBare: { url: `${raw.url}bare/tool`, method: 'POST', headers, body: TOOL_CALL_BODY },
    } satisfies Record<string, TargetRequest>;
    for (const [name, target] of Object.entries(targets)) {
      await assertToolResult(target, name === 'actingwebModern' ? modernToolResult : toolResult);
    }

    for (let round = 1; round <= options.rounds; round++) {
      log(`${backend} round ${round}: throughput`);
      const rawStorage = await measure(raw, targets.rawStorage, options);
      const rawBare = await measure(raw, targets.rawBare, options);
      const aw = await measure(actingweb, targets.actingweb, options);
      const awOAuth = await measure(actingweb, targets.actingwebOAuth, options);
      const awModern = await measure(actingweb, targets.actingwebModern, options);
      log(`${backend} round ${round}: sequential latency`);
      const sequential = {
        rawStorage: await sequentialLatency(targets.rawStorage),
        rawBare: await sequentialLatency(targets.rawBare),
        actingweb: await sequentialLatency(targets.actingweb),
        actingwebOAuth: await sequentialLatency(targets.actingwebOAuth),
        actingwebModern: await sequentialLatency(targets.actingwebModern),
      };
      const result: McpRound = {
        backend,
        round,
        storage: comparison('tools/call vs raw (same storage work)', backend, rawStorage, aw),
        bare: comparison('tools/call vs raw (tool only)', backend, rawBare, aw),
        oauth: comparison('tools/call, OAuth access token vs trust secret', backend, aw, awOAuth),
        modern: comparison('tools/call 2026-07-28 vs raw (same storage work)', backend, rawStorage, awModern),
        sequential,
        overheadMs: (sequential.actingweb.p50Us - sequential.rawStorage.p50Us) / 1000,
        overheadVsBareMs: (sequential.actingweb.p50Us - sequential.rawBare.p50Us) / 1000,
        oauthAddedMs: (sequential.actingwebOAuth.p50Us - sequential.actingweb.p50Us) / 1000,
        modernOverheadMs: (sequential.actingwebModern.p50Us - sequential.rawStorage.p50Us) / 1000,
      };
      log(
        `  raw ${fmt.int(rawStorage.requestsPerSec)} req/s (bare ${fmt.int(rawBare.requestsPerSec)}), ` +
          `ActingWeb ${fmt.int(aw.requestsPerSec)} req/s, ratio ${fmt.ratio(result.storage.ratio)}; ` +
          `sequential p50 ${us(sequential.rawStorage.p50Us)} / ${us(sequential.rawBare.p50Us)} / ${us(sequential.actingweb.p50Us)} µs; ` +
          `OAuth token ${fmt.int(awOAuth.requestsPerSec)} req/s, p50 ${us(sequential.actingwebOAuth.p50Us)} µs; ` +
          `2026-07-28 ${fmt.int(awModern.requestsPerSec)} req/s, p50 ${us(sequential.actingwebModern.p50Us)} µs`,
      );
      results.push(result);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await storage?.cleanup().catch((err: unknown) => log(`storage cleanup failed: ${String(err)}`));
  }
  return results;
}

/**
 * An approved `mcp_client` trust with a known secret, and a second one as the
 * identity module's consent creates it with a grant and an access token
 * (stored as SHA-256), written straight to the shared storage.
 */
async function addMcpClientTrust(storage: BenchStorage, actorId: string): Promise<void> {
  const config = resolveConfig({
    type: 'urn:actingweb:bench.example:mcp',
    baseUrl: 'http://127.0.0.1/',
    storage: storage.options,
  });
  const database = new ActingWebDatabase(config);
  try {
    await database.migrate();
    await new TrustRepository(database).insert({
      actorId,
      peerId: 'benchclient0000000000000000000000',
      baseuri: '',
      peerType: 'urn:actingweb:bench.example:mcp-client',
      relationship: 'mcp_client',
      secret: SECRET,
      description: 'benchmark MCP client',
      approved: true,
      peerApproved: true,
      verified: true,
      verificationToken: null,
      establishedVia: 'bench',
      createdAt: new Date().toISOString(),
    });
    const now = new Date().toISOString();
    await database.db
      .insertInto('trusts')
      .values({
        actor_id: actorId,
        peer_id: OAUTH_PEER_ID,
        baseuri: '',
        peer_type: 'mcp',
        relationship: 'mcp_client',
        secret: 'unused-oauth-trust-secret'.padEnd(40, 'x'),
        secret_hash: createHash('sha256').update('unused-oauth-trust-secret'.padEnd(40, 'x')).digest('hex'),
        description: 'OAuth2 client: benchmark',
        approved: 1,
        peer_approved: 1,
        verified: 1,
        verification_token: null,
        peer_identifier: CREATOR,
        established_via: 'oauth2_client',
        client_name: 'benchmark',
        client_version: null,
        client_platform: null,
        oauth_client_id: 'awc_bench',
        aw_supported: null,
        aw_version: null,
        capabilities_fetched_at: null,
        created_at: now,
        last_accessed: null,
        last_connected_via: null,
        last_connected_at: null,
      })
      .execute();
    await database.db
      .insertInto('oauth_grants')
      .values({
        id: 'bench-grant',
        actor_id: actorId,
        trust_peer_id: OAUTH_PEER_ID,
        client_id: 'awc_bench',
        scope: 'mcp',
        resource: null,
        created_at: now,
        last_used_at: null,
      })
      .execute();
    await database.db
      .insertInto('oauth_access_tokens')
      .values({
        token_hash: createHash('sha256').update(ACCESS_TOKEN).digest('hex'),
        grant_id: 'bench-grant',
        expires_at: Date.now() + 24 * 3600 * 1000,
      })
      .execute();
  } finally {
    await database.onApplicationShutdown();
  }
}

/** One request before the load: the answer must be the tool's result, so both sides do the same work. */
async function assertToolResult(
  target: TargetRequest,
  result: (value: unknown) => Record<string, unknown>,
): Promise<void> {
  const { status, json } = await request(target.url, {
    method: target.method,
    headers: target.headers,
    body: JSON.parse(target.body!),
  });
  const expected = result({ echoed: 'hello' });
  if (status !== 200 || JSON.stringify(json?.result) !== JSON.stringify(expected)) {
    throw new Error(`${target.url} answered ${status} ${JSON.stringify(json)} before the load`);
  }
}

/** Sequential requests on one keep-alive connection; client-side round-trip times. */
async function sequentialLatency(target: TargetRequest): Promise<Sequential> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target.url);
  const body = Buffer.from(target.body ?? '');
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: target.method,
          headers: { ...target.headers, 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`${target.url} answered ${res.statusCode}`));
            else resolve(Number(process.hrtime.bigint() - started) / 1000);
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    for (let i = 0; i < SEQUENTIAL_WARMUP; i++) await once();
    const samples: number[] = [];
    for (let i = 0; i < SEQUENTIAL_SAMPLES; i++) samples.push(await once());
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    return { p50Us: at(0.5), p90Us: at(0.9), p99Us: at(0.99) };
  } finally {
    agent.destroy();
  }
}

function comparison(
  scenario: string,
  backend: string,
  baseline: Measurement,
  subject: Measurement,
): Comparison {
  return { scenario, backend, baseline, subject, ratio: subject.requestsPerSec / baseline.requestsPerSec };
}

function table(rounds: McpRound[]): string {
  return markdownTable(
    [
      'Backend',
      'Round',
      'Raw req/s (storage / bare)',
      'ActingWeb req/s',
      'Ratio (storage / bare)',
      'CPU µs/req raw (storage / bare) / AW',
      'Sequential p50 µs raw (storage / bare) / AW',
      'Median overhead ms (vs storage / bare)',
      'OAuth token: req/s, CPU µs/req, p50 µs, added ms',
      '2026-07-28: req/s, CPU µs/req, p50 µs, overhead ms',
      'Non-2xx',
    ],
    rounds.map((r) => [
      r.backend,
      String(r.round),
      `${fmt.int(r.storage.baseline.requestsPerSec)} / ${fmt.int(r.bare.baseline.requestsPerSec)}`,
      fmt.int(r.storage.subject.requestsPerSec),
      `${fmt.ratio(r.storage.ratio)} / ${fmt.ratio(r.bare.ratio)}`,
      `${fmt.int(r.storage.baseline.cpuUsPerRequest)} / ${fmt.int(r.bare.baseline.cpuUsPerRequest)} / ${fmt.int(r.storage.subject.cpuUsPerRequest)}`,
      `${us(r.sequential.rawStorage.p50Us)} / ${us(r.sequential.rawBare.p50Us)} / ${us(r.sequential.actingweb.p50Us)}`,
      `${r.overheadMs.toFixed(3)} / ${r.overheadVsBareMs.toFixed(3)}`,
      `${fmt.int(r.oauth.subject.requestsPerSec)}, ${fmt.int(r.oauth.subject.cpuUsPerRequest)}, ${us(r.sequential.actingwebOAuth.p50Us)}, ${r.oauthAddedMs.toFixed(3)}`,
      `${fmt.int(r.modern.subject.requestsPerSec)}, ${fmt.int(r.modern.subject.cpuUsPerRequest)}, ${us(r.sequential.actingwebModern.p50Us)}, ${r.modernOverheadMs.toFixed(3)}`,
      String(
        [r.storage.baseline, r.bare.baseline, r.storage.subject, r.oauth.subject, r.modern.subject].reduce(
          (n, m) => n + m.non2xx + m.errors,
          0,
        ),
      ),
    ]),
  );
}

function us(n: number): string {
  return Math.round(n).toString();
}

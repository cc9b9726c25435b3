#!/usr/bin/env node
/**
 * `npm run demo`: a change on one ActingWeb server arriving at another.
 *
 * Starts two servers of the example notes app (src/) on free loopback ports,
 * with in-memory storage. Alice (on server one) asks bob (on server two) for
 * a trust, bob approves it, alice subscribes to bob's notes, bob adds a note
 * with the MCP tool `add_note`, and the note shows up in alice's properties
 * (`peer_notes`), copied there by her subscription hook. Every request and
 * its answer is printed.
 *
 * Exits 0 when the note arrived; 1 with the reason, and the servers' last log
 * lines, when a step failed. Both servers are stopped in every case.
 *
 * Builds first when the build is out of date (scripts/build-if-stale.mjs).
 * The servers get your environment's AW_* variables (e.g. AW_LOG_LEVEL=info
 * to see their logs) except those the demo sets; DATABASE_URL is ignored.
 */
/* global process, fetch, setTimeout, clearTimeout, AbortSignal, Buffer */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
const ARRIVAL_TIMEOUT_MS = 15_000;
const NOTE = 'Dinner on Friday?';

/** The running servers, for stopping them whatever happens. */
const servers = [];

const say = (line = '') => process.stdout.write(`${line}\n`);
let stepNumber = 0;
const step = (title) => say(`\n${++stepNumber}. ${title}`);

// ---- Servers ------------------------------------------------------------------------------

async function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** Starts `node dist/src/main.js` (what `npm start` runs) and waits until it answers. */
async function startServer(name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const env = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    // A baseUrl on loopback lets the server call peers on loopback: the
    // outgoing-request policy allows the class of its own address (docs/security.md).
    AW_BASE_URL: url,
    AW_DATA_DIR: 'memory://',
    AW_LOG_LEVEL: process.env.AW_LOG_LEVEL || 'warn',
  });
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { name, url, child, output: [], exit: undefined };
  servers.push(server);
  say(`   server ${name}: ${url} (pid ${child.pid})`);
  const exited = new Promise((done) =>
    // 'close', not 'exit': the last output lines have been read by then.
    child.on('close', (code, signal) => done((server.exit = signal ? `signal ${signal}` : `code ${code}`))),
  );
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      for (const line of chunk.split('\n').filter((l) => l.trim())) {
        server.output.push(line);
        say(`   [server ${name}] ${line}`);
      }
    });
  }
  server.exited = exited;

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exit)
      throw new Error(`server ${name} exited with ${server.exit}: ${server.output.slice(-3).join(' | ')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return server;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`server ${name} did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM (the server finishes in-flight requests and closes its database), SIGKILL after 5 s. */
async function stopServers() {
  await Promise.all(
    servers.map(async (server) => {
      if (server.exit) return;
      server.child.kill('SIGTERM');
      const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
      await server.exited;
      clearTimeout(timer);
    }),
  );
}

// ---- HTTP, printed ------------------------------------------------------------------------

function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}

/** JSON on one line, long values shortened. */
function compact(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 240 ? `${text.slice(0, 240)}…` : text;
}

function basic(actor) {
  return `Basic ${Buffer.from(`${actor.creator}:${actor.passphrase}`).toString('base64')}`;
}

/**
 * One request, printed as `→ METHOD url body` and `← status answer`. `as` is
 * the actor whose creator sends it; `show` picks what of the answer to print.
 */
async function request(method, url, { as, body, headers = {}, show = (json) => json, quiet = false } = {}) {
  if (!quiet)
    say(
      `   → ${method} ${url}${as ? ` (as ${as.creator})` : ''}${body === undefined ? '' : ` ${compact(body)}`}`,
    );
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(as ? { authorization: basic(as) } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  const location = res.headers.get('location');
  if (!quiet) {
    const answer = json === undefined ? text : compact(show(json));
    say(`   ← ${res.status}${location ? ` Location: ${location}` : ''}${answer ? ` ${answer}` : ''}`);
  }
  return { status: res.status, json, text, location };
}

function expectStatus(res, ...statuses) {
  if (!statuses.includes(res.status))
    throw new Error(`expected HTTP ${statuses.join(' or ')}, got ${res.status}: ${compact(res.text)}`);
}

/** What of a trust record to print (it also holds the shared secret). */
const trustSummary = ({ peerid, relationship, approved, peer_approved, verified }) => ({
  peerid,
  relationship,
  approved,
  peer_approved,
  verified,
});

// ---- The story ----------------------------------------------------------------------------

async function demo() {
  say('ActingWeb demo: two notes servers, a trust between them, and a note travelling across.');

  const built = await buildIfStale({ onBuild: () => say('\nBuilding first (npm run build) ...') });
  if (built) say('Built.');

  step('Start two servers of the example app (in-memory SQLite, loopback)');
  const [one, two] = await Promise.all([startServer('one'), startServer('two')]);
  say('   both answer');

  step('Create an actor on each server: alice on one, bob on two');
  const created = [];
  for (const [server, creator] of [
    [one, 'alice@example.com'],
    [two, 'bob@example.com'],
  ]) {
    const res = await request('POST', server.url, { body: { creator } });
    expectStatus(res, 201);
    created.push({ ...res.json, url: `${server.url}${res.json.id}` });
  }
  const [alice, bob] = created;

  step('Alice asks bob for a friend trust (server one calls server two, which checks back)');
  const asked = await request('POST', `${alice.url}/trust`, {
    as: alice,
    body: { url: bob.url, relationship: 'friend', desc: "Alice follows bob's notes" },
    show: trustSummary,
  });
  expectStatus(asked, 201);

  step('Bob approves it; server two tells server one');
  expectStatus(
    await request('PUT', `${bob.url}/trust/friend/${alice.id}`, { as: bob, body: { approved: true } }),
    204,
  );
  const trust = await request('GET', `${alice.url}/trust/friend/${bob.id}`, {
    as: alice,
    show: trustSummary,
  });
  expectStatus(trust, 200);
  if (!trust.json.approved || !trust.json.peer_approved)
    throw new Error('the trust is not approved on both sides');

  step("Alice subscribes to bob's notes; her copy starts with what he has");
  expectStatus(
    await request('POST', `${alice.url}/subscriptions`, {
      as: alice,
      body: { peerid: bob.id, target: 'properties', subtarget: 'notes', granularity: 'high' },
    }),
    204,
  );
  expectStatus(await request('GET', `${alice.url}/properties/peer_notes`, { as: alice }), 200);

  step('Bob adds a note with the MCP tool add_note (on server two)');
  const added = await request('POST', `${bob.url}/mcp`, {
    as: bob,
    headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
    body: {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'add_note', arguments: { text: NOTE } },
    },
    show: (json) => json.result?.structuredContent ?? json,
  });
  expectStatus(added, 200);
  if (added.json.error || added.json.result?.isError)
    throw new Error(`add_note failed: ${compact(added.json)}`);

  step("Wait for the note in alice's properties on server one");
  const copyUrl = `${alice.url}/properties/peer_notes/${bob.id}`;
  say(`   polling GET ${copyUrl} (as ${alice.creator}) until it has "${NOTE}"`);
  const started = Date.now();
  for (;;) {
    const copy = await request('GET', copyUrl, { as: alice, quiet: true });
    if (copy.status === 200 && Array.isArray(copy.json) && copy.json.some((note) => note.text === NOTE)) {
      say(`   ← 200 ${compact(copy.json)}`);
      say(`\nBob's note reached alice's server in ${Date.now() - started} ms (after the add_note answer).`);
      return;
    }
    if (Date.now() - started > ARRIVAL_TIMEOUT_MS)
      throw new Error(
        `the note did not arrive within ${ARRIVAL_TIMEOUT_MS / 1000} s; last answer: ${copy.status} ${compact(copy.text)}`,
      );
    await sleep(50);
  }
}

let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  say('\nInterrupted; stopping the servers.');
  stopServers().then(() => process.exit(130));
});

try {
  await demo();
  await stopServers();
  say('Servers stopped. Done.');
} catch (err) {
  if (!interrupted) {
    process.stderr.write(`\nDemo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await stopServers();
    process.exit(1);
  }
}

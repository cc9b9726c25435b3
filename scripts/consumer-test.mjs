#!/usr/bin/env node
/**
 * The library as its users meet it: pack it, install the tarball in a new app
 * outside the repository (peers from the registry), compile the README's app
 * exactly as written, start it, and drive it over HTTP and MCP. Then run a
 * small Jest suite in that app with `@actingweb/nestjs/testing`: two of the
 * docs/testing.md examples (a hook test and a two-server test), with the Jest
 * and TypeScript settings that page shows.
 *
 *   node scripts/consumer-test.mjs [--keep]
 *
 * Exits non-zero when any step fails. `--keep` leaves the temporary app in place.
 */
/* global process, fetch, setTimeout, Buffer, URL */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const rootPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const libPackage = JSON.parse(readFileSync(join(repo, 'libs/actingweb/package.json'), 'utf8'));

const work = mkdtempSync(join(tmpdir(), 'aw-consumer-'));
const app = join(work, 'app');
let server;
let failed = false;

function step(title) {
  process.stdout.write(`consumer-test: ${title}\n`);
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The fenced block that follows the `<!-- consumer-test:<name> -->` marker in a doc. */
function markedBlock(doc, name) {
  const text = readFileSync(join(repo, doc), 'utf8');
  const marker = text.indexOf(`<!-- consumer-test:${name} -->`);
  if (marker < 0) throw new Error(`${doc} has no <!-- consumer-test:${name} --> marker`);
  const match = /```\w*\n([\s\S]*?)```/.exec(text.slice(marker));
  if (!match) throw new Error(`no code block after the ${name} marker in ${doc}`);
  return match[1];
}

/** The docs/testing.md examples the outside app runs: a hook test and a two-server test. */
const KIT_EXAMPLES = ['test/examples/hooks.e2e-spec.ts', 'test/examples/two-servers.e2e-spec.ts'];

async function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

async function http(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForServer(base, child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      await fetch(base);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error('the app did not start listening within 30 s');
}

try {
  step(`packing ${libPackage.name}@${libPackage.version}`);
  const packed = JSON.parse(
    run('npm', ['pack', '--workspace', libPackage.name, '--pack-destination', work, '--json'], repo),
  );
  const tarball = join(work, packed[0].filename);
  const files = packed[0].files.map((f) => f.path);
  expect(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), 'tarball lacks dist/index.js or .d.ts');
  expect(!files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'tarball contains TypeScript sources');
  expect(!files.some((f) => /\.spec\./.test(f)), 'tarball contains tests');
  expect(
    files.includes('dist/testing/index.js') && files.includes('dist/testing/index.d.ts'),
    'tarball lacks the testing kit (dist/testing/index.js or .d.ts)',
  );
  expect(!files.some((f) => f.startsWith('dist/testing/internal/')), 'tarball contains internal test helpers');

  step('creating an app outside the repository');
  mkdirSync(join(app, 'src'), { recursive: true });
  mkdirSync(join(app, 'test'), { recursive: true });
  const peers = Object.fromEntries(
    Object.keys(libPackage.peerDependencies)
      .filter((name) => !libPackage.peerDependenciesMeta?.[name]?.optional)
      .map((name) => [name, rootPackage.dependencies[name] ?? libPackage.peerDependencies[name]]),
  );
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'aw-consumer-app',
        private: true,
        type: 'module',
        dependencies: { [libPackage.name]: `file:${tarball}`, ...peers },
        devDependencies: Object.fromEntries(
          ['typescript', '@types/node', '@nestjs/testing', 'jest', '@jest/globals', 'ts-jest'].map((name) => [
            name,
            rootPackage.devDependencies[name],
          ]),
        ),
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2023',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          types: ['node'],
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
      },
      null,
      2,
    ),
  );
  writeFileSync(join(app, 'src/main.ts'), markedBlock('README.md', 'main.ts'));
  writeFileSync(join(app, 'jest.config.json'), markedBlock('docs/testing.md', 'jest.config.json'));
  writeFileSync(join(app, 'tsconfig.test.json'), markedBlock('docs/testing.md', 'tsconfig.test.json'));
  for (const example of KIT_EXAMPLES) {
    const name = example.split('/').pop().replace('.e2e-spec.ts', '.spec.ts');
    writeFileSync(join(app, 'test', name), readFileSync(join(repo, example), 'utf8'));
  }

  step('installing the tarball and its peers from the registry');
  const installed = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: app,
    encoding: 'utf8',
  });
  const install = `${installed.stdout}\n${installed.stderr}`;
  expect(installed.status === 0, `npm install failed:\n${install}`);
  const coreCopies = run('find', ['node_modules', '-path', '*/@nestjs/core/package.json'], app).trim().split('\n');
  expect(coreCopies.length === 1, `expected one installed copy of @nestjs/core, found: ${coreCopies.join(', ')}`);
  const engineWarnings = [...install.matchAll(/EBADENGINE\s+package: '([^']+)'/g)].map((m) => m[1]);
  const ours = engineWarnings.filter((p) => Object.keys(libPackage.dependencies).some((d) => p.startsWith(`${d}@`)));
  expect(ours.length === 0, `runtime dependencies that do not support this Node version: ${ours.join(', ')}`);

  step('compiling the README app with tsc');
  run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app);

  step('starting it');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  let output = '';
  server = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    env: { ...process.env, PORT: String(port), BASE_URL: base },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  try {
    await waitForServer(base, server);
  } catch (err) {
    throw new Error(`${err.message}\n${output}`);
  }

  step('creating an actor');
  const created = await http(base, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ creator: 'user@example.com' }),
  });
  expect(created.status === 201, `POST / answered ${created.status}: ${created.text}`);
  const { id, passphrase } = created.json;
  const auth = 'Basic ' + Buffer.from(`user@example.com:${passphrase}`).toString('base64');

  step('calling the method and the action over HTTP');
  const whoami = await http(`${base}${id}/methods/whoami`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(whoami.status === 200, `methods/whoami answered ${whoami.status}: ${whoami.text}`);
  expect(whoami.json?.actor === id && whoami.json?.caller === 'creator', `unexpected whoami: ${whoami.text}`);
  const action = await http(`${base}${id}/actions/add_note`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'from REST' }),
  });
  expect(action.status >= 200 && action.status < 300, `actions/add_note answered ${action.status}: ${action.text}`);
  expect(action.json?.notes === 1, `unexpected action result: ${action.text}`);

  step('calling the tool over MCP with the official SDK client');
  const client = new Client({ name: 'consumer-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}${id}/mcp`), { requestInit: { headers: { authorization: auth } } }),
  );
  const tools = await client.listTools();
  expect(tools.tools.some((t) => t.name === 'add_note'), `add_note not listed: ${JSON.stringify(tools)}`);
  const result = await client.callTool({ name: 'add_note', arguments: { text: 'from MCP' } });
  expect(!result.isError, `tool call failed: ${JSON.stringify(result)}`);
  await client.close();

  const notes = await http(`${base}${id}/properties/notes`, { headers: { authorization: auth } });
  expect(
    notes.status === 200 && JSON.stringify(notes.json) === JSON.stringify(['from REST', 'from MCP']),
    `notes after both calls: ${notes.status} ${notes.text}`,
  );
  step('type-checking the kit tests with tsc');
  run(join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.test.json'], app);

  step(`running the kit tests with Jest (${KIT_EXAMPLES.length} files from docs/testing.md)`);
  // A longer timeout than Jest's 5 s: CI may run this on a busy machine, where starting two apps takes longer.
  const jest = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--ci',
      '--testTimeout=60000',
    ],
    { cwd: app, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'test' } },
  );
  const jestOutput = `${jest.stdout}\n${jest.stderr}`;
  expect(jest.status === 0, `the kit tests failed:\n${jestOutput}`);
  const summary = /Tests:\s+(.*)/.exec(jestOutput)?.[1] ?? '';
  expect(/\d+ passed/.test(summary) && !/failed|skipped/.test(summary), `unexpected Jest summary: ${summary}`);
  step(`kit tests: ${summary.trim()}`);
  step('passed');
} catch (err) {
  failed = true;
  const detail = err?.stdout || err?.stderr ? `\n${err.stdout ?? ''}${err.stderr ?? ''}` : '';
  process.stderr.write(`consumer-test: FAILED: ${err?.message ?? err}${detail}\n`);
  if (!keep) process.stderr.write(`consumer-test: (run with --keep to inspect the app)\n`);
} finally {
  server?.kill('SIGTERM');
  if (keep) process.stdout.write(`consumer-test: app kept at ${app}\n`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from './support/test-app.js';

/**
 * The built example server (`npm run build`, then `node dist/src/main.js`, as
 * `npm start` runs it) started with bad settings: it exits with code 1 after
 * one clear line on stderr that names the environment variable, and prints
 * no stack (docs/operations.md, "Startup errors").
 */

const ROOT = process.cwd();
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const BUILD_TIMEOUT_MS = 240_000;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the example with `env` (on top of a quiet, in-memory base) until it exits (20 s at most). */
function runExample(env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', AW_LOG_LEVEL: 'warn', AW_DATA_DIR: 'memory://', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example did not exit within 20 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit code 1, exactly `line` on stderr, and no stack trace anywhere. */
function expectOneLine(result: Exit, line: string | RegExp): void {
  const lines = result.stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  if (typeof line === 'string') expect(lines[0]).toBe(line);
  else expect(lines[0]).toMatch(line);
  expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/^\s+at /m);
  expect(result.code).toBe(1);
}

describe('startup errors of the example server', () => {
  let dir: string;
  beforeAll(async () => {
    // `npm run build` unless the build is up to date, once even when the demo's test builds at the same time.
    await promisify(execFile)(process.execPath, ['scripts/build-if-stale.mjs'], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
    });
    dir = mkdtempSync(join(tmpdir(), 'aw-startup-'));
  }, BUILD_TIMEOUT_MS + 10_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an invalid module option names its environment variable', async () => {
    expectOneLine(
      await runExample({ AW_TYPE: 'notes' }),
      'Invalid configuration: AW_TYPE: type must be a URN like "urn:actingweb:example.com:notes" (got "notes")',
    );
    expectOneLine(
      await runExample({ DATABASE_URL: 'mysql://db/app' }),
      'Invalid configuration: DATABASE_URL: storage.connectionString must be a postgres:// URL',
    );
    expectOneLine(
      await runExample({ AW_METRICS_TOKEN: 'short' }),
      'Invalid configuration: AW_METRICS_TOKEN: metrics.bearerToken must be a string of at least 16 characters without spaces',
    );
  });

  it('an invalid environment value names the variable', async () => {
    expectOneLine(
      await runExample({ PORT: 'http' }),
      'Invalid configuration: PORT must be a TCP port (got "http")',
    );
    expectOneLine(
      await runExample({ AW_LOG_FORMAT: 'xml' }),
      'Invalid configuration: AW_LOG_FORMAT must be text or json (got "xml")',
    );
  });

  it('an unreachable PostgreSQL', async () => {
    const port = await freePort(); // nothing listens there
    expectOneLine(
      await runExample({ DATABASE_URL: `postgres://aw:secret@127.0.0.1:${port}/app` }),
      `Cannot start: Cannot use PostgreSQL at postgres://aw@127.0.0.1:${port}/app (storage.connectionString): connection refused (ECONNREFUSED); check DATABASE_URL`,
    );
  });

  it('a data directory that cannot be created', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    expectOneLine(
      await runExample({ AW_DATA_DIR: join(file, 'data') }),
      `Cannot start: Cannot open the SQLite database ${join(file, 'data', 'actingweb.sqlite')} (storage.filename): a part of the path is a file, not a directory (ENOTDIR); check AW_DATA_DIR`,
    );
  });

  it('a port in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      expectOneLine(
        await runExample({ PORT: String(port), HOST: '127.0.0.1' }),
        `Cannot start: PORT ${port} is already in use on 127.0.0.1 (EADDRINUSE); set PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('a listen address that does not exist', async () => {
    expectOneLine(
      await runExample({ HOST: 'no-such-host.invalid' }),
      /^Cannot start: HOST no-such-host\.invalid is not a known host name or address \((ENOTFOUND|EAI_AGAIN)\); check HOST$/,
    );
  });

  it('with good settings it starts, and /health and /ready answer (JSON logs on request)', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        AW_DATA_DIR: join(dir, 'good'),
        PORT: String(port),
        HOST: '127.0.0.1',
        AW_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not started within 20 s: ${stdout}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('ActingWeb example server at')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stdout}`)));
      });
      // Every line Nest and the library wrote is one JSON object.
      for (const line of stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toHaveProperty('level');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';

/**
 * `npm run demo` (scripts/demo.mjs), run as a user runs it: two example
 * servers, a trust, a subscription, and bob's note arriving at alice's
 * server. It must exit 0 when the note arrives, exit 1 with the reason when
 * a step fails, and leave no server running either way.
 */

const ROOT = process.cwd();
const BUILD_TIMEOUT_MS = 240_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not finish within 60 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The pids the demo printed for its servers (`server one: <url> (pid N)`). */
function serverPids(stdout: string): number[] {
  return [...stdout.matchAll(/server (?:one|two): \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  beforeAll(async () => {
    // The same build-once helper the demo uses, so it does not build again inside the test's timeout.
    await promisify(execFile)(process.execPath, ['scripts/build-if-stale.mjs'], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
    });
  }, BUILD_TIMEOUT_MS + 10_000);

  it("shows bob's note, added on server two, arriving in alice's properties on server one", async () => {
    const run = await runDemo();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const title of [
      'Create an actor on each server',
      'Alice asks bob for a friend trust',
      'Bob approves it',
      "Alice subscribes to bob's notes",
      'Bob adds a note with the MCP tool add_note',
      "Wait for the note in alice's properties",
    ])
      expect(run.stdout).toContain(title);
    expect(run.stdout).toMatch(/← 200 .*"approved":true,"peer_approved":true/);
    expect(run.stdout).toMatch(/← 200 \[.*"text":"Dinner on Friday\?"/);
    expect(run.stdout).toMatch(/Bob's note reached alice's server in \d+ ms/);
    const pids = serverPids(run.stdout);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
  }, 70_000);

  it('exits 1 with the reason when a server cannot start, and stops the other one', async () => {
    const run = await runDemo({ AW_TYPE: 'notes' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^Demo failed: server (one|two) exited with code 1: Invalid configuration: AW_TYPE: type must be a URN/,
    );
    const pids = serverPids(run.stdout);
    expect(pids).toHaveLength(2);
    expect(pids.filter(isRunning)).toEqual([]);
  }, 70_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './child.js';

/** A benchmark server running in its own process. */
export interface ServerHandle {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly pid: number;
  /**
   * The child's highest RSS (MB) since the previous call (or since start; this
   * restarts the window) and its CPU time (ms, user + system) since start. NaN if it does not answer.
   */
  takeStats(): Promise<{ maxRssMb: number; cpuMs: number }>;
  /** SIGTERM, wait (SIGKILL after 5 s); resolves with the child's overall max RSS (MB, NaN if unknown). */
  stop(): Promise<{ maxRssMb: number }>;
}

export interface SpawnOptions {
  /** Extra `node` flags for the child, e.g. `['--cpu-prof']`. */
  nodeArgs?: string[];
  /** How long the child may take to print its ready line (default 30 s). */
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
let exitHooksInstalled = false;

/** Children must never outlive the benchmark, whatever ends it. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * Starts `script` with `node` in a child process (so load generation never
 * shares the server's event loop) and waits for its `{"ready":true,"port":N}`
 * line. The child must use `bench/lib/child.ts`.
 */
export async function spawnServer(
  script: string | URL,
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<ServerHandle> {
  installExitHooks();
  const path = script instanceof URL ? fileURLToPath(script) : script;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  live.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => live.delete(child));

  let finalRssMb = Number.NaN;
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${path}: not ready after ${options.readyTimeoutMs ?? 30000} ms`)),
      options.readyTimeoutMs ?? 30000,
    );
    exited.then((code) => reject(new Error(`${path} exited with code ${code} before it was ready`)));
    lines.on('line', (line) => {
      const message = parseLine(line);
      if (message?.ready && typeof message.port === 'number') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (typeof message?.maxRssMb === 'number') {
        finalRssMb = message.maxRssMb;
      } else {
        process.stdout.write(`[${child.pid}] ${line}\n`);
      }
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  const ask = (message: ParentMessage): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('child did not answer')), 2000);
      child.once('message', (reply) => {
        clearTimeout(timer);
        resolve(reply as ChildMessage);
      });
      child.send(message);
    });

  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid!,
    takeStats: () => ask({ type: 'take-stats' }).catch(() => ({ maxRssMb: Number.NaN, cpuMs: Number.NaN })),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      return { maxRssMb: finalRssMb };
    },
  };
}

function parseLine(line: string): { ready?: boolean; port?: number; maxRssMb?: number } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as { ready?: boolean; port?: number; maxRssMb?: number };
  } catch {
    return undefined;
  }
}

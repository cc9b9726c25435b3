import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { ServerHandle } from './server-process.js';

/**
 * A server that is not a Node.js script (the Python reference): any command that prints a
 * `{"ready":true,"port":N}` line on stdout once it accepts connections. Its CPU time and RSS come
 * from /proc (Linux), so it needs no cooperation; elsewhere they are NaN. stdout/stderr are kept
 * (last 64 KB) and shown only if the process fails to start.
 */
export async function spawnExternalServer(
  command: string,
  args: string[],
  env: Record<string, string>,
  readyTimeoutMs = 60_000,
): Promise<ServerHandle> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => undefined);

  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65536);
  };
  child.stderr!.on('data', keep);
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command}: not ready after ${readyTimeoutMs} ms\n${output}`)),
      readyTimeoutMs,
    );
    child.once('error', (err) => reject(new Error(`${command}: ${err.message}`)));
    exited.then((code) =>
      reject(new Error(`${command} exited with code ${code} before it was ready\n${output}`)),
    );
    lines.on('line', (line) => {
      const port = readyPort(line);
      if (port !== undefined) {
        clearTimeout(timer);
        resolve(port);
      } else keep(Buffer.from(line + '\n'));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  const pid = child.pid!;
  const rss = new RssSampler(pid);
  return {
    url: `http://127.0.0.1:${port}/`,
    pid,
    takeStats: async () => ({ maxRssMb: rss.takeWindowMax(), cpuMs: cpuMsOf(pid) }),
    stop: async () => {
      rss.stop();
      const maxRssMb = rss.overallMax;
      await stopChild(child, exited);
      process.off('exit', killOnExit);
      return { maxRssMb };
    },
  };
}

/** A TCP port that was free a moment ago, for servers that must be told their port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function readyPort(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const message = JSON.parse(line) as { ready?: boolean; port?: number };
    return message.ready && typeof message.port === 'number' ? message.port : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux Node.js runs on. */
const CLOCK_TICKS = 100;

/** User + system CPU time of a process in ms, from /proc/<pid>/stat; NaN if unavailable. */
function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS (VmRSS in /proc/<pid>/status) every 250 ms. */
class RssSampler {
  overallMax = Number.NaN;
  private windowMax = Number.NaN;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
    this.timer.unref();
  }

  takeWindowMax(): number {
    this.sample();
    const max = this.windowMax;
    this.windowMax = Number.NaN;
    this.sample();
    return max;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      if (!match) return;
      const mb = Number(match[1]) / 1024;
      this.overallMax = Number.isNaN(this.overallMax) ? mb : Math.max(this.overallMax, mb);
      this.windowMax = Number.isNaN(this.windowMax) ? mb : Math.max(this.windowMax, mb);
    } catch {
      // The process is gone or this is not Linux.
    }
  }
}

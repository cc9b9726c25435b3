/*
 * The child side of spawnServer(): samples RSS every 250 ms, answers the
 * parent's RSS and CPU-time questions over IPC, prints the ready line, and on SIGTERM prints
 * `{"maxRssMb":N}`, closes the server and exits. It also exits when the parent
 * goes away, so no server is ever left behind.
 */

export type ParentMessage = { type: 'take-stats' };
/** `maxRssMb`: highest RSS since the previous question; `cpuMs`: CPU time (user + system) since start. */
export type ChildMessage = { type: 'stats'; maxRssMb: number; cpuMs: number };

const MB = 1024 * 1024;

/** Call once, first thing in a server script. `close` stops the server (it gets 3 s). */
export function serveAsBenchChild(close: () => Promise<void>): { ready(port: number): void } {
  let overallMax = 0;
  let windowMax = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    overallMax = Math.max(overallMax, rss);
    windowMax = Math.max(windowMax, rss);
  };
  sample();
  setInterval(sample, 250).unref();

  process.on('message', (message: ParentMessage) => {
    if (message?.type !== 'take-stats') return;
    sample();
    const cpu = process.cpuUsage();
    const reply: ChildMessage = {
      type: 'stats',
      maxRssMb: windowMax / MB,
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
    windowMax = process.memoryUsage.rss();
    process.send?.(reply);
  });

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    sample();
    process.stdout.write(JSON.stringify({ maxRssMb: overallMax / MB }) + '\n');
    const deadline = setTimeout(() => process.exit(0), 3000);
    await close().catch(() => undefined);
    clearTimeout(deadline);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('disconnect', shutdown);

  return { ready: (port) => process.stdout.write(JSON.stringify({ ready: true, port }) + '\n') };
}

/** Storage options handed to a child in `BENCH_STORAGE` (JSON). */
export function storageFromEnv<T>(): T {
  const raw = process.env.BENCH_STORAGE;
  if (!raw) throw new Error('BENCH_STORAGE is not set');
  return JSON.parse(raw) as T;
}

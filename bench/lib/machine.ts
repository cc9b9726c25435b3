import { cpus, totalmem } from 'node:os';

/** What every results file records about the machine it ran on. */
export function machineInfo(): { cores: number; cpu: string | undefined; memoryMb: number; node: string } {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
  };
}

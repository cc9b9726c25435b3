import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { machineInfo } from './machine.js';

/** A progress line of a benchmark (stdout). */
export function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/**
 * Writes a suite's results as JSON to `file` (under bench/results/): the benchmark's name and
 * backend, the date and the machine, then the rest of `report`; and says where.
 */
export async function writeResults(
  file: URL,
  report: { benchmark: string; backend?: string } & Record<string, unknown>,
): Promise<void> {
  const { benchmark, backend, ...rest } = report;
  const head = { benchmark, ...(backend === undefined ? {} : { backend }) };
  const body = { ...head, date: new Date().toISOString(), machine: machineInfo(), ...rest };
  await writeFile(file, JSON.stringify(body, null, 2) + '\n');
  log(`Wrote ${fileURLToPath(file)}`);
}

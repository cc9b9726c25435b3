import { readFileSync } from 'node:fs';

/**
 * The node flags of `npm start` (package.json's `start` script: what comes
 * between `node` and the script), so the benchmarks run the servers the way
 * the example app runs, without a second copy of the flags to keep in step.
 */
export function startNodeFlags(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string };
  };
  const command = manifest.scripts.start.split('&&').pop()!.trim().split(/\s+/);
  if (command[0] !== 'node') throw new Error(`npm start does not run node: ${manifest.scripts.start}`);
  return command.slice(1).filter((arg) => arg.startsWith('--'));
}

#!/usr/bin/env node
/**
 * Removes, from package-lock.json, optional dependencies that the lockfile has
 * no entry for. Some registries (this workplace's mirror among them) do not
 * carry the other platforms' native binaries of packages such as
 * unrs-resolver, so `npm install` cannot record them, and `npm ci` would then
 * refuse the lockfile as out of sync. Run after `npm install` changes the lock.
 */
/* global console, URL */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
let removed = 0;
for (const [path, entry] of Object.entries(packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    // Resolution walks up from the package's own node_modules to the root.
    const candidates = [];
    let base = path;
    while (true) {
      candidates.push(`${base ? base + '/' : ''}node_modules/${name}`);
      const idx = base.lastIndexOf('node_modules/');
      if (idx < 0) break;
      base = base.slice(0, idx).replace(/\/$/, '');
    }
    if (!candidates.some((c) => c in packages)) {
      delete entry.optionalDependencies[name];
      removed++;
    }
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`prune-lock-optional: removed ${removed} unavailable optional dependencies`);

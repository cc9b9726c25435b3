#!/usr/bin/env node
/**
 * Runs `npm run build` unless its output is newer than every source it is
 * built from, holding a lock so that two callers at once (the demo and the
 * example's startup test, run by parallel test workers) build once instead of
 * deleting each other's `dist/` half-way.
 *
 *   node scripts/build-if-stale.mjs          # exits non-zero when the build fails
 *
 * Also importable: `await buildIfStale({ onBuild })`.
 */
/* global process, setTimeout */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['dist/src/main.js', 'libs/actingweb/dist/index.js'];
const SOURCES = ['src', 'libs/actingweb/src', 'bench'];
const CONFIGS = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'libs/actingweb/tsconfig.lib.json',
];
const LOCK = join(ROOT, 'node_modules', '.cache', 'actingweb-build.lock');
const LOCK_WAIT_MS = 10 * 60_000;

/** Newest modification time (ms) of the build's inputs; tests are not inputs. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry === 'dist' || entry === 'results') continue;
        visit(join(path, entry));
      }
    } else if (!/\.(e2e-)?spec\.ts$/.test(path)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(join(ROOT, dir))) visit(join(ROOT, dir));
  for (const file of CONFIGS)
    if (existsSync(join(ROOT, file))) newest = Math.max(newest, statSync(join(ROOT, file)).mtimeMs);
  return newest;
}

/** Whether the build output is missing or older than a source. */
export function isStale() {
  const outputs = OUTPUTS.map((file) => join(ROOT, file));
  if (!outputs.every(existsSync)) return true;
  const built = Math.min(...outputs.map((file) => statSync(file).mtimeMs));
  return built < newestSource();
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Takes the lock (a directory: creating it is atomic), waiting while another live process holds it. */
async function lock() {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      return () => rmSync(LOCK, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    } catch {
      // The holder has not written its pid yet, or just let go.
    }
    if (Number.isInteger(holder) && !alive(holder)) rmSync(LOCK, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`another build held ${LOCK} for ${LOCK_WAIT_MS / 1000} s`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/**
 * Builds when needed. `onBuild` is called just before a build starts. Throws
 * with the build's output when it fails. Resolves with whether it built.
 */
export async function buildIfStale({ onBuild = () => undefined } = {}) {
  const unlock = await lock();
  try {
    if (!isStale()) return false;
    onBuild();
    const build = spawnSync('npm', ['run', 'build'], {
      cwd: ROOT,
      encoding: 'utf8',
      shell: process.platform === 'win32', // npm is a .cmd there
    });
    if (build.status !== 0)
      throw new Error(`npm run build failed (exit code ${build.status}):\n${build.stdout}${build.stderr}`);
    return true;
  } finally {
    unlock();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildIfStale({ onBuild: () => process.stdout.write('Building (npm run build) ...\n') }).then(
    (built) => process.stdout.write(built ? 'Built.\n' : 'The build is up to date.\n'),
    (err) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    },
  );
}

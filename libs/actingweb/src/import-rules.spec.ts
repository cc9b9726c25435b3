import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

/**
 * The library's import rules (docs/architecture.md), checked on the import
 * lines of every non-spec file below libs/actingweb/src:
 *
 * 1. Folders form layers; a file imports only from its own folder or a lower
 *    layer (no upward imports, hence no cycles between folders).
 * 2. Services never import `http/`: only HTTP-facing files do (controllers,
 *    guards, decorators, pipes, filters, routes and the actor router, modules,
 *    and `http/` itself).
 * 3. `storage/` imports only `common/`, `errors/` and `config/`.
 * 4. `config/` imports only `common/` and `errors/`.
 * 5. Hook types import no feature: only `common/`, `errors/` and `hooks/`.
 * 6. Nothing imports `index.ts`, the package by name, or anything outside
 *    libs/actingweb/src (the example app in `src/`, tests, benchmarks).
 * 7. Nothing outside `testing/` imports it: the testing kit is an entry point
 *    of its own (`@actingweb/nestjs/testing`), on top of everything.
 */

/** Lowest first. The composition files at the top of src/ may import anything. */
const LAYERS: readonly (readonly string[])[] = [
  ['errors'],
  ['common'],
  ['config'],
  ['storage'],
  ['http', 'hooks', 'peers', 'permissions'],
  ['auth'],
  ['properties'],
  ['trust'],
  ['subscriptions'],
  ['actors', 'meta', 'methods-actions', 'resources', 'mcp', 'ops'],
  ['identity'],
  ['www'],
  ['devtest'],
  ['testing'],
];
const COMPOSITION_FILES = new Set([
  'actingweb.module.ts',
  'actingweb.module-definition.ts',
  'actingweb-core.module.ts',
  'index.ts',
]);
const HTTP_FACING = /[.-](controller|guard|decorators?|pipe|filter|routes?|router|module)\.ts$/;
const HOOK_TYPES = new Set(['hooks/hook.types.ts', 'hooks/hook-registry.types.ts', 'hooks/actor-handle.ts']);

/**
 * Imports the rules still refuse, as `from -> to` (files relative to src/),
 * while a reorganisation is under way; none today. The spec fails when an
 * entry is no longer needed, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: ReadonlySet<string> = new Set<string>([]);

const SRC = dirname(fileURLToPath(import.meta.url));

interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(SRC, path)] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(SPECIFIER)].map(([, specifier]) => {
    if (!specifier.startsWith('.')) return { from: file, to: specifier, specifier };
    const target = relative(SRC, resolve(SRC, dirname(file), specifier.replace(/\.js$/, '.ts')));
    return { from: file, to: target, specifier };
  });
}

/** The folder of a file; '' for the composition files at the top (which may import anything). */
const folderOf = (file: string): string => (file.includes('/') ? file.split('/')[0] : '');
const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));
const isInternal = (edge: ImportEdge): boolean => edge.specifier.startsWith('.');
const label = (edge: ImportEdge): string => `${edge.from} -> ${edge.to}`;

const FILES = sourceFiles();
const EDGES = FILES.flatMap(importsOf);
const CROSS_FOLDER = EDGES.filter(
  (e) => isInternal(e) && folderOf(e.from) !== '' && folderOf(e.from) !== folderOf(e.to),
);

/** Violations of one rule, minus the known exceptions (whose used entries are recorded). */
const usedAllowances = new Set<string>();
function violations(edges: readonly ImportEdge[]): string[] {
  return edges
    .map(label)
    .filter((l) => {
      if (!KNOWN_EXCEPTIONS.has(l)) return true;
      usedAllowances.add(l);
      return false;
    })
    .sort();
}

describe('import rules', () => {
  it('finds the library files and their imports', () => {
    expect(FILES).toContain('index.ts');
    expect(FILES.length).toBeGreaterThan(50);
    expect(CROSS_FOLDER.length).toBeGreaterThan(50);
  });

  it('puts every folder in a layer, and only composition files at the top', () => {
    const folders = [...new Set(FILES.map(folderOf).filter((f) => f !== ''))];
    expect(folders.filter((f) => layerOf(f) < 0)).toEqual([]);
    expect(FILES.filter((f) => folderOf(f) === '' && !COMPOSITION_FILES.has(f))).toEqual([]);
  });

  it('has no upward or sideways imports between folders', () => {
    const upward = CROSS_FOLDER.filter((e) => layerOf(folderOf(e.to)) >= layerOf(folderOf(e.from)));
    expect(violations(upward)).toEqual([]);
  });

  it('keeps http/ out of services: only HTTP-facing files import it', () => {
    const intoHttp = CROSS_FOLDER.filter((e) => folderOf(e.to) === 'http' && !HTTP_FACING.test(e.from));
    expect(violations(intoHttp)).toEqual([]);
  });

  it('lets storage/ import only common/, errors/ and config/', () => {
    const outOfStorage = CROSS_FOLDER.filter(
      (e) => folderOf(e.from) === 'storage' && !['common', 'errors', 'config'].includes(folderOf(e.to)),
    );
    expect(violations(outOfStorage)).toEqual([]);
  });

  it('lets config/ import no feature: only common/ and errors/', () => {
    const outOfConfig = CROSS_FOLDER.filter(
      (e) => folderOf(e.from) === 'config' && !['common', 'errors'].includes(folderOf(e.to)),
    );
    expect(violations(outOfConfig)).toEqual([]);
  });

  it('lets hook types import no feature', () => {
    const outOfHookTypes = CROSS_FOLDER.filter(
      (e) => HOOK_TYPES.has(e.from) && !['common', 'errors'].includes(folderOf(e.to)),
    );
    expect(violations(outOfHookTypes)).toEqual([]);
  });

  it('never imports index.ts, the package by name, or files outside the library source', () => {
    const escaping = EDGES.filter(
      (e) =>
        e.specifier === '@actingweb/nestjs' ||
        (isInternal(e) && (e.to === 'index.ts' || e.to.startsWith('..'))) ||
        (isInternal(e) && !e.specifier.endsWith('.js')),
    );
    expect(escaping.map(label)).toEqual([]);
  });

  it('keeps the testing kit an entry point: nothing outside testing/ imports it', () => {
    const intoTesting = CROSS_FOLDER.filter((e) => folderOf(e.to) === 'testing');
    expect(intoTesting.map(label)).toEqual([]);
    const compositionIntoTesting = EDGES.filter(
      (e) => isInternal(e) && folderOf(e.from) === '' && folderOf(e.to) === 'testing',
    );
    expect(compositionIntoTesting.map(label)).toEqual([]);
  });

  it('keeps the known exceptions honest: every entry is still needed', () => {
    // Runs last (Jest keeps declaration order): the rules above recorded what they used.
    expect([...KNOWN_EXCEPTIONS].filter((entry) => !usedAllowances.has(entry))).toEqual([]);
  });
});

#!/usr/bin/env node
/**
 * Code examples in the docs that are real tests. A marker line
 *
 *   <!-- example: test/examples/hooks.e2e-spec.ts -->
 *
 * is followed by a fenced code block holding that file exactly, or, with
 * `#name` after the path, the lines between `// #region name` and
 * `// #endregion` in it. The spec test/doc-examples.e2e-spec.ts fails when a
 * block differs from its file;
 *
 *   node scripts/doc-examples.mjs --write
 *
 * copies the files into the docs. Without `--write` it only checks.
 */
/* global process */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MARKER = /^<!-- example: ([^#\s]+)(?:#([\w-]+))? -->\n```(\w*)\n([\s\S]*?)```$/gm;

/** The Markdown files that may hold examples: README.md and docs/*.md. */
export function docFiles(repo) {
  const docs = readdirSync(join(repo, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

/** The lines of `source` between `// #region name` and `// #endregion`, dedented. */
export function region(source, name, path) {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === '// #endregion');
  if (start < 0 || end < 0) throw new Error(`${path} has no region ${name}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return body.map((line) => line.slice(indent)).join('\n') + '\n';
}

/** Every example block of every doc: where it is, what it shows, and what its file says. */
export function examples(repo) {
  return docFiles(repo).flatMap((doc) => {
    const text = readFileSync(join(repo, doc), 'utf8');
    return [...text.matchAll(MARKER)].map((match) => {
      const [, path, name, language, shown] = match;
      const source = readFileSync(join(repo, path), 'utf8');
      return {
        doc,
        path,
        region: name,
        language,
        shown,
        expected: name ? region(source, name, path) : source,
        index: match.index,
        length: match[0].length,
      };
    });
  });
}

/** Rewrites the docs so every example block shows its file. Returns the docs changed. */
export function writeExamples(repo) {
  const changed = new Set();
  const byDoc = new Map();
  for (const e of examples(repo).filter((x) => x.shown !== x.expected)) {
    byDoc.set(e.doc, [...(byDoc.get(e.doc) ?? []), e]);
  }
  for (const [doc, stale] of byDoc) {
    let text = readFileSync(join(repo, doc), 'utf8');
    for (const e of stale.sort((a, b) => b.index - a.index)) {
      const marker = `<!-- example: ${e.path}${e.region ? `#${e.region}` : ''} -->`;
      const block = `${marker}\n\`\`\`${e.language}\n${e.expected}\`\`\``;
      text = text.slice(0, e.index) + block + text.slice(e.index + e.length);
    }
    writeFileSync(join(repo, doc), text);
    changed.add(doc);
  }
  return [...changed];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  if (process.argv.includes('--write')) {
    const changed = writeExamples(repo);
    process.stdout.write(changed.length ? `updated ${changed.join(', ')}\n` : 'every example is up to date\n');
  } else {
    const stale = examples(repo).filter((e) => e.shown !== e.expected);
    for (const e of stale) process.stderr.write(`${e.doc}: the example of ${e.path} differs from the file\n`);
    if (stale.length) process.stderr.write('run: node scripts/doc-examples.mjs --write\n');
    process.exit(stale.length ? 1 : 0);
  }
}

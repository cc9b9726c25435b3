import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const LIBRARY = fileURLToPath(new URL('..', import.meta.url));
/** Names of values that hold secrets: trust secrets, passphrases, tokens, passwords. */
const SECRET_NAME = /secret|passphrase|token|password/i;
/** `a === b` / `a !== b` between two expressions made of names, dots and brackets (not literals). */
const COMPARISON = /([\w$.[\]]+)\s*(?:===|!==)\s*([\w$.[\]]+)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Secrets are compared in constant time (`secretsEqual`), never with `===`,
 * whose running time tells an attacker how many leading characters matched.
 * Comparisons with a literal (`token === ''`) are not secret comparisons.
 */
describe('secret comparisons', () => {
  it('no secret, passphrase or token is compared with === or !==', () => {
    const offending: string[] = [];
    for (const file of sourceFiles(LIBRARY)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const [text, left, right] of line.matchAll(COMPARISON)) {
            const literal = (side: string) => /^(null|undefined|true|false|\d+)$/.test(side);
            if (literal(left) || literal(right)) continue;
            if (SECRET_NAME.test(left) || SECRET_NAME.test(right))
              offending.push(`${relative(LIBRARY, file)}:${i + 1}: ${text}`);
          }
        });
    }
    expect(offending).toEqual([]);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from './aw-config.js';
import { resolveWwwOptions } from './www-options.js';

const TYPE = 'urn:actingweb:example.com:notes';

describe('www options', () => {
  it('are on by default, titled after the type, and advertise the www tag', () => {
    expect(resolveWwwOptions(undefined, TYPE, [])).toEqual({
      enabled: true,
      templatesDir: null,
      title: 'notes',
    });
    const config = resolveConfig({ type: TYPE, baseUrl: 'http://localhost:3000/' });
    expect(config.optionTags).toContain('www');
    const off = resolveConfig({ type: TYPE, baseUrl: 'http://localhost:3000/', www: false });
    expect(off.www.enabled).toBe(false);
    expect(off.optionTags).not.toContain('www');
  });

  it('resolve a templates folder relative to the working directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aw-www-'));
    expect(resolveWwwOptions({ templatesDir: dir, title: 'Notes' }, TYPE, [])).toEqual({
      enabled: true,
      templatesDir: dir,
      title: 'Notes',
    });
    const relative = resolveWwwOptions({ templatesDir: '.' }, TYPE, []);
    expect(relative.templatesDir).toBe(process.cwd());
  });

  it.each([
    [
      'a folder that does not exist',
      { templatesDir: '/no/such/folder' },
      /www.templatesDir must be an existing folder/,
    ],
    ['a file for a folder', { templatesDir: 'FILE' }, /www.templatesDir must be an existing folder/],
    ['an empty title', { title: ' ' }, /www.title must be a non-empty string/],
    ['a non-boolean enabled', { enabled: 'yes' }, /www.enabled must be true or false/],
    ['an unknown key', { templateDir: 'x' }, /www has unknown keys templateDir/],
    ['a string', 'on', /www must be true, false or an object/],
  ])('refuse %s', (_label, input, problem) => {
    const file = join(mkdtempSync(join(tmpdir(), 'aw-www-')), 'file.txt');
    writeFileSync(file, 'x');
    const value =
      typeof input === 'object' && 'templatesDir' in input && input.templatesDir === 'FILE'
        ? { ...input, templatesDir: file }
        : input;
    const problems: string[] = [];
    resolveWwwOptions(value as never, TYPE, problems);
    expect(problems.join('\n')).toMatch(problem);
    expect(() => resolveConfig({ type: TYPE, baseUrl: 'http://localhost/', www: value as never })).toThrow(
      problem,
    );
  });
});

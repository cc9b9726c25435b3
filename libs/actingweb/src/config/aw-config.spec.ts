import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from './aw-config.js';

const base = { type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com' };

describe('resolveConfig', () => {
  it('applies defaults and normalises the base URL', () => {
    const c = resolveConfig(base);
    expect(c.root).toBe('https://notes.example.com/');
    expect(c.actorUrl('abc')).toBe('https://notes.example.com/abc');
    expect(c).toMatchObject({
      version: '1.0',
      specVersion: '1.4',
      formats: ['json'],
      defaultRelationship: 'associate',
      devtest: false,
      uniqueCreator: false,
      bodyLimit: 1048576,
      maxJsonDepth: 64,
      storage: { type: 'sqlite', filename: './data/actingweb.sqlite' },
      authRealm: 'notes.example.com',
    });
    expect(c.describe('xyz')).toBe('ActingWeb actor xyz');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('keeps a base path', () => {
    expect(resolveConfig({ ...base, baseUrl: 'http://localhost:3000/aw' }).actorUrl('a')).toBe(
      'http://localhost:3000/aw/a',
    );
  });

  it('lists every problem at once', () => {
    expect(() =>
      resolveConfig({
        type: 'notes',
        baseUrl: 'ftp://x',
        version: 'one',
        bodyLimit: 5,
        optionTags: ['Has Space'],
        storage: { type: 'mysql' } as never,
      }),
    ).toThrow(
      /type must be a URN[\s\S]*baseUrl must be an absolute http\(s\) URL[\s\S]*version must look like[\s\S]*optionTags[\s\S]*bodyLimit[\s\S]*storage.type must be "sqlite" or "postgres"/,
    );
  });

  it('rejects a missing base URL and bad postgres settings', () => {
    expect(() => resolveConfig({ type: base.type } as never)).toThrow(/baseUrl is required/);
    expect(() =>
      resolveConfig({
        ...base,
        storage: { type: 'postgres', connectionString: 'mysql://x', schema: 'Bad-Name' },
      }),
    ).toThrow(/connectionString must be a postgres:\/\/ URL[\s\S]*schema must be a lowercase SQL identifier/);
  });

  it('advertises extra option tags once each', () => {
    expect(resolveConfig({ ...base, optionTags: ['www', 'www', 'bot'] }).optionTags).toEqual([
      'nestedproperties',
      'www',
      'bot',
    ]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_OPTION_TAGS } from './actingweb.constants.js';
import { resolveConfig } from './aw-config.js';
import type { ActingWebConfigError } from '../errors/startup-errors.js';
import { developmentModeFromEnv } from './mcp-options.js';

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

  it('takes indexedProperties as valid property names, each once; none by default', () => {
    expect(resolveConfig(base).indexedProperties).toEqual([]);
    expect(resolveConfig({ ...base, indexedProperties: ['email', 'oauthId'] }).indexedProperties).toEqual([
      'email',
      'oauthId',
    ]);
    let error: unknown;
    try {
      resolveConfig({ ...base, indexedProperties: ['email', 'email', 'list:x', 'a/b', 7 as never] });
    } catch (err) {
      error = err;
    }
    expect((error as ActingWebConfigError).problems).toEqual([
      { option: 'indexedProperties', message: 'indexedProperties[1]: "email" is listed more than once' },
      {
        option: 'indexedProperties',
        message: 'indexedProperties[2]: Property names starting with "list:" are reserved',
      },
      {
        option: 'indexedProperties',
        message: 'indexedProperties[3]: Property path segment contains a forbidden character',
      },
      { option: 'indexedProperties', message: 'indexedProperties[4]: Property names are strings' },
    ]);
    expect(() => resolveConfig({ ...base, indexedProperties: 'email' as never })).toThrow(
      /indexedProperties must be a list of property names/,
    );
  });

  it('advertises extra option tags once each', () => {
    expect(resolveConfig({ ...base, optionTags: ['www', 'www', 'bot'] }).optionTags).toEqual([
      ...BUILT_IN_OPTION_TAGS,
      'mcp',
      'www',
      'bot',
    ]);
  });

  it('resolves the mcp options; the mcp tag follows mcp.enabled', () => {
    expect(resolveConfig(base).mcp).toEqual({
      enabled: true,
      serverName: 'actingweb',
      instructions: null,
      allowedOrigins: [],
      pageSize: 100,
      cacheTtlMs: 0,
      developmentMode: true, // NODE_ENV is "test" under Jest
    });
    expect(
      resolveConfig({ ...base, mcp: { pageSize: 2, cacheTtlMs: 60_000, developmentMode: false } }).mcp,
    ).toMatchObject({ pageSize: 2, cacheTtlMs: 60_000, developmentMode: false });
    const off = resolveConfig({ ...base, mcp: { enabled: false, serverName: 'notes', instructions: 'Hi' } });
    expect(off.mcp).toMatchObject({ enabled: false, serverName: 'notes', instructions: 'Hi' });
    expect(off.optionTags).not.toContain('mcp');
    expect(() =>
      resolveConfig({
        ...base,
        mcp: {
          enabled: 'yes',
          serverName: '',
          allowedOrigins: ['localhost'],
          pageSize: 0,
          cacheTtlMs: -1,
          developmentMode: 'yes',
        } as never,
      }),
    ).toThrow(
      /mcp.enabled must be true or false[\s\S]*mcp.serverName[\s\S]*mcp.allowedOrigins[\s\S]*mcp.pageSize[\s\S]*mcp.cacheTtlMs[\s\S]*mcp.developmentMode/,
    );
  });
  it('turns MCP development mode on for NODE_ENV development or test only', () => {
    expect(
      ['development', 'test', 'production', undefined].map((env) => developmentModeFromEnv(env)),
    ).toEqual([true, true, false, false]);
  });

  it('validates and normalizes app trust types', () => {
    const c = resolveConfig({
      ...base,
      trustTypes: [
        {
          name: 'family',
          displayName: 'Family',
          // The override store's shorthand is read too (read only), though the type asks for the full form.
          permissions: { properties: ['photos/*'] as never, methods: { allowed: ['get_*'] } },
        },
      ],
      defaultRelationship: 'family',
    });
    expect(c.trustTypes).toEqual([
      {
        name: 'family',
        displayName: 'Family',
        description: '',
        permissions: {
          properties: { patterns: ['photos/*'], operations: ['read'] },
          methods: { allowed: ['get_*'] },
        },
      },
    ]);
    expect(Object.isFrozen(c.trustTypes[0].permissions.properties)).toBe(true);
    expect(c.defaultRelationship).toBe('family');
    expect(resolveConfig(base).trustTypes).toEqual([]);
  });

  it('rejects bad trust types and an unknown default relationship', () => {
    expect(() =>
      resolveConfig({
        ...base,
        trustTypes: [
          { name: 'Family', permissions: {} },
          { name: 'ok', permissions: { properties: { patterns: [1] } } } as never,
          { name: 'ok', permissions: {} },
          { name: 'nope', base_permissions: {} } as never,
          { name: 'x', displayName: 5, permissions: { bogus: {} } } as never,
        ],
      }),
    ).toThrow(
      /trustTypes\[0\] \("Family"\)\.name must match[\s\S]*trustTypes\[1\] \("ok"\)\.permissions: Invalid permissions: properties\.patterns\[0\] must be a string[\s\S]*trustTypes\[2\] \("ok"\)\.name is defined more than once[\s\S]*trustTypes\[3\] \("nope"\) has unknown keys base_permissions[\s\S]*trustTypes\[3\] \("nope"\)\.permissions is required[\s\S]*trustTypes\[4\] \("x"\)\.displayName must be a string[\s\S]*unknown permission category "bogus"/,
    );
    expect(() => resolveConfig({ ...base, trustTypes: {} as never })).toThrow(/trustTypes must be a list/);
    expect(() => resolveConfig({ ...base, defaultRelationship: 'stranger' })).toThrow(
      /defaultRelationship must be a built-in or configured trust type \(got "stranger"; known: associate, viewer, friend, partner, admin, mcp_client, proxy\)/,
    );
    expect(resolveConfig({ ...base, defaultRelationship: 'proxy' }).defaultRelationship).toBe('proxy');
    // Names of access-rule roles cannot name a trust type.
    expect(() => resolveConfig({ ...base, trustTypes: [{ name: 'creator', permissions: {} }] })).toThrow(
      /trustTypes\[0\] \("creator"\)\.name is reserved/,
    );
  });

  it('bounds pending trust requests: trust.maxPendingRequests, default 100', () => {
    expect(resolveConfig(base).maxPendingTrustRequests).toBe(100);
    expect(resolveConfig({ ...base, trust: { maxPendingRequests: 5 } }).maxPendingTrustRequests).toBe(5);
    expect(() => resolveConfig({ ...base, trust: { maxPendingRequests: -1 } })).toThrow(
      /trust\.maxPendingRequests must be an integer >= 0/,
    );
  });
});

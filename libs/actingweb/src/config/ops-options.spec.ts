import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../config/aw-config.js';
import { ActingWebConfigError } from '../errors/startup-errors.js';

const base = { type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com' };

function problemsOf(options: object): ActingWebConfigError['problems'] {
  try {
    resolveConfig({ ...base, ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(ActingWebConfigError);
    return (err as ActingWebConfigError).problems;
  }
  throw new Error('expected invalid options');
}

describe('health and metrics options', () => {
  it('are off by default; true turns them on with the default paths', () => {
    const off = resolveConfig(base);
    expect(off.health).toEqual({ enabled: false, livePath: '/health', readyPath: '/ready', timeoutMs: 2000 });
    expect(off.metrics).toEqual({
      enabled: false,
      path: '/metrics',
      bearerToken: null,
      defaultMetrics: true,
    });
    const on = resolveConfig({ ...base, health: true, metrics: true });
    expect(on.health.enabled).toBe(true);
    expect(on.metrics.enabled).toBe(true);
  });

  it('an object is enabled unless it says otherwise', () => {
    const c = resolveConfig({
      ...base,
      health: { readyPath: '/readyz', timeoutMs: 500 },
      metrics: { path: '/internal/metrics', bearerToken: 'x'.repeat(16), defaultMetrics: false },
    });
    expect(c.health).toEqual({ enabled: true, livePath: '/health', readyPath: '/readyz', timeoutMs: 500 });
    expect(c.metrics).toEqual({
      enabled: true,
      path: '/internal/metrics',
      bearerToken: 'x'.repeat(16),
      defaultMetrics: false,
    });
    expect(resolveConfig({ ...base, metrics: { enabled: false } }).metrics.enabled).toBe(false);
  });

  it('rejects paths with parameters, short tokens and colliding paths, naming each option', () => {
    expect(
      problemsOf({
        health: { livePath: '/:id', readyPath: 'ready', timeoutMs: 0 },
        metrics: { path: '/health', bearerToken: 'short' },
      }),
    ).toEqual([
      {
        option: 'health.livePath',
        message: expect.stringMatching(/^health.livePath must be a fixed path such as "\/health"/),
      },
      {
        option: 'health.readyPath',
        message: expect.stringMatching(/^health.readyPath must be a fixed path/),
      },
      { option: 'health.timeoutMs', message: 'health.timeoutMs must be a positive integer' },
      {
        option: 'metrics.bearerToken',
        message: 'metrics.bearerToken must be a string of at least 16 characters without spaces',
      },
      { option: 'metrics.path', message: 'metrics.path /health is already a health path' },
    ]);
    expect(problemsOf({ metrics: 'yes' })).toEqual([
      { option: 'metrics', message: 'metrics must be true, false or an object such as { enabled: true }' },
    ]);
    expect(problemsOf({ health: { livePath: '/x', readyPath: '/x' } })).toEqual([
      { option: 'health.livePath', message: 'health.livePath and health.readyPath must differ' },
    ]);
  });
});

describe('ActingWebConfigError', () => {
  it('names the option of every problem, indices dropped', () => {
    const problems = problemsOf({
      type: 'notes',
      storage: { type: 'postgres', connectionString: 'mysql://x' },
      peers: { allowedHosts: ['ok.example', 'bad host'] },
      trustTypes: [{ name: 'Bad Name', permissions: {} }],
      mcp: { enabled: 'yes' },
    });
    expect(problems.map((p) => p.option)).toEqual([
      'type',
      'peers.allowedHosts',
      'storage.connectionString',
      'mcp.enabled',
      'trustTypes',
    ]);
    for (const p of problems) expect(p.message.startsWith(p.option.split('.')[0])).toBe(true);
  });

  it('keeps the message that lists every problem', () => {
    expect(() => resolveConfig({ ...base, baseUrl: 'ftp://x', version: 'one' })).toThrow(
      'ActingWebModule: invalid options:\n  - baseUrl must be an absolute http(s) URL without query or fragment (got "ftp://x")\n  - version must look like "1.0" or "1.2.3" (got "one")',
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/aw-config.js';
import { parseRetryAfter } from './callback-delivery.service.js';

const base = { type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com' };

describe('subscriptions options', () => {
  it('defaults: at most once, 256 in flight, 10 s timeout, 256 KB, breaker 5 / 60 s', () => {
    expect(resolveConfig(base).subscriptions).toEqual({
      maxConcurrentCallbacks: 256,
      callbackTimeoutMs: 10_000,
      retries: { attempts: 0, baseDelayMs: 1000 },
      maxCallbackBytes: 262_144,
      breaker: { threshold: 5, cooldownMs: 60_000 },
    });
    expect(Object.isFrozen(resolveConfig(base).subscriptions)).toBe(true);
  });

  it('takes what is given', () => {
    const s = resolveConfig({
      ...base,
      subscriptions: {
        maxConcurrentCallbacks: 8,
        callbackTimeoutMs: 500,
        retries: { attempts: 3, baseDelayMs: 100 },
        maxCallbackBytes: 4096,
        breaker: { threshold: 2, cooldownMs: 1000 },
      },
    }).subscriptions;
    expect(s).toEqual({
      maxConcurrentCallbacks: 8,
      callbackTimeoutMs: 500,
      retries: { attempts: 3, baseDelayMs: 100 },
      maxCallbackBytes: 4096,
      breaker: { threshold: 2, cooldownMs: 1000 },
    });
  });

  it('lists every bad value', () => {
    expect(() =>
      resolveConfig({
        ...base,
        subscriptions: {
          maxConcurrentCallbacks: 0,
          callbackTimeoutMs: 1.5,
          retries: { attempts: -1, baseDelayMs: 0 },
          maxCallbackBytes: 10,
          breaker: { threshold: 0, cooldownMs: -5 },
        },
      }),
    ).toThrow(
      /maxConcurrentCallbacks[\s\S]*callbackTimeoutMs[\s\S]*retries\.attempts[\s\S]*retries\.baseDelayMs[\s\S]*maxCallbackBytes[\s\S]*breaker\.threshold[\s\S]*breaker\.cooldownMs/,
    );
  });

  it('parses Retry-After as seconds or a date, capped', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 2 ', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(3_600_000);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../config/aw-config.js';

const base = { type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com' };

describe('subscriptions.outbox options', () => {
  it('defaults: 5 s lease, polling every second', () => {
    expect(resolveConfig(base).callbackOutbox).toEqual({ leaseMs: 5000, pollMs: 1000 });
  });

  it('takes what is given', () => {
    const config = resolveConfig({ ...base, subscriptions: { outbox: { leaseMs: 1500, pollMs: 200 } } });
    expect(config.callbackOutbox).toEqual({ leaseMs: 1500, pollMs: 200 });
  });

  it('false turns it off; anything else but an object is refused', () => {
    expect(resolveConfig({ ...base, subscriptions: { outbox: false } }).callbackOutbox).toBeNull();
    expect(() => resolveConfig({ ...base, subscriptions: { outbox: true as never } })).toThrow(
      /subscriptions\.outbox must be false or an object/,
    );
  });

  it('names each bad value', () => {
    expect(() => resolveConfig({ ...base, subscriptions: { outbox: { leaseMs: 50, pollMs: 2.5 } } })).toThrow(
      /subscriptions\.outbox\.leaseMs must be an integer >= 100[\s\S]*subscriptions\.outbox\.pollMs must be an integer >= 10/,
    );
  });
});

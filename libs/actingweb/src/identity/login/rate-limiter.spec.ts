import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows max attempts per key and window, then refuses with the time left', () => {
    const limiter = new RateLimiter(2, 60_000);
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1000).allowed).toBe(true);
    expect(limiter.hit('a', 2000)).toEqual({ allowed: false, retryAfterSeconds: 58 });
    expect(limiter.hit('b', 2000).allowed).toBe(true);
    expect(limiter.hit('a', 60_000).allowed).toBe(true); // a new window
  });

  it('forgets a key on reset', () => {
    const limiter = new RateLimiter(1, 60_000);
    limiter.hit('a', 0);
    expect(limiter.hit('a', 1).allowed).toBe(false);
    limiter.reset('a');
    expect(limiter.hit('a', 2).allowed).toBe(true);
  });
});

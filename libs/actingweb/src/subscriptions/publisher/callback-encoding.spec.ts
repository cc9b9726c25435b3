import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import {
  chooseEncoding,
  COMPRESSORS,
  encodeCallbackBody,
  normalizeAcceptEncoding,
  type Compressor,
} from './callback-encoding.js';

const big = JSON.stringify({ data: 'z'.repeat(2000) });

describe('callback compression (callbackcompression)', () => {
  it('stores the known encodings of accept_encoding, lower case, in order, once', () => {
    expect(normalizeAcceptEncoding(['zstd', 'GZIP', ' br ', 'gzip', 7, 'identity'])).toEqual([
      'gzip',
      'br',
      'identity',
    ]);
    expect(normalizeAcceptEncoding(['zstd'])).toBeNull();
    expect(normalizeAcceptEncoding([])).toBeNull();
    expect(normalizeAcceptEncoding(undefined)).toBeNull();
  });

  it("uses the subscriber's first choice; identity first means plain", () => {
    expect(chooseEncoding(['br', 'gzip'])).toBe('br');
    expect(chooseEncoding(['identity', 'gzip'])).toBeNull();
    expect(chooseEncoding(null)).toBeNull();
  });

  it('compresses bodies over 1 KB only', async () => {
    const small = await encodeCallbackBody('{"data":"x"}', ['gzip']);
    expect(small).toEqual({ body: '{"data":"x"}', encoding: null });
    const large = await encodeCallbackBody(big, ['gzip']);
    expect(large.encoding).toBe('gzip');
    expect(gunzipSync(large.body as Buffer).toString('utf8')).toBe(big);
  });

  it('sends the body as it is when compressing fails or does not make it smaller', async () => {
    const failing: Compressor = () => Promise.reject(new Error('zlib broke'));
    const failed = await encodeCallbackBody(big, ['gzip'], { ...COMPRESSORS, gzip: failing });
    expect(failed.encoding).toBeNull();
    expect(Buffer.from(failed.body).toString('utf8')).toBe(big);
    expect(String(failed.error)).toMatch(/zlib broke/);

    const growing: Compressor = (body) => Promise.resolve(Buffer.concat([body, body]));
    const grown = await encodeCallbackBody(big, ['br'], { ...COMPRESSORS, br: growing });
    expect(grown.encoding).toBeNull();
    expect(Buffer.from(grown.body).toString('utf8')).toBe(big);
  });
});

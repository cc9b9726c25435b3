import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../errors/actingweb.errors.js';
import {
  assertDepth,
  decodeContent,
  parseFormBody,
  parseJsonBody,
  parseSniffedBody,
} from './body-parsing.js';

describe('body parsing', () => {
  it('parses JSON strictly', () => {
    expect(parseJsonBody('{"a":[1,{"b":"æøå"}]}', 64)).toEqual({ a: [1, { b: 'æøå' }] });
    expect(parseJsonBody('  ', 64)).toBeUndefined();
    expect(() => parseJsonBody('{"a":', 64)).toThrow(BadRequestError);
  });

  it('rejects prototype poisoning without polluting anything', () => {
    expect(() => parseJsonBody('{"__proto__":{"polluted":true}}', 64)).toThrow(/forbidden key/);
    expect(() => parseJsonBody('{"a":{"constructor":{"prototype":{"polluted":true}}}}', 64)).toThrow(
      /forbidden key/,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // A plain "constructor" value is data, not an attack.
    expect(parseJsonBody('{"constructor":"x"}', 64)).toEqual({ constructor: 'x' });
  });

  it('limits depth without recursing', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect(() => parseJsonBody(deep, 64)).toThrow(/deeper than 64/);
    expect(() => assertDepth({ a: { b: { c: 1 } } }, 2)).toThrow(BadRequestError);
    expect(() => assertDepth({ a: { b: { c: 1 } } }, 3)).not.toThrow();
  });

  it('parses forms into null-prototype objects, and JSON mislabelled as a form', () => {
    const form = parseFormBody('a=1&b=%C3%A6&a=2', 64) as Record<string, string>;
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect({ ...form }).toEqual({ a: '2', b: 'æ' });
    expect(parseFormBody('{"creator":"x"}', 64)).toEqual({ creator: 'x' });
    expect(() => parseFormBody('constructor=1', 64)).toThrow(BadRequestError);
  });

  it('sniffs: JSON objects and arrays as JSON, everything else as text', () => {
    expect(parseSniffedBody('{"a":1}', 64)).toEqual({ a: 1 });
    expect(parseSniffedBody('[1]', 64)).toEqual([1]);
    expect(parseSniffedBody('Alice', 64)).toBe('Alice');
    expect(parseSniffedBody('{not json', 64)).toBe('{not json');
    expect(parseSniffedBody('', 64)).toBeUndefined();
    expect(() => parseSniffedBody('{"__proto__":{}}', 64)).toThrow(/forbidden key/);
  });
});

describe('decodeContent', () => {
  const text = Buffer.from('{"a":"æøå"}');

  it('undoes gzip, x-gzip, deflate (zlib and raw), br and identity, case-insensitively', () => {
    expect(decodeContent(gzipSync(text), 'gzip', 1024).toString()).toBe('{"a":"æøå"}');
    expect(decodeContent(gzipSync(text), 'X-GZIP', 1024).toString()).toBe('{"a":"æøå"}');
    expect(decodeContent(deflateSync(text), 'deflate', 1024).toString()).toBe('{"a":"æøå"}');
    expect(decodeContent(deflateRawSync(text), 'deflate', 1024).toString()).toBe('{"a":"æøå"}');
    expect(decodeContent(brotliCompressSync(text), 'br', 1024).toString()).toBe('{"a":"æøå"}');
    expect(decodeContent(text, 'identity', 1024)).toBe(text);
    expect(decodeContent(Buffer.alloc(0), 'gzip', 1024).length).toBe(0);
  });

  it('undoes several codings, last applied first', () => {
    expect(decodeContent(brotliCompressSync(gzipSync(text)), 'gzip, br', 1024).toString()).toBe(
      '{"a":"æøå"}',
    );
    expect(() => decodeContent(text, 'gzip, gzip, gzip', 1024)).toThrow(UnsupportedMediaTypeError);
  });

  it('bounds the decoded size: 413 beyond the limit', () => {
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    expect(() => decodeContent(bomb, 'gzip', 64 * 1024)).toThrow(PayloadTooLargeError);
    expect(() => decodeContent(brotliCompressSync(Buffer.alloc(2048)), 'br', 1024)).toThrow(
      PayloadTooLargeError,
    );
  });

  it('corrupt data is 400, an unknown coding 415', () => {
    expect(() => decodeContent(Buffer.from('plain'), 'gzip', 1024)).toThrow(/not valid gzip data/);
    expect(() => decodeContent(gzipSync(text).subarray(0, 10), 'gzip', 1024)).toThrow(BadRequestError);
    expect(() => decodeContent(Buffer.from('plain'), 'br', 1024)).toThrow(BadRequestError);
    expect(() => decodeContent(text, 'compress', 1024)).toThrow(UnsupportedMediaTypeError);
  });
});

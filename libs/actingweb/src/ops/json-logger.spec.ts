import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { requestContextStorage } from '../common/request-context.js';
import { JsonLogger } from './json-logger.js';

describe('JsonLogger', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes one JSON object per line, without requestId outside a request', () => {
    new JsonLogger().log('started', 'Bootstrap');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(parsed()[0]).toEqual({
      level: 'log',
      pid: process.pid,
      timestamp: expect.any(Number),
      message: 'started',
      context: 'Bootstrap',
    });
  });

  it('adds the request id of the request context to every line', () => {
    const logger = new JsonLogger();
    requestContextStorage.run({ requestId: 'req-42' }, () => {
      logger.warn('peer slow', 'AwProxy');
      logger.error('failed', 'ActingWeb');
    });
    expect(parsed().map((l) => [l.level, l.message, l.requestId])).toEqual([
      ['warn', 'peer slow', 'req-42'],
      ['error', 'failed', 'req-42'],
    ]);
  });

  it('turns the "[req <id>] " prefix of library lines into the requestId field', () => {
    new JsonLogger().error('[req abc-1] Unhandled error', 'ActingWeb');
    expect(parsed()[0]).toMatchObject({ level: 'error', message: 'Unhandled error', requestId: 'abc-1' });
  });

  it('honours logLevels', () => {
    const logger = new JsonLogger({ logLevels: ['error'] });
    logger.log('hidden');
    logger.error('shown');
    expect(parsed().map((l) => l.message)).toEqual(['shown']);
  });
});

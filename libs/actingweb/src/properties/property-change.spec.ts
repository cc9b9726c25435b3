import { describe, expect, it } from '@jest/globals';
import type { Transaction } from 'kysely';
import type { AwDatabase } from '../storage/database.types.js';
import { type PropertyChange, PropertyChangeFeed } from './property-change.js';

const TX = {} as Transaction<AwDatabase>;
const CHANGE: PropertyChange = { actorId: 'a1', operation: 'put', path: ['x'], oldValue: 1, newValue: 2 };

describe('PropertyChangeFeed.recordInTransaction', () => {
  it('runs listeners in order and gives no promise when none of them returned one', () => {
    const feed = new PropertyChangeFeed();
    const seen: string[] = [];
    feed.onChangeInTransaction(() => void seen.push('first'));
    feed.onChangeInTransaction(() => void seen.push('second'));
    expect(feed.recordInTransaction(TX, [CHANGE])).toBeUndefined();
    expect(seen).toEqual(['first', 'second']);
  });

  it('runs the listeners after one that returned a promise only once it settled, and passes its error on', async () => {
    const feed = new PropertyChangeFeed();
    const seen: string[] = [];
    let release!: () => void;
    feed.onChangeInTransaction(() => new Promise<void>((resolve) => (release = resolve)));
    feed.onChangeInTransaction(() => void seen.push('second'));
    const pending = feed.recordInTransaction(TX, [CHANGE]);
    expect(pending).toBeInstanceOf(Promise);
    expect(seen).toEqual([]);
    release();
    await pending;
    expect(seen).toEqual(['second']);

    const failing = new PropertyChangeFeed();
    failing.onChangeInTransaction(() => Promise.reject(new Error('diff failed')));
    failing.onChangeInTransaction(() => void seen.push('never'));
    await expect(failing.recordInTransaction(TX, [CHANGE])).rejects.toThrow('diff failed');
    expect(seen).toEqual(['second']);
  });

  it('calls no listener for a write that changed nothing', () => {
    const feed = new PropertyChangeFeed();
    let calls = 0;
    feed.onChangeInTransaction(() => void calls++);
    expect(feed.recordInTransaction(TX, [])).toBeUndefined();
    expect(calls).toBe(0);
  });
});

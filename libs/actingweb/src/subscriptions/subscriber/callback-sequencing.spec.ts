import { describe, expect, it } from '@jest/globals';
import { parseCallback } from './received-callback.js';
import { decideCallback, planCatchUp } from './callback-sequencing.js';

const diff = (sequence: number) => ({ sequence, data: { n: sequence } });

describe('subscriber sequencing', () => {
  it('decides per callback: duplicate, next, gap, resync', () => {
    expect(decideCallback(0, 1, 'diff')).toBe('next');
    expect(decideCallback(4, 5, 'diff')).toBe('next');
    expect(decideCallback(4, 4, 'diff')).toBe('duplicate');
    expect(decideCallback(4, 2, 'diff')).toBe('duplicate');
    expect(decideCallback(2, 5, 'diff')).toBe('gap');
    expect(decideCallback(2, 6, 'resync')).toBe('resync');
    expect(decideCallback(2, 3, 'resync')).toBe('resync');
    expect(decideCallback(6, 6, 'resync')).toBe('duplicate');
  });

  it('catches up with the diffs after the last processed one, in order, without duplicates', () => {
    const plan = planCatchUp(2, 5, [diff(5), diff(1), diff(3), diff(4), diff(3), diff(2)]);
    expect(plan.resync).toBe(false);
    expect(plan.apply.map((d) => d.sequence)).toEqual([3, 4, 5]);
    expect(plan.sequence).toBe(5);
  });

  it('a gap: expecting 3, receiving 5, the poll gives 3, 4, 5', () => {
    expect(decideCallback(2, 5, 'diff')).toBe('gap');
    expect(planCatchUp(2, 5, [diff(3), diff(4), diff(5)]).apply.map((d) => d.sequence)).toEqual([3, 4, 5]);
  });

  it('nothing pending: stays where it is', () => {
    expect(planCatchUp(7, 7, [])).toEqual({ apply: [], resync: false, sequence: 7 });
    // A publisher behind us (e.g. it lost data) never moves us backwards.
    expect(planCatchUp(7, 3, [])).toEqual({ apply: [], resync: false, sequence: 7 });
  });

  it('resyncs when diffs are missing: a hole, or the publisher ahead of its diffs', () => {
    expect(planCatchUp(2, 5, [diff(4), diff(5)])).toEqual({ apply: [], resync: true, sequence: 5 });
    expect(planCatchUp(2, 5, [diff(3), diff(5)])).toEqual({ apply: [], resync: true, sequence: 5 });
    expect(planCatchUp(2, 6, [diff(3), diff(4), diff(5)])).toEqual({ apply: [], resync: true, sequence: 6 });
    expect(planCatchUp(2, 4, [])).toEqual({ apply: [], resync: true, sequence: 4 });
  });

  it('tolerates a publisher sequence that is missing or behind its diffs', () => {
    expect(planCatchUp(0, undefined, [diff(1), diff(2)]).sequence).toBe(2);
    expect(planCatchUp(0, 1, [diff(1), diff(2)]).apply).toHaveLength(2);
  });

  it('parses callback bodies strictly', () => {
    expect(parseCallback({ sequence: 3, data: { a: 1 } })).toMatchObject({
      sequence: 3,
      type: 'diff',
      hasData: true,
    });
    expect(parseCallback({ sequence: '4', url: 'x', granularity: 'low' })).toMatchObject({
      sequence: 4,
      hasData: false,
    });
    expect(parseCallback({ sequence: 9, type: 'resync', url: 'x' }).type).toBe('resync');
    for (const bad of [
      null,
      [],
      'x',
      {},
      { sequence: 0 },
      { sequence: -1 },
      { sequence: 1.5 },
      { sequence: 1, type: 'x' },
    ])
      expect(() => parseCallback(bad)).toThrow();
  });
});

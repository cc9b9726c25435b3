import { describe, expect, it } from '@jest/globals';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { TrustEvents } from './trust-events.js';

const actor = { id: 'a1' } as ActorHandle;

describe('TrustEvents', () => {
  it('runs the deletion listeners, then the delete, then what the listeners returned, in order', async () => {
    const events = new TrustEvents();
    const steps: string[] = [];
    events.onDeletion(async ({ peerId, initiatedByPeer }) => {
      steps.push(`first reads ${peerId} (by peer: ${initiatedByPeer})`);
      return async () => {
        steps.push('first acts');
      };
    });
    events.onDeletion(async () => {
      steps.push('second reads');
    });
    await events.deleting({ actor, peerId: 'p1', initiatedByPeer: true }, async () => {
      steps.push('trust deleted');
    });
    expect(steps).toEqual(['first reads p1 (by peer: true)', 'second reads', 'trust deleted', 'first acts']);
  });

  it('does not delete when a listener fails, and deletes without listeners', async () => {
    const events = new TrustEvents();
    let deleted = 0;
    await events.deleting({ actor, peerId: 'p1', initiatedByPeer: false }, async () => deleted++);
    expect(deleted).toBe(1);
    events.onDeletion(async () => {
      throw new Error('storage down');
    });
    await expect(
      events.deleting({ actor, peerId: 'p1', initiatedByPeer: false }, async () => deleted++),
    ).rejects.toThrow('storage down');
    expect(deleted).toBe(1);
  });
});

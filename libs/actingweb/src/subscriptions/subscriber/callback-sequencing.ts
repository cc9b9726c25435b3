/**
 * Subscriber-side sequencing (ActingWeb spec, "Getting Subscription Updates"),
 * as pure decisions. `last` is the last sequence this subscriber processed
 * (stored on its outbound subscription row); a new subscription starts at the
 * publisher's sequence when it was created (0).
 */

/** What to do with one callback. */
export type CallbackDecision =
  /** Already processed (or older): acknowledge, do nothing. */
  | 'duplicate'
  /** The next one: process it. */
  | 'next'
  /** Some are missing before it: poll the publisher and process everything pending in order. */
  | 'gap'
  /** Drop cached state, fetch the current state, continue from this sequence. */
  | 'resync';

export function decideCallback(last: number, sequence: number, type: 'diff' | 'resync'): CallbackDecision {
  if (sequence <= last) return 'duplicate';
  if (type === 'resync') return 'resync';
  return sequence === last + 1 ? 'next' : 'gap';
}

/** One diff as `GET /subscriptions/<me>/<subid>` lists it. */
export interface PolledDiff {
  readonly sequence: number;
  readonly timestamp?: string;
  readonly data: unknown;
}

/** What a poll means for the subscriber. */
export interface CatchUpPlan {
  /** Diffs to process, in order (empty when resyncing). */
  readonly apply: readonly PolledDiff[];
  /**
   * Some diffs between `last` and the publisher's sequence are gone (cleared,
   * or a resync without a stored diff): processing the rest would not give the
   * publisher's state, so fetch the current state instead.
   */
  readonly resync: boolean;
  /** The sequence the subscriber is at afterwards. */
  readonly sequence: number;
}

/**
 * Plans a catch-up from a poll answer: the diffs after `last`, in order,
 * duplicates dropped. When they do not run without a hole from `last + 1` up
 * to the publisher's current sequence, the subscriber resyncs instead.
 */
export function planCatchUp(
  last: number,
  publisherSequence: unknown,
  diffs: readonly PolledDiff[],
): CatchUpPlan {
  const seen = new Set<number>();
  const pending = diffs
    .filter((d) => Number.isSafeInteger(d.sequence) && d.sequence > last)
    .sort((a, b) => a.sequence - b.sequence)
    .filter((d) => (seen.has(d.sequence) ? false : (seen.add(d.sequence), true)));
  const newest = pending.length > 0 ? pending[pending.length - 1].sequence : last;
  const top = Math.max(
    last,
    newest,
    typeof publisherSequence === 'number' && Number.isSafeInteger(publisherSequence) ? publisherSequence : 0,
  );
  const contiguous = pending.every((d, i) => d.sequence === last + 1 + i);
  if (!contiguous || newest < top) return { apply: [], resync: true, sequence: top };
  return { apply: pending, resync: false, sequence: top };
}

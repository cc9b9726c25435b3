import { Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import type { AwDatabase } from '../storage/database.types.js';

/**
 * One successful write to an actor's properties, recorded inside the write's
 * transaction. `path` starts with the top-level property name (empty for
 * "all properties"); `newValue` is `undefined` for deletes. Subscriptions turn
 * these into diffs in the same transaction, so a write and its diffs commit
 * (or roll back) together.
 *
 * @publicApi
 */
export interface PropertyChange {
  readonly actorId: string;
  readonly operation: 'put' | 'post' | 'delete' | 'list';
  readonly path: readonly string[];
  readonly oldValue: unknown;
  readonly newValue: unknown;
  /** For list operations: the structured list diff (`{list, operation, length, item?, index?, ...}`). */
  readonly listDiff?: Readonly<Record<string, unknown>>;
}

/** What a write learned from its own statements, so a listener can skip a lookup. */
export interface WriteFacts {
  /**
   * False when the write found no subscription on the actor's properties, in
   * its transaction after its last write statement; unset when it did not look.
   */
  propertySubscriptions?: boolean;
}

/**
 * Runs inside the write's transaction; throwing rolls the write back. A
 * listener with nothing to do returns without a promise.
 */
export type InTransactionListener = (
  tx: Transaction<AwDatabase>,
  changes: readonly PropertyChange[],
  facts: Readonly<WriteFacts>,
) => Promise<void> | void;
/** Runs after the write committed; errors are the listener's own business and never fail the write. */
export type AfterCommitListener = (changes: readonly PropertyChange[]) => void;

/**
 * The seam between property writes and whatever follows from them (diffs,
 * callbacks). Writers call {@link recordInTransaction} before committing and
 * {@link committed} after.
 */
@Injectable()
export class PropertyChangeFeed {
  private readonly inTransaction: InTransactionListener[] = [];
  private readonly afterCommit: AfterCommitListener[] = [];

  onChangeInTransaction(listener: InTransactionListener): void {
    this.inTransaction.push(listener);
  }

  onChangeCommitted(listener: AfterCommitListener): void {
    this.afterCommit.push(listener);
  }

  /** Runs the in-transaction listeners in order; a promise only once one of them returned one. */
  recordInTransaction(
    tx: Transaction<AwDatabase>,
    changes: readonly PropertyChange[],
    facts: Readonly<WriteFacts> = {},
  ): Promise<void> | undefined {
    if (changes.length === 0) return undefined;
    const listeners = this.inTransaction;
    for (let i = 0; i < listeners.length; i++) {
      const pending = listeners[i](tx, changes, facts);
      if (pending) return this.finish(pending, i + 1, tx, changes, facts);
    }
    return undefined;
  }

  committed(changes: readonly PropertyChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.afterCommit) listener(changes);
  }

  private async finish(
    pending: Promise<void>,
    next: number,
    tx: Transaction<AwDatabase>,
    changes: readonly PropertyChange[],
    facts: Readonly<WriteFacts>,
  ): Promise<void> {
    await pending;
    for (const listener of this.inTransaction.slice(next)) await listener(tx, changes, facts);
  }
}

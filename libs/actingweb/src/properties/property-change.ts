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

/** Runs inside the write's transaction; throwing rolls the write back. */
export type InTransactionListener = (
  tx: Transaction<AwDatabase>,
  changes: readonly PropertyChange[],
  facts: Readonly<WriteFacts>,
) => Promise<void>;
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

  async recordInTransaction(
    tx: Transaction<AwDatabase>,
    changes: readonly PropertyChange[],
    facts: Readonly<WriteFacts> = {},
  ): Promise<void> {
    if (changes.length === 0) return;
    for (const listener of this.inTransaction) await listener(tx, changes, facts);
  }

  committed(changes: readonly PropertyChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.afterCommit) listener(changes);
  }
}

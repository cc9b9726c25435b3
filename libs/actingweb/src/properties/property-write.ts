import type { Transaction } from 'kysely';
import { ConflictError } from '../errors/actingweb.errors.js';
import type { ActingWebDatabase } from '../storage/actingweb-database.js';
import type { AwDatabase } from '../storage/database.types.js';
import type { PropertyChange, PropertyChangeFeed, WriteFacts } from './property-change.js';

/** Collects the change records of one write; see {@link writeProperties}. */
export type RecordChange = (...changes: PropertyChange[]) => void;

/**
 * One property write transaction, shared by simple properties and lists:
 * per-name locks (`<actorId>/properties/<name>`; PostgreSQL advisory locks,
 * taken in sorted order so two bulk writes cannot deadlock), the write, its
 * change records inside the transaction; after commit, the committed-listeners.
 * A throw anywhere rolls everything back and notifies nobody.
 */
export async function writeProperties<T>(
  database: ActingWebDatabase,
  feed: PropertyChangeFeed,
  actorId: string,
  names: readonly string[],
  write: (tx: Transaction<AwDatabase>, record: RecordChange, facts: WriteFacts) => Promise<T>,
): Promise<T> {
  const recorded: PropertyChange[] = [];
  const facts: WriteFacts = {};
  const result = await database.transaction(async (tx) => {
    const sorted = names.length === 1 ? names : [...new Set(names)].sort();
    for (const name of sorted) {
      const locked = lockProperty(database, tx, actorId, name);
      if (locked) await locked;
    }
    const value = await write(tx, (...changes) => recorded.push(...changes), facts);
    const recording = feed.recordInTransaction(tx, recorded, facts);
    if (recording) await recording;
    return value;
  });
  feed.committed(recorded);
  return result;
}

/** The lock every writer of one top-level property name (simple or list) takes. */
export function lockProperty(
  database: ActingWebDatabase,
  tx: Transaction<AwDatabase>,
  actorId: string,
  name: string,
): Promise<void> | undefined {
  return database.lockInTransaction(tx, `${actorId}/properties/${name}`);
}

/**
 * Thrown inside a write when the list changed after its hooks ran, so that
 * the write would be another list operation than the one they saw (another
 * request created or deleted the list in between).
 */
export class ListChangedSinceHooks extends Error {}

/** Attempts before a write whose list keeps changing under its hooks gives up (409). */
const HOOKED_WRITE_ATTEMPTS = 3;

/** Runs `attempt` (hooks, then the write) again while its write throws {@link ListChangedSinceHooks}. */
export async function rerunWhenListChanged<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ListChangedSinceHooks)) throw err;
      if (n === HOOKED_WRITE_ATTEMPTS)
        throw new ConflictError('The list kept changing while its hooks ran; try again', 'concurrent_change');
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { isPlainObject } from '../common/json.js';
import type { Permissions } from '../common/permissions.types.js';
import { ActingWebDatabase, type Executor } from './actingweb-database.js';
import { inTransaction, regroupPeer } from './subscription-groups.js';

/** A stored per-relationship permission override. @publicApi */
export interface TrustPermissionRecord {
  /** The trust type the override was written against. */
  trustType: string;
  /** The override categories only (not merged with the type's base). */
  permissions: Permissions;
  createdBy: string;
  notes: string;
  updatedAt: string;
}

/** What {@link TrustPermissionRepository.put} writes. */
export interface TrustPermissionInput {
  trustType: string;
  permissions: Permissions;
  createdBy?: string;
  notes?: string;
}

/**
 * Per-relationship permission overrides (`trust_permissions`, one row per
 * trust; deleting the trust deletes its override). Values are validated by
 * the caller (`normalizeOverride`); this stores them as JSON.
 *
 * @publicApi
 */
@Injectable()
export class TrustPermissionRepository {
  constructor(@Inject(ActingWebDatabase) private readonly database: ActingWebDatabase) {}

  async get(
    actorId: string,
    peerId: string,
    db: Executor = this.database.db,
  ): Promise<TrustPermissionRecord | null> {
    const row = await db
      .selectFrom('trust_permissions')
      .select(['trust_type', 'permissions', 'created_by', 'notes', 'updated_at'])
      .where('actor_id', '=', actorId)
      .where('peer_id', '=', peerId)
      .executeTakeFirst();
    if (!row) return null;
    const parsed: unknown = JSON.parse(row.permissions);
    return {
      trustType: row.trust_type,
      permissions: isPlainObject(parsed) ? (parsed as Permissions) : {},
      createdBy: row.created_by,
      notes: row.notes,
      updatedAt: row.updated_at,
    };
  }

  /**
   * Creates or replaces the override of one trust. Reports which it did; the
   * trust must exist (foreign key), otherwise the insert fails.
   */
  async put(
    actorId: string,
    peerId: string,
    input: TrustPermissionInput,
    db: Executor = this.database.db,
  ): Promise<'created' | 'updated'> {
    // The override shapes the peer's diffs: its subscriptions move to their new group with it.
    return inTransaction(this.database, db, async (tx) => {
      const outcome = await this.upsert(actorId, peerId, input, tx);
      await regroupPeer(this.database, tx, actorId, peerId);
      return outcome;
    });
  }

  async delete(actorId: string, peerId: string, db: Executor = this.database.db): Promise<boolean> {
    return inTransaction(this.database, db, async (tx) => {
      const result = await tx
        .deleteFrom('trust_permissions')
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .executeTakeFirst();
      await regroupPeer(this.database, tx, actorId, peerId);
      return Number(result.numDeletedRows) > 0;
    });
  }

  private async upsert(
    actorId: string,
    peerId: string,
    input: TrustPermissionInput,
    db: Executor,
  ): Promise<'created' | 'updated'> {
    const values = {
      trust_type: input.trustType,
      permissions: JSON.stringify(input.permissions ?? {}),
      created_by: input.createdBy ?? '',
      notes: input.notes ?? '',
      updated_at: new Date().toISOString(),
    };
    const update = () =>
      db
        .updateTable('trust_permissions')
        .set(values)
        .where('actor_id', '=', actorId)
        .where('peer_id', '=', peerId)
        .executeTakeFirst();
    // Update first, then insert-if-absent: exactly one of concurrent first writers reports 'created'.
    if (Number((await update()).numUpdatedRows) > 0) return 'updated';
    const inserted = await db
      .insertInto('trust_permissions')
      .values({ actor_id: actorId, peer_id: peerId, ...values })
      .onConflict((oc) => oc.columns(['actor_id', 'peer_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return 'created';
    // Another writer inserted between our update and insert: last write wins.
    await update();
    return 'updated';
  }
}

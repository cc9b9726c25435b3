import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { IdentityTables } from './identity-tables.js';

/*
 * Table types of the ActingWeb schema (see migrations/; subscription groups: 0005).
 * Conventions, identical on SQLite and PostgreSQL:
 * - booleans are integers 0/1 (SQLite cannot bind JS booleans);
 * - timestamps are ISO-8601 UTC strings (`2026-11-23T07:31:02.123Z`), which sort correctly as text;
 * - JSON is stored as text; repositories parse it;
 * - "none" for subtarget/resource is '' so it can take part in keys.
 */

export interface ActorsTable {
  id: string;
  creator: string;
  passphrase: string;
  trustee_root: string | null;
  created_at: string;
}

export interface PropertiesTable {
  actor_id: string;
  name: string;
  /** JSON text of the value. */
  value: string;
  updated_at: string;
}

export interface PropertyListsTable {
  actor_id: string;
  name: string;
  description: string;
  explanation: string;
  created_at: string;
}

export interface PropertyListItemsTable {
  actor_id: string;
  list_name: string;
  /** Fractional ordering key; byte order gives list order. */
  position: string;
  /** JSON text of the item. */
  value: string;
}

/** Reverse lookup of indexed properties: one actor per `(name, value)`; `value` is the string itself. */
export interface PropertyLookupTable {
  name: string;
  value: string;
  actor_id: string;
}

/** The names `property_lookup` has been filled for (migration 0004). */
export interface PropertyLookupNamesTable {
  name: string;
  indexed_at: string;
}

export interface TrustsTable {
  actor_id: string;
  peer_id: string;
  baseuri: string;
  peer_type: string;
  relationship: string;
  secret: string;
  /** sha256 hex of the secret: Bearer lookups go through this, never through the secret itself. */
  secret_hash: string;
  description: string;
  approved: number;
  peer_approved: number;
  verified: number;
  verification_token: string | null;
  peer_identifier: string | null;
  established_via: string | null;
  client_name: string | null;
  client_version: string | null;
  client_platform: string | null;
  oauth_client_id: string | null;
  aw_supported: string | null;
  aw_version: string | null;
  capabilities_fetched_at: string | null;
  created_at: string;
  last_accessed: string | null;
  last_connected_via: string | null;
  last_connected_at: string | null;
}

export interface TrustPermissionsTable {
  actor_id: string;
  peer_id: string;
  trust_type: string;
  /** JSON text: the override categories. */
  permissions: string;
  created_by: string;
  notes: string;
  updated_at: string;
}

export interface PeerTrusteesTable {
  actor_id: string;
  peer_id: string;
  baseuri: string;
  peer_type: string;
  passphrase: string;
}

export interface SubscriptionsTable {
  actor_id: string;
  peer_id: string;
  subscription_id: string;
  /** 1: this actor subscribed to the peer (it receives callbacks); 0: the peer subscribed to this actor. */
  outbound: number;
  target: string;
  subtarget: string;
  resource: string;
  granularity: string;
  /**
   * Subscriber side: the last sequence processed. Publisher side: the sequence
   * when the subscription joined its current group (the current one is the
   * group's sequence − `group_offset`).
   */
  sequence: number;
  /** JSON array of accepted encodings for callbacks, or null. */
  accept_encoding: string | null;
  created_at: string;
  /** Publisher side: the subscription's group (null: outbound, or no trust when it was grouped). */
  group_id: number | null;
  /** Group sequence − this = the subscription's own sequence number of a group change. */
  group_offset: Generated<number>;
  /** Publisher side: group changes up to this sequence (the subscription's own numbering) are cleared. */
  cleared: Generated<number>;
}

/**
 * Inbound subscriptions of one actor that get identical diffs: the same
 * target, subtarget and resource, and the same permissions (the trust's
 * relationship and permission override). A write appends one change per group.
 */
export interface SubscriptionGroupsTable {
  id: Generated<number>;
  actor_id: string;
  target: string;
  /** sha256 hex of subtarget, resource, relationship and override: unique per actor and target. */
  group_key: string;
  subtarget: string;
  resource: string;
  relationship: string;
  /** The trust's permission override as stored (JSON text), or null. */
  override: string | null;
  /** Last group sequence allocated. */
  sequence: number;
}

/** One diff of a group; each member sees it as its own sequence `sequence − group_offset`. */
export interface SubscriptionChangesTable {
  group_id: number;
  sequence: number;
  timestamp: string;
  /** JSON text of the diff. */
  data: string;
}

/**
 * Diffs a subscription cleared one at a time (a callback acknowledged) above
 * its `cleared` mark, until the mark catches up with them.
 */
export interface SubscriptionAcksTable {
  actor_id: string;
  peer_id: string;
  subscription_id: string;
  sequence: number;
}

/**
 * Diffs kept for one subscription rather than its group: those stored before
 * groups existed (migration 0005), and those pending when the subscription
 * moved to another group (its peer's permissions changed).
 */
export interface SubscriptionDiffsTable {
  actor_id: string;
  peer_id: string;
  subscription_id: string;
  sequence: number;
  timestamp: string;
  /** JSON text of the diff. */
  data: string;
}

/**
 * Callbacks still to send for one write (PostgreSQL): the group changes it
 * stored, so any instance can work out who gets a callback. Deleted once every
 * callback of it has been claimed.
 */
export interface CallbackWorkTable {
  id: Generated<number>;
  actor_id: string;
  /** JSON `[[groupId, groupSequence, [change index, ...]], ...]`: the write's stored changes. */
  changes: string;
}

/**
 * Per inbound subscription with callbacks (PostgreSQL): the last of its own
 * sequences whose callback an instance claimed, and the lease of the instance
 * sending one now (one at a time, so each subscription's callbacks stay in order).
 */
export interface CallbackCursorsTable {
  actor_id: string;
  peer_id: string;
  subscription_id: string;
  notified: number;
  owner: string | null;
  lease_until: Date | null;
}

export interface SubscriptionSuspensionsTable {
  actor_id: string;
  target: string;
  subtarget: string;
  suspended_at: string;
}

export interface AttributesTable {
  actor_id: string;
  bucket: string;
  name: string;
  /** JSON text of the value. */
  data: string;
  updated_at: string;
  /** Epoch milliseconds after which the row reads as absent; null = never. */
  expires_at: number | null;
}

/** The whole schema, for `Kysely<AwDatabase>` (identity tables: identity-tables.ts). */
export interface AwDatabase extends IdentityTables {
  actors: ActorsTable;
  properties: PropertiesTable;
  property_lists: PropertyListsTable;
  property_list_items: PropertyListItemsTable;
  property_lookup: PropertyLookupTable;
  property_lookup_names: PropertyLookupNamesTable;
  trusts: TrustsTable;
  trust_permissions: TrustPermissionsTable;
  peer_trustees: PeerTrusteesTable;
  subscriptions: SubscriptionsTable;
  subscription_diffs: SubscriptionDiffsTable;
  subscription_groups: SubscriptionGroupsTable;
  subscription_changes: SubscriptionChangesTable;
  subscription_acks: SubscriptionAcksTable;
  subscription_suspensions: SubscriptionSuspensionsTable;
  callback_work: CallbackWorkTable;
  callback_cursors: CallbackCursorsTable;
  attributes: AttributesTable;
}

export type ActorRow = Selectable<ActorsTable>;
export type NewActorRow = Insertable<ActorsTable>;
export type TrustRow = Selectable<TrustsTable>;
export type NewTrustRow = Insertable<TrustsTable>;
export type TrustUpdate = Updateable<TrustsTable>;

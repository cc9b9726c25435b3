/**
 * What hooks and application code get for an actor: its identity, its URL, and
 * access to its data, trust relationships and subscriptions with the same
 * semantics (hooks, change records, subscription diffs) as HTTP. Everything
 * acts as the application: fully trusted, no trust permissions apply.
 *
 * @publicApi
 */
export interface ActorHandle {
  /** 32 lowercase hex characters; never changes. */
  readonly id: string;
  /** The creator user name (lowercased when it is an email address). */
  readonly creator: string;
  /** Absolute root URL of the actor, `<baseUrl><id>`, without a trailing slash. */
  readonly url: string;
  /** URL of the trustee actor, when one is set. */
  readonly trusteeRoot: string | null;
  /** The actor's properties, read and written as the application (fully trusted). */
  readonly properties: ActorProperties;
  /**
   * The list property `name` (`/properties/<name>` of a list). Nothing is read
   * until a method is called; `append` creates the list when the name is free.
   */
  propertyList(name: string): ActorPropertyList;
  /** The names of the actor's list properties, in byte order. */
  propertyListNames(): Promise<string[]>;
  /** `TrustManager`'s methods for this actor, without the actor argument (docs/trust.md). */
  readonly trust: ActorTrust;
  /** `SubscriptionManager`'s methods for this actor, without the actor argument (docs/subscriptions.md). */
  readonly subscriptions: ActorSubscriptions;
}

/**
 * Property access for application code. Paths are a name followed by keys
 * inside its JSON value: `get('location', 'latitude')`, or `set('location/latitude', 59.9)`.
 * A path whose name is a list property works as the same path over HTTP
 * does: `get('notes')` gives its items, `get('notes', '2')` one item,
 * `set('notes/2', item)` replaces it and `delete('notes')` deletes the list.
 *
 * @publicApi
 */
export interface ActorProperties {
  /** Every simple property, `{ name: value }` (lists: {@link ActorHandle.propertyListNames}). */
  all(): Promise<Record<string, unknown>>;
  /** The value at the path, or `undefined` when there is none. */
  get(...path: string[]): Promise<unknown>;
  /** Sets the value at the path (a nested path merges into the stored object). */
  set(path: string | readonly string[], value: unknown): Promise<void>;
  /** Sets several top-level properties at once: all or nothing. */
  setMany(values: Record<string, unknown>): Promise<void>;
  /** Deletes the value at the path; false when there was none. */
  delete(...path: string[]): Promise<boolean>;
}

/**
 * One list property, for application code: the operations of the HTTP list
 * routes (`docs/properties.md#list-properties`), with the same property hooks,
 * change records and subscription diffs. Indexes are non-negative integers
 * (anything else: `BadRequestError`). Reads of a list that does not exist give
 * `undefined`, `[]` or `0`; writes to it throw `NotFoundError`, except
 * `append` and `create`, which create it.
 *
 * @publicApi
 */
export interface ActorPropertyList {
  readonly name: string;
  /** Whether the list exists. */
  exists(): Promise<boolean>;
  /**
   * Creates the list, empty, or on an existing list updates the metadata
   * given (as `POST /properties {"<name>": {"_type": "list", ...}}`).
   * `ConflictError` when a simple property has the name.
   */
  create(metadata?: ListMetadataChange): Promise<void>;
  /** Appends the item, creating the list when the name is free; returns its index. */
  append(item: unknown): Promise<number>;
  /** Inserts the item before `index` (`index == length` appends); returns `index`. */
  insert(index: number, item: unknown): Promise<number>;
  /** The item at `index`, or `undefined`. */
  get(index: number): Promise<unknown>;
  /** The items in order; `offset` (default 0) and `limit` (default all) page them. */
  items(page?: { offset?: number; limit?: number }): Promise<unknown[]>;
  /** How many items the list has. */
  length(): Promise<number>;
  /** Replaces the item at `index`; `NotFoundError` when there is none. */
  update(index: number, item: unknown): Promise<void>;
  /** Replaces the one item equal to `oldItem` (none: `NotFoundError`, several: `ConflictError`). */
  replace(oldItem: unknown, newItem: unknown): Promise<void>;
  /** Deletes the item at `index` (later items shift down); false when there was none. */
  delete(index: number): Promise<boolean>;
  /** Deletes the one item equal to `item`; false when none is, `ConflictError` when several are. */
  remove(item: unknown): Promise<boolean>;
  /** Deletes every item and keeps the list and its metadata. */
  clear(): Promise<void>;
  /** Deletes the list with its items and metadata; false when there was none. */
  deleteList(): Promise<boolean>;
  /** The list's description, explanation and item count, or `undefined`. */
  metadata(): Promise<ListMetadata | undefined>;
  /** Changes the description and/or explanation (as `PUT /properties/<name>/metadata`). */
  setMetadata(change: ListMetadataChange): Promise<void>;
}

/** @publicApi */
export interface ListMetadata {
  readonly description: string;
  readonly explanation: string;
  readonly count: number;
}

/** @publicApi */
export interface ListMetadataChange {
  readonly description?: string;
  readonly explanation?: string;
}

/**
 * The actor-scoped methods of `TrustManager`, bound to this actor: the same
 * names and arguments, without the first (the actor or its id), e.g.
 * `actor.trust.createReciprocalTrust({ url })`, `actor.trust.getRelationships()`.
 * The members are declared next to `TrustManager` (`actors/actor-facades.ts`,
 * through declaration merging), because hook types import no feature.
 *
 * @publicApi
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActorTrust {}

/**
 * The actor-scoped methods of `SubscriptionManager`, bound to this actor, as
 * {@link ActorTrust} is for trust: e.g. `actor.subscriptions.subscribeToPeer(peerId, 'properties')`.
 *
 * @publicApi
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActorSubscriptions {}

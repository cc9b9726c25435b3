/**
 * What hooks and application code get for an actor: its identity, its URL, and
 * access to its data with the same semantics (hooks, change records) as HTTP.
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
}

/**
 * Property access for application code. Paths are a name followed by keys
 * inside its JSON value: `get('location', 'latitude')`, or `set('location/latitude', 59.9)`.
 *
 * @publicApi
 */
export interface ActorProperties {
  /** Every simple property, `{ name: value }`. */
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

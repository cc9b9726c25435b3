/**
 * What hooks and application code get for an actor: its identity and URL.
 * Property, trust and subscription access are added by their features.
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
}

/**
 * The access-control table of `shared/docs/protocol.md` §1, as data.
 *
 * A request is described by a *path key*: the route's path below the actor,
 * with templates for its variable parts (`trust/<type>/<id>`,
 * `subscriptions/<id>`, `/` for the actor root). Rules are tried top-down;
 * the first whose path, method and role match decides; no match means deny.
 *
 * Roles: `anyone` (also unauthenticated callers), `creator`, `trustee`, `owner`
 * (a peer whose id is the `<id>` in the path), or a trust relationship name
 * (`friend`, `admin`, ...).
 *
 * @publicApi
 */
export interface AccessRule {
  readonly roles: readonly string[];
  /** Path key or prefix (`properties` also covers `properties/...`). */
  readonly path: string;
  /** HTTP methods; omitted means all. */
  readonly methods?: readonly string[];
  /** Match the path key exactly instead of as a prefix. */
  readonly exact?: boolean;
  /** `false` makes this a deny rule: a match refuses the request. Default `true`. */
  readonly allow?: boolean;
}

const OWNERS_OF_ACTOR = ['creator', 'trustee', 'admin'] as const;

/** Default rules, after the Python reference's `config.access`, tightened where §10 says it is too loose. @publicApi */
export const DEFAULT_ACCESS_RULES: readonly AccessRule[] = Object.freeze([
  { roles: ['anyone'], path: 'meta', methods: ['GET'] },
  // Subscription and permission callbacks come only from the peer named in the path (§10 items 16–17);
  // other callbacks are the application's, and its hooks decide.
  { roles: ['owner'], path: 'callbacks/subscriptions/<id>' },
  { roles: ['anyone'], path: 'callbacks/subscriptions', allow: false },
  { roles: ['owner'], path: 'callbacks/permissions/<id>' },
  { roles: ['anyone'], path: 'callbacks/permissions', allow: false },
  { roles: ['anyone'], path: 'callbacks' },
  { roles: ['creator', 'admin', 'friend', 'partner'], path: 'properties' },
  { roles: ['associate'], path: 'properties', methods: ['GET'] },
  { roles: ['creator', 'admin', 'friend', 'partner'], path: 'resources' },
  { roles: ['creator', 'admin', 'friend', 'partner'], path: 'methods' },
  { roles: ['creator', 'admin', 'friend', 'partner'], path: 'actions' },
  { roles: ['owner', 'creator', 'admin'], path: 'permissions/<id>', methods: ['GET'] },
  // Anyone may ask for a trust (the peer-side request of §8.4); the handler decides.
  { roles: ['anyone'], path: 'trust/<type>', methods: ['POST'], exact: true },
  // The peer may read its own record, send the approval notice and delete it, but not change it (checklist 66).
  { roles: ['owner'], path: 'trust/<type>/<id>', methods: ['GET', 'POST', 'DELETE'], exact: true },
  { roles: ['owner'], path: 'trust/<type>/<id>', allow: false },
  { roles: OWNERS_OF_ACTOR, path: 'trust' },
  { roles: ['owner'], path: 'subscriptions/<id>' },
  { roles: OWNERS_OF_ACTOR, path: 'subscriptions' },
  { roles: OWNERS_OF_ACTOR, path: 'devtest' },
  { roles: OWNERS_OF_ACTOR, path: '/', exact: true },
]) as readonly AccessRule[];

/**
 * Who may call what (ActingWeb spec, "Authentication" and "Types of Relationships"), as data.
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

/** Default rules, after the Python reference's `config.access`, tightened where the reference lets too much through (docs/conformance.md). @publicApi */
export const DEFAULT_ACCESS_RULES: readonly AccessRule[] = Object.freeze([
  { roles: ['anyone'], path: 'meta', methods: ['GET'] },
  // Subscription and permission callbacks come only from the peer named in the path (stricter than the reference);
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
  // Anyone may ask for a trust (ActingWeb spec, "Creation of a Trust Relationship"); the handler decides.
  { roles: ['anyone'], path: 'trust/<type>', methods: ['POST'], exact: true },
  // The peer may read its own record, send the approval notice and delete it, but not change it (a PUT by the peer is 403).
  { roles: ['owner'], path: 'trust/<type>/<id>', methods: ['GET', 'POST', 'DELETE'], exact: true },
  { roles: ['owner'], path: 'trust/<type>/<id>', allow: false },
  { roles: OWNERS_OF_ACTOR, path: 'trust' },
  { roles: ['owner'], path: 'subscriptions/<id>' },
  { roles: OWNERS_OF_ACTOR, path: 'subscriptions' },
  { roles: OWNERS_OF_ACTOR, path: 'devtest' },
  // The owner's web console: the creator only, as in the reference (a session of the owner counts as the creator).
  { roles: ['creator'], path: 'www' },
  { roles: OWNERS_OF_ACTOR, path: '/', exact: true },
]) as readonly AccessRule[];

/**
 * The access rules in force, as a DI token. Supply your own table with the
 * `accessRules` option of `ActingWebModule.forRoot()`/`forRootAsync()` (a
 * list, or a class extending this one, or a factory returning a list); the
 * default is {@link DEFAULT_ACCESS_RULES}. Usually you extend the defaults:
 * `accessRules: [myRule, ...DEFAULT_ACCESS_RULES]` (the first match decides).
 *
 * @publicApi
 */
export abstract class AccessRules {
  abstract readonly rules: readonly AccessRule[];
}

/** A fixed table of rules. */
export class StaticAccessRules extends AccessRules {
  readonly rules: readonly AccessRule[];

  constructor(rules: readonly AccessRule[]) {
    super();
    this.rules = validateAccessRules(rules);
  }
}

const RULE_KEYS = new Set(['roles', 'path', 'methods', 'exact', 'allow']);

/**
 * Checks a rule table at startup and returns a frozen copy; throws one Error
 * listing every problem (the module then fails to start, as for bad options).
 */
export function validateAccessRules(rules: unknown): readonly AccessRule[] {
  if (!Array.isArray(rules)) throw new Error('ActingWebModule: accessRules must be a list of access rules');
  const problems: string[] = [];
  rules.forEach((rule: unknown, i) => {
    const at = `accessRules[${i}]`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      problems.push(`${at} must be an object with roles and path`);
      return;
    }
    const r = rule as Record<string, unknown>;
    const unknown = Object.keys(r).filter((k) => !RULE_KEYS.has(k));
    if (unknown.length > 0) problems.push(`${at} has unknown keys ${unknown.join(', ')}`);
    if (!Array.isArray(r.roles) || r.roles.length === 0 || r.roles.some((x) => typeof x !== 'string' || !x))
      problems.push(`${at}.roles must be a non-empty list of role names`);
    if (typeof r.path !== 'string' || r.path === '')
      problems.push(`${at}.path must be a path key such as "properties"`);
    if (
      r.methods !== undefined &&
      (!Array.isArray(r.methods) || r.methods.some((m) => typeof m !== 'string'))
    )
      problems.push(`${at}.methods must be a list of HTTP methods`);
    for (const flag of ['exact', 'allow'] as const) {
      if (r[flag] !== undefined && typeof r[flag] !== 'boolean')
        problems.push(`${at}.${flag} must be true or false`);
    }
  });
  if (problems.length > 0) {
    throw new Error(`ActingWebModule: invalid accessRules:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze(
    (rules as AccessRule[]).map((r) =>
      Object.freeze({
        ...r,
        roles: Object.freeze([...r.roles]),
        ...(r.methods && { methods: Object.freeze(r.methods.map((m) => m.toUpperCase())) }),
      }),
    ),
  );
}

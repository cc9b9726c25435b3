/**
 * Who is calling, as resolved from the request's credentials (ActingWeb
 * spec, "Authentication").
 *
 * - `anonymous`: no Authorization header (or an unusable one on a public route).
 * - `creator`: HTTP Basic `creator:passphrase` (or a Bearer token the application's `BearerTokenResolver` maps to the creator).
 * - `trustee`: the actor's passphrase as a Bearer token, when a trustee is configured.
 * - `peer`: a trust secret as a Bearer token; carries the relationship and approval state.
 * - `application`: the application's own code (through `ActorService`/`ActorHandle`), fully trusted.
 *
 * @publicApi
 */
export type Caller =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'creator' }
  | { readonly kind: 'trustee' }
  | { readonly kind: 'application' }
  | {
      readonly kind: 'peer';
      readonly peerId: string;
      /** The trust relationship (trust type) name, e.g. `friend`. */
      readonly relationship: string;
      /** Whether this actor has approved the trust. */
      readonly approved: boolean;
    };

/** The anonymous caller (a shared frozen value). */
export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** The application itself, calling through the actor service or an actor handle. */
export const APPLICATION: Caller = Object.freeze({ kind: 'application' });

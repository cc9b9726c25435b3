/* Request bodies as the identity routes see them; `identity.routes.ts` installs the parsers that make them. */

/** An `application/x-www-form-urlencoded` body: first values, and the names sent more than once. */
export interface FormBody {
  readonly kind: 'form';
  readonly fields: Readonly<Record<string, string>>;
  readonly repeated: readonly string[];
}

/** A JSON body, or why it could not be read. */
export type JsonBody = { readonly kind: 'json'; readonly value: unknown } | { readonly kind: 'bad-json' };

/** Any other (or no) content type. */
export interface OtherBody {
  readonly kind: 'other';
}

export type IdentityBody = FormBody | JsonBody | OtherBody;

/** Largest body the identity endpoints read (forms and client registrations are small). */
export const IDENTITY_BODY_LIMIT = 64 * 1024;

/** The body of a request as the identity routes see it (no body: "other"). */
export function identityBody(body: unknown): IdentityBody {
  return typeof body === 'object' && body !== null && 'kind' in body
    ? (body as IdentityBody)
    : { kind: 'other' };
}

/** An `application/x-www-form-urlencoded` body: the first value of each name, and the repeated names. */
export function parseForm(text: string): FormBody {
  const fields: Record<string, string> = Object.create(null);
  const repeated = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in fields) repeated.add(key);
    else fields[key] = value;
  }
  return { kind: 'form', fields, repeated: [...repeated] };
}

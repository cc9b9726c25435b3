import type { FastifyInstance } from 'fastify';
import { parseJsonBody } from '../../http/body-parsing.js';

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

/**
 * Body parsing of the identity scope: forms (RFC 6749 endpoints and the
 * pages), JSON (dynamic registration, which some clients send with a
 * charset), and anything else as "other", so each endpoint answers with its
 * own protocol's error instead of Fastify's 415.
 */
export function installIdentityBodyParsers(scope: FastifyInstance, maxJsonDepth: number): void {
  scope.removeAllContentTypeParsers();
  const options = { parseAs: 'string' as const, bodyLimit: IDENTITY_BODY_LIMIT };
  scope.addContentTypeParser('application/x-www-form-urlencoded', options, (_req, body, done) =>
    done(null, parseForm(body as unknown as string)),
  );
  scope.addContentTypeParser('application/json', options, (_req, body, done) => {
    try {
      done(null, {
        kind: 'json',
        value: parseJsonBody(body as unknown as string, maxJsonDepth),
      } satisfies JsonBody);
    } catch {
      done(null, { kind: 'bad-json' } satisfies JsonBody);
    }
  });
  scope.addContentTypeParser('*', options, (_req, _body, done) =>
    done(null, { kind: 'other' } satisfies OtherBody),
  );
}

/** The body of a request as the identity routes see it (no body: "other"). */
export function identityBody(body: unknown): IdentityBody {
  return typeof body === 'object' && body !== null && 'kind' in body
    ? (body as IdentityBody)
    : { kind: 'other' };
}

function parseForm(text: string): FormBody {
  const fields: Record<string, string> = Object.create(null);
  const repeated = new Set<string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (key in fields) repeated.add(key);
    else fields[key] = value;
  }
  return { kind: 'form', fields, repeated: [...repeated] };
}

import { expect } from '@jest/globals';
import { basic, call, type TestServer } from './test-app.js';

/** An actor created over HTTP through the factory, with its creator's credentials. */
export interface TestActor {
  readonly id: string;
  /** The actor root, `<server>/<id>`. */
  readonly url: string;
  readonly creator: string;
  readonly passphrase: string;
  /** `Authorization: Basic <creator>:<passphrase>`, ready to spread into headers. */
  readonly auth: Record<string, string>;
  /** The actor's properties, `<server>/<id>/properties`. */
  readonly props: string;
  /** `init` for {@link call} as the creator: its credentials added (headers in `init` win). */
  as(init?: CallInit): CallInit;
}

type CallInit = NonNullable<Parameters<typeof call>[1]>;

/** What `POST /` takes (see docs/getting-started.md); a string is the creator. */
export type NewActorBody = string | { creator?: string; passphrase?: string; trustee_root?: string };

/** Creates an actor with `POST /` (201 expected) and returns it with its creator's credentials. */
export async function newActor(
  server: TestServer,
  body: NewActorBody = 'owner@example.com',
): Promise<TestActor> {
  const res = await call(server.url, {
    method: 'POST',
    body: typeof body === 'string' ? { creator: body } : body,
  });
  expect(res.status).toBe(201);
  const { id, creator, passphrase } = res.json as { id: string; creator: string; passphrase: string };
  const auth = { authorization: basic(creator, passphrase) };
  return {
    id,
    url: server.url + id,
    creator,
    passphrase,
    auth,
    props: `${server.url}${id}/properties`,
    as: (init = {}) => ({ ...init, headers: { ...auth, ...(init.headers ?? {}) } }),
  };
}

export const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

/**
 * An approved two-way trust between `a` and `b` over HTTP: `a`'s creator asks
 * `b` for `relationship`, and `b`'s creator approves unless `b` approved on
 * its own. Returns the shared secret (a Bearer token at both actors).
 */
export async function befriend(a: TestActor, b: TestActor, relationship = 'friend'): Promise<string> {
  const created = await call(`${a.url}/trust`, {
    method: 'POST',
    headers: a.auth,
    body: { url: b.url, relationship },
  });
  expect(created.status).toBe(201);
  if (!created.json.peer_approved) {
    const approved = await call(`${b.url}/trust/${relationship}/${a.id}`, {
      method: 'PUT',
      headers: b.auth,
      body: { approved: true },
    });
    expect(approved.status).toBe(204);
  }
  return created.json.secret as string;
}

/**
 * `a` asks `b` for `relationship` over HTTP and `b` does not approve it (a
 * server without `autoApprove` for it): a pending trust whose secret `b`
 * knows but does not honour yet. Returns the secret.
 */
export async function askForTrust(a: TestActor, b: TestActor, relationship: string): Promise<string> {
  const created = await call(`${a.url}/trust`, {
    method: 'POST',
    headers: a.auth,
    body: { url: b.url, relationship },
  });
  expect(created.status).toBe(201);
  expect(created.json.peer_approved).toBe(false);
  return created.json.secret as string;
}

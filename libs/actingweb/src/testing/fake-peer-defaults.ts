import { randomBytes } from 'node:crypto';
import type { FakeAnswer, FakePeerRequest } from './fake-peer-server.js';

/** A trust a fake peer holds with one actor (see `FakePeer.trustWith`). @publicApi */
export interface FakeTrust {
  readonly actorId: string;
  /** The actor's root URL. */
  readonly actorUrl: string;
  readonly relationship: string;
  /** The shared secret: the fake peer sends it as Bearer token, and the actor does too. */
  readonly secret: string;
  /** The token the actor's server reads back when it verifies the fake peer (ActingWeb spec, "Creation of a Trust Relationship"). */
  readonly verificationToken?: string;
}

/** What the default answers read and write. */
export interface FakePeerState {
  readonly id: string;
  readonly type: string;
  /** By actor id. */
  readonly trusts: Map<string, FakeTrust>;
}

/**
 * The answers of a minimal, well-behaved ActingWeb peer, used when no
 * scripted answer matches: `/meta`; its trust records (the verification
 * read, approval and delete notices, and trust requests, accepted at once);
 * subscription requests (accepted) and their deletion; subscription
 * callbacks (204). Everything else is 404.
 */
export function defaultAnswer(state: FakePeerState, request: FakePeerRequest): FakeAnswer {
  const [first, second, third, fourth] = request.path.split('/').map(decodeURIComponent);
  const { method } = request;
  if (request.path === 'meta' && method === 'GET') {
    return {
      json: {
        id: state.id,
        type: state.type,
        version: '1.0',
        desc: `Fake peer ${state.id}`,
        actingweb: { version: '1.4', supported: 'trust,subscriptions,callbacks' },
      },
    };
  }
  if (first === 'trust' && second !== undefined && third !== undefined && fourth === undefined) {
    return trustRecord(state, method, second, third);
  }
  if (first === 'trust' && second !== undefined && third === undefined && method === 'POST') {
    return acceptTrust(state, second, request.json);
  }
  if (first === 'subscriptions' && second !== undefined && method === 'POST' && third === undefined) {
    return { status: 201, json: { subscriptionid: randomBytes(16).toString('hex'), sequence: 0 } };
  }
  if (first === 'subscriptions' && method === 'DELETE') return { status: 204 };
  if (first === 'callbacks' && second === 'subscriptions') return { status: 204 };
  return { status: 404, json: { error: `The fake peer has no answer for ${method} ${request.path}` } };
}

/** `/trust/<relationship>/<actorId>`: the actor reads it to verify us, and sends notices to it. */
function trustRecord(
  state: FakePeerState,
  method: string,
  relationship: string,
  actorId: string,
): FakeAnswer {
  const trust = state.trusts.get(actorId);
  if (!trust || trust.relationship !== relationship) return { status: 404, json: { error: 'No such trust' } };
  if (method === 'GET') {
    return {
      json: {
        id: state.id,
        peerid: actorId,
        relationship,
        approved: true,
        peer_approved: true,
        ...(trust.verificationToken && {
          verificationToken: trust.verificationToken,
          verification_token: trust.verificationToken,
        }),
      },
    };
  }
  if (method === 'DELETE') state.trusts.delete(actorId);
  return { status: 204 };
}

/** An actor asks us for a trust (`TrustManager.createReciprocalTrust`): accepted and approved at once. */
function acceptTrust(state: FakePeerState, relationship: string, body: unknown): FakeAnswer {
  const request = (body ?? {}) as Record<string, unknown>;
  if (
    typeof request.id !== 'string' ||
    typeof request.baseuri !== 'string' ||
    typeof request.secret !== 'string'
  )
    return { status: 400, json: { error: 'id, baseuri and secret are required' } };
  state.trusts.set(request.id, {
    actorId: request.id,
    actorUrl: request.baseuri.replace(/\/+$/, ''),
    relationship,
    secret: request.secret,
  });
  return {
    status: 201,
    json: { id: state.id, peerid: request.id, relationship, approved: true, peer_approved: true },
  };
}

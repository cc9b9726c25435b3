import { describe, expect, it } from '@jest/globals';
import type { FastifyReply } from 'fastify';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors/actingweb.errors.js';
import { answerFromHooks, type HookStatusTable } from './hook-answer.js';

/** A reply that records what the helper set. */
function recordingReply() {
  const seen: { status?: number; type?: string } = {};
  const reply = {
    status(code: number) {
      seen.status = code;
      return reply;
    },
    type(value: string) {
      seen.type = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, seen };
}

const TABLE: HookStatusTable = {
  GET: { status: 200, unanswered: (name) => new NotFoundError(`No result for ${name}`) },
  POST: { status: 201, unanswered: (name) => new ConflictError(`${name} was not processed`) },
  PUT: { status: 200, body: 'objectOr204', unanswered: () => new NotFoundError('No such callback') },
  DELETE: { status: 204, body: 'empty', unanswered: (name) => new ForbiddenError(`${name} was not deleted`) },
};

describe('answerFromHooks', () => {
  it("answers with the rule's status and the result as JSON, a bare string included", () => {
    const { reply, seen } = recordingReply();
    expect(answerFromHooks(reply, TABLE, 'POST', 'x', { handled: true, result: 'done' })).toBe('"done"');
    expect(seen).toEqual({ status: 201, type: 'application/json; charset=utf-8' });
    expect(answerFromHooks(reply, TABLE, 'GET', 'x', { handled: true, result: { a: [1] } })).toBe(
      '{"a":[1]}',
    );
    expect(seen.status).toBe(200);
  });

  it("throws the rule's error when no hook answered", () => {
    const { reply } = recordingReply();
    expect(() => answerFromHooks(reply, TABLE, 'GET', 'report', { handled: false, result: null })).toThrow(
      new NotFoundError('No result for report'),
    );
    expect(() => answerFromHooks(reply, TABLE, 'DELETE', 'report', { handled: false, result: null })).toThrow(
      ForbiddenError,
    );
  });

  it("throws a hook's own error, whatever the outcome says otherwise", () => {
    const { reply } = recordingReply();
    const own = new ConflictError('taken');
    expect(() =>
      answerFromHooks(reply, TABLE, 'GET', 'x', { handled: false, result: null, error: own }),
    ).toThrow(own);
  });

  it('sends no body for empty rules, and 204 for a non-object result of objectOr204 rules', () => {
    const empty = recordingReply();
    expect(
      answerFromHooks(empty.reply, TABLE, 'DELETE', 'x', { handled: true, result: { a: 1 } }),
    ).toBeUndefined();
    expect(empty.seen).toEqual({ status: 204 });

    const object = recordingReply();
    expect(answerFromHooks(object.reply, TABLE, 'PUT', 'x', { handled: true, result: { ok: 1 } })).toEqual({
      ok: 1,
    });
    expect(object.seen).toEqual({ status: 200 });
    const truthy = recordingReply();
    expect(answerFromHooks(truthy.reply, TABLE, 'PUT', 'x', { handled: true, result: true })).toBeUndefined();
    expect(truthy.seen).toEqual({ status: 204 });
  });
});
